package io.mlrollout.core.policy;

import java.util.Objects;

/**
 * Where a policy came from when a shared template made it: what the evidence records, so an auditor can tell which
 * approved text a rollout followed.
 *
 * @param name the template's name
 * @param version its version
 * @param digest {@code sha256:} and the hex SHA-256 of the version and body (see {@link PolicyTemplate#digest()})
 */
public record TemplateOrigin(String name, int version, String digest) {

    public TemplateOrigin {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
    }

    /** {@code standard-canary v3 (sha256:ab12…)}, for a log line or a report. */
    public String describe() {
        return name + " v" + version + " (" + digest + ")";
    }
}
