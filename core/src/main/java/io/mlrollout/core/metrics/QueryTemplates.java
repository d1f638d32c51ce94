package io.mlrollout.core.metrics;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
            if (value.matches("(?s).*[\"\\\\\\n\\r`].*")) {
                throw new IllegalArgumentException(
                        "the value of ${" + name + "} must not contain quotes, backslashes or line breaks");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
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
