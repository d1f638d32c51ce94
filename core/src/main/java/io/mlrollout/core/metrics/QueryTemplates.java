package io.mlrollout.core.metrics;

import io.mlrollout.core.policy.QueryPlaceholders;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the {@code ${name}} placeholders of PromQL templates. Only the placeholders listed in {@link #PLACEHOLDERS}
 * exist; any other is an error naming it, so a typo cannot silently become a query for nothing.
 */
public final class QueryTemplates {

    /** Every placeholder a query may use. */
    public static final List<String> PLACEHOLDERS =
            List.of("version", "interval", "endpoint", "namespace", "threshold", "thresholdSeconds", "quantile");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private QueryTemplates() {}

    /** The placeholders {@code template} uses, in order of first use. */
    public static Set<String> placeholders(String template) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Refuses a template that uses a placeholder that does not exist. */
    public static void requireKnownPlaceholders(String template) {
        for (String name : placeholders(template)) {
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("unknown placeholder ${" + name + "}; known: "
                        + PLACEHOLDERS.stream().map(p -> "${" + p + "}").toList());
            }
        }
    }

    /**
     * Replaces every placeholder by its value.
     *
     * @throws IllegalArgumentException for an unknown placeholder, a placeholder without a value, or a value that
     *     could break out of a PromQL string (quotes, backslashes, line breaks)
     */
    public static String fill(String template, Map<String, String> values) {
        requireKnownPlaceholders(template);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("placeholder ${" + name + "} has no value here");
            }
            Optional<String> unsafe = QueryPlaceholders.valueProblem(value);
            if (unsafe.isPresent()) {
                throw new IllegalArgumentException("the value of ${" + name + "} " + unsafe.get());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Why {@code label} cannot be grouped by or matched in a query, or empty when it can: a label name is letters,
     * digits and underscores, not starting with a digit. A command checks a label it was given with this before
     * anything is asked, so that a bad one is refused as input rather than failing as a Prometheus parse error.
     */
    public static Optional<String> labelNameProblem(String label) {
        return label.matches("[A-Za-z_][A-Za-z0-9_]*")
                ? Optional.empty()
                : Optional.of("'" + label + "' is not a Prometheus label name (letters, digits and _, not starting"
                        + " with a digit)");
    }

    /** How presets, and most hand-written queries, pick a version: {@code some_label="${version}"}. */
    private static final Pattern VERSION_MATCHER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\s*=\\s*\"\\$\\{version}\"");

    /**
     * A series selector that picks a version: the braces around a {@link #VERSION_MATCHER}, other placeholders (which
     * hold braces of their own) allowed inside.
     */
    private static final Pattern VERSION_SELECTOR =
            Pattern.compile("(?<!\\$)\\{(?:[^{}$]|\\$\\{[A-Za-z]+})*\\$\\{version}(?:[^{}$]|\\$\\{[A-Za-z]+})*}");

    /** A Kubernetes object name: what a label value may be when it is matched literally inside a regex. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    /**
     * The template with {@code label=~"a|b"} beside every {@code name="${version}"} matcher, so it reads only the series
     * of the version whose {@code label} is one of {@code values} (e.g. some of a version's pods).
     *
     * @param values Kubernetes names (lowercase letters, digits, '-' and '.'), at least one
     * @throws IllegalArgumentException when the template picks the version in no {@code name="${version}"} matcher,
     *     or a value is not a plain name
     */
    public static String narrowed(String template, String label, List<String> values) {
        Optional<String> notALabel = labelNameProblem(label);
        if (notALabel.isPresent()) {
            throw new IllegalArgumentException(notALabel.get());
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no " + label + " to narrow the query to");
        }
        List<String> literals = new ArrayList<>();
        for (String value : values) {
            if (!PLAIN_NAME.matcher(value).matches()) {
                throw new IllegalArgumentException("'" + value + "' is not a Kubernetes name");
            }
            literals.add(value.replace(".", "[.]")); // a dot is the only regex character such a name may hold
        }
        Matcher m = VERSION_MATCHER.matcher(template);
        if (!m.find()) {
            throw new IllegalArgumentException(
                    "the query picks its version in no label=\"${version}\" matcher: " + template);
        }
        String matcher = label + "=~\"" + String.join("|", literals) + "\"";
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group() + "," + matcher));
    }

    /**
     * The first series selector of the template that picks a version, braces included (e.g.
     * {@code {reporter="destination",destination_version="${version}"}}): a selector of every series of the version.
     */
    public static Optional<String> versionSelector(String template) {
        Matcher m = VERSION_SELECTOR.matcher(template);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** A window length as a Prometheus duration in whole seconds, e.g. {@code 60s}. */
    public static String interval(Duration length) {
        if (length.getSeconds() < 1) {
            throw new IllegalArgumentException("an interval must be at least 1s, got " + length);
        }
        return length.getSeconds() + "s";
    }

    /** A number without a needless fraction or exponent: 250.0 is {@code 250}, 0.25 is {@code 0.25}. */
    public static String number(double value) {
        BigDecimal plain = BigDecimal.valueOf(value).stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0).toPlainString() : plain.toPlainString();
    }
}
