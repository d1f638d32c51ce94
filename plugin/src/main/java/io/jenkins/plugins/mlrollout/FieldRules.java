package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules for the configuration fields, in one place so that the form checks ({@code doCheck...}) and the setters
 * (which refuse bad values from forms and configuration-as-code alike) cannot disagree. A rule takes a trimmed value
 * ({@code null} when blank) and returns the problem, if any, as a phrase that follows the field name.
 */
final class FieldRules {

    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    /** Kubernetes' DNS-1123 label: namespaces, subsets. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Kubernetes' DNS-1123 subdomain: object names and service host names. */
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private FieldRules() {}

    /** Trims {@code raw} and applies {@code rule}; returns the trimmed value or refuses it naming {@code field}. */
    static @CheckForNull String accept(
            String field, @CheckForNull String raw, Function<String, Optional<String>> rule) {
        String value = trimToNull(raw);
        Optional<String> problem = rule.apply(value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(field + ": " + problem.get());
        }
        return value;
    }

    static @CheckForNull String trimToNull(@CheckForNull String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return raw.trim();
    }

    /** Names separated by commas or white space, in order, each once; none for {@code null}. */
    static List<String> splitNames(@CheckForNull String value) {
        if (value == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : value.split("[,\\s]+")) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Full names of jobs or folders ({@code team/deploy}), separated by commas or white space; blank means none. A
     * leading or trailing {@code /}, or an empty segment, would match nothing the way it reads, so it is refused.
     */
    static Optional<String> jobNames(@CheckForNull String value) {
        for (String name : splitNames(value)) {
            if (name.startsWith("/") || name.endsWith("/") || name.contains("//")) {
                return Optional.of("'" + name + "' is not a full name: write it as Jenkins shows it, e.g. team/deploy,"
                        + " without a leading or trailing '/'");
            }
        }
        return Optional.empty();
    }

    static Optional<String> required(@CheckForNull String value) {
        return value == null ? Optional.of("is required") : Optional.empty();
    }

    static Optional<String> endpointName(@CheckForNull String value) {
        if (value == null) {
            return required(null);
        }
        if (!ENDPOINT_NAME.matcher(value).matches()) {
            return Optional.of("'" + value + "' must start with a lower-case letter or a digit and contain only"
                    + " lower-case letters, digits and '-'");
        }
        return Optional.empty();
    }

    /**
     * An absolute http(s) URL with a host. The value is never repeated in the problem: a mistyped URL may hold a
     * password.
     */
    static Optional<String> httpUrl(@CheckForNull String value) {
        if (value == null) {
            return required(null);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return Optional.of("must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            return Optional.of("has no host name");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not contain a user name or password; choose a credential instead");
        }
        return Optional.empty();
    }

    /** A Kubernetes object name or service host name; required. */
    static Optional<String> kubernetesName(@CheckForNull String value) {
        if (value == null) {
            return required(null);
        }
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            return Optional.of("'" + value + "' is not a valid Kubernetes name (lower-case letters, digits, '-' and"
                    + " '.', starting and ending with a letter or digit, at most 253 characters)");
        }
        return Optional.empty();
    }

    /** A Kubernetes namespace; required. */
    static Optional<String> kubernetesNamespace(@CheckForNull String value) {
        if (value == null) {
            return required(null);
        }
        return label(value);
    }

    /** A DNS-1123 label that may be left out (e.g. an Istio subset, the metrics namespace). */
    static Optional<String> optionalLabel(@CheckForNull String value) {
        return value == null ? Optional.empty() : label(value);
    }

    static Optional<String> nonNegative(int value) {
        return value < 0 ? Optional.of("must be 0 or more, not " + value) : Optional.empty();
    }

    /** A form's text for an int field that is 0 or more; blank means the default. */
    static Optional<String> nonNegativeInteger(@CheckForNull String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return nonNegative(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return Optional.of("'" + value + "' is not a whole number");
        }
    }

    private static Optional<String> label(String value) {
        if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            return Optional.of("'" + value + "' is not a valid Kubernetes label (lower-case letters, digits and '-',"
                    + " starting and ending with a letter or digit, at most 63 characters)");
        }
        return Optional.empty();
    }
}
