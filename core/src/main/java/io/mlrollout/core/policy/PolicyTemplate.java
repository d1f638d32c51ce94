package io.mlrollout.core.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named, versioned policy that administrators share: a policy document with {@code ${param}} placeholders and a
 * {@code parameters:} section declaring them (see docs/policy.md, "Templates"). A pipeline names it and gives the
 * parameters; {@link #resolve} makes the policy, or refuses with field paths before anything moves.
 *
 * @param name lower-case letters, digits and -, as endpoint names
 * @param version 1 or more; a pipeline may pin one, else it gets the highest
 * @param body the template document, as the administrator wrote it (line ends are kept as LF)
 */
public record PolicyTemplate(String name, int version, String body) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public PolicyTemplate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        nameProblem(name).ifPresent(problem -> {
            throw new IllegalArgumentException("name: " + problem);
        });
        if (version < 1) {
            throw new IllegalArgumentException("version: must be 1 or more, not " + version);
        }
        // A browser's form sends CR LF, an old editor CR alone; YAML reads either as a line end, and the same text
        // typed in a form or kept in a file has one digest.
        body = body.replace("\r\n", "\n").replace('\r', '\n');
    }

    /** Why {@code name} cannot name a template; empty when it can. */
    public static Optional<String> nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("is required");
        }
        return NAME.matcher(name).matches()
                ? Optional.empty()
                : Optional.of("'" + name
                        + "' is not a template name: use lower-case letters, digits and -, not starting with -");
    }

    /**
     * {@code sha256:} and the hex SHA-256 of the version, a line feed and the body (UTF-8): the same template gives the
     * same digest wherever it is defined, and any change to its text or version changes it.
     */
    public String digest() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha256.digest((version + "\n" + body).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Its name, version and digest; where it was defined is the catalog's to add (see {@link TemplateCatalog}). */
    public TemplateOrigin origin() {
        return new TemplateOrigin(name, version, digest(), null);
    }

    /**
     * The policy this template makes with {@code params}.
     *
     * @param params parameter values by name: text, numbers or booleans (text is read as the parameter's type)
     * @throws PolicyException listing every problem: a given parameter at {@code template.params.<name>}, the template's
     *     own text at its path inside the template, a policy field a parameter filled at {@code template.params.<name>}
     */
    public ResolvedTemplate resolve(Map<String, ?> params) throws PolicyException {
        return TemplateResolver.resolve(this, params);
    }

    /**
     * What is wrong with the template itself, each with its path inside the template; empty when it is fine. The policy
     * is read here only when every parameter has a default; otherwise it is read when a pipeline gives the values.
     */
    public List<PolicyError> problems() {
        return TemplateResolver.check(this);
    }

    /**
     * A template's policy.
     *
     * @param policy the parsed policy, carrying the template's origin
     * @param policyText the policy as JSON, parameters filled in: what a rollout keeps to be picked up again
     */
    public record ResolvedTemplate(Policy policy, String policyText) {}
}
