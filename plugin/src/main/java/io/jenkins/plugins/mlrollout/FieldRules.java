package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.http.PemTrust;
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
 * ({@code null} when blank) and returns the problem, if any, as a phrase that follows the field name; the phrases are in
 * {@code Messages.properties}.
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
                return Optional.of(Messages.FieldRules_NotAFullJobName(name));
            }
        }
        return Optional.empty();
    }

    static Optional<String> required(@CheckForNull String value) {
        return value == null ? Optional.of(Messages.FieldRules_Required()) : Optional.empty();
    }

    static Optional<String> endpointName(@CheckForNull String value) {
        if (value == null) {
            return required(null);
        }
        if (!ENDPOINT_NAME.matcher(value).matches()) {
            return Optional.of(Messages.FieldRules_EndpointName(value));
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
            return Optional.of(Messages.FieldRules_InvalidUrl());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return Optional.of(Messages.FieldRules_NotHttp());
        }
        if (uri.getHost() == null) {
            return Optional.of(Messages.FieldRules_NoHost());
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of(Messages.FieldRules_UserInfoInUrl());
        }
        return Optional.empty();
    }

    /** A Kubernetes object name or service host name; required. */
    static Optional<String> kubernetesName(@CheckForNull String value) {
        if (value == null) {
            return required(null);
        }
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            return Optional.of(Messages.FieldRules_KubernetesName(value));
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

    /** CA certificates in PEM that may be left out (then the JVM's own are trusted). */
    static Optional<String> optionalPem(@CheckForNull String value) {
        return value == null ? Optional.empty() : PemTrust.problem(value);
    }

    static Optional<String> nonNegative(int value) {
        // as a String: MessageFormat would group the digits of a number (-1,234)
        return value < 0 ? Optional.of(Messages.FieldRules_Negative(String.valueOf(value))) : Optional.empty();
    }

    /** A form's text for an int field that is 0 or more; blank means the default. */
    static Optional<String> nonNegativeInteger(@CheckForNull String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return nonNegative(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return Optional.of(Messages.FieldRules_NotAWholeNumber(value));
        }
    }

    private static Optional<String> label(String value) {
        if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            return Optional.of(Messages.FieldRules_KubernetesLabel(value));
        }
        return Optional.empty();
    }
}
