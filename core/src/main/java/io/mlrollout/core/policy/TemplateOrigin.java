package io.mlrollout.core.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Where a policy came from when a shared template made it: what the evidence records, so an auditor can tell which
 * approved text a rollout followed, and who looks after it.
 *
 * @param name the template's name
 * @param version its version
 * @param digest {@code sha256:} and the hex SHA-256 of the version and body (see {@link PolicyTemplate#digest()})
 * @param definedIn the label of the catalog scope that defined it, e.g. {@code folder 'team-a/risk'} or {@code the
 *     global configuration}; null for a template read from a file, and in evidence written before it was recorded
 *     (left out of the JSON then, so such evidence reads the same as before)
 */
public record TemplateOrigin(
        String name,
        int version,
        String digest,
        @JsonInclude(JsonInclude.Include.NON_NULL) String definedIn) {

    public TemplateOrigin {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
    }

    /** The same template, as defined in the scope {@code label}. */
    public TemplateOrigin definedIn(String label) {
        return new TemplateOrigin(name, version, digest, Objects.requireNonNull(label, "label"));
    }

    /** {@code standard-canary v3 (sha256:ab12…)}, with {@code from folder 'team-a'} when known. */
    public String describe() {
        return name + " v" + version + " (" + digest + ")" + (definedIn == null ? "" : " from " + definedIn);
    }
}
