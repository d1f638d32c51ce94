package io.mlrollout.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How one value of the policy document is read: what is expected (for messages) and the conversion, which throws an
 * {@link IllegalArgumentException} whose message is the reason the value was refused.
 */
record ValueType<T>(String expected, Function<JsonNode, T> conversion) {

    static final ValueType<String> TEXT = new ValueType<>("text", node -> {
        requireType(node.isTextual(), node, "text");
        if (node.textValue().isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        return node.textValue();
    });

    static final ValueType<Boolean> BOOLEAN = new ValueType<>("true or false", node -> {
        requireType(node.isBoolean(), node, "true or false");
        return node.booleanValue();
    });

    static final ValueType<Integer> WHOLE_NUMBER = new ValueType<>("a whole number", node -> {
        if (node.isTextual() && node.textValue().strip().matches("\\d+ ?%")) {
            // weights and holdbacks are percent already, as shadow: 20% is written with its sign
            throw new IllegalArgumentException("expected a whole number, got " + describe(node)
                    + "; write it without %, e.g. " + node.textValue().replaceAll("[ %]", ""));
        }
        requireType(node.isNumber(), node, "a whole number");
        if (!node.isIntegralNumber()) {
            double value = node.doubleValue();
            // 10.0 is a YAML float: say so, or "got 10" reads as a refusal of 10
            String hint = Double.isFinite(value) && value == Math.rint(value)
                    ? " without the fraction, e.g. " + format(value)
                    : "";
            throw new IllegalArgumentException("expected a whole number, got "
                    + (hint.isEmpty() ? format(value) : node.asText() + "; write it" + hint));
        }
        if (!node.canConvertToInt()) {
            throw new IllegalArgumentException(node.asText() + " is too large");
        }
        return node.intValue();
    });

    static final ValueType<Double> NUMBER = new ValueType<>("a number", node -> {
        requireType(node.isNumber(), node, "a number");
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("expected a finite number, got " + node.asText());
        }
        return value;
    });

    static final ValueType<Duration> DURATION = new ValueType<>("a duration such as 10m", node -> {
        if (node.isNumber()) {
            throw new IllegalArgumentException(
                    "a duration needs a unit (ms, s, m, h or d), e.g. 10m; got the number " + node.asText());
        }
        requireType(node.isTextual(), node, "a duration such as 10m");
        return Durations.parse(node.textValue());
    });

    static final ValueType<Double> PERCENT = new ValueType<>(
            "a percentage such as 10%",
            node -> {
                if (node.isNumber()) {
                    throw new IllegalArgumentException(
                            "a percentage is written with %, e.g. 10% or 0.5%; got the number " + node.asText());
                }
                requireType(node.isTextual(), node, "a percentage such as 10%");
                return Percentages.parse(node.textValue());
            });

    /**
     * One constant of an enum, spelt exactly as its name in lower camel case: {@code SIGN_OFF} is {@code signOff},
     * {@code ROLLBACK} is {@code rollback}.
     */
    static <E extends Enum<E>> ValueType<E> choice(Class<E> type) {
        Map<String, E> words = new LinkedHashMap<>();
        for (E constant : type.getEnumConstants()) {
            words.put(spelling(constant), constant);
        }
        String listed = String.join(", ", words.keySet());
        return new ValueType<>("one of " + listed, node -> {
            requireType(node.isTextual(), node, "one of " + listed);
            E value = words.get(node.textValue());
            if (value == null) {
                throw new IllegalArgumentException("'" + node.textValue() + "' is not one of " + listed
                        + Suggestions.hint(node.textValue(), words.keySet()));
            }
            return value;
        });
    }

    /** How a policy spells an enum constant: {@code SIGN_OFF} is {@code signOff}. */
    static String spelling(Enum<?> constant) {
        StringBuilder word = new StringBuilder();
        for (String part : constant.name().toLowerCase(Locale.ROOT).split("_")) {
            word.append(word.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return word.toString();
    }

    /** This type with one more condition; {@code reason} explains a value that fails it. */
    ValueType<T> where(Predicate<T> valid, Function<T, String> reason) {
        return new ValueType<>(expected, node -> {
            T value = conversion.apply(node);
            if (!valid.test(value)) {
                throw new IllegalArgumentException(reason.apply(value));
            }
            return value;
        });
    }

    /** This type converted further; {@code conversion} throws {@link IllegalArgumentException} to refuse a value. */
    <U> ValueType<U> map(Function<T, U> next) {
        return new ValueType<>(expected, node -> next.apply(conversion.apply(node)));
    }

    T read(JsonNode node) {
        return conversion.apply(node);
    }

    /** A number as a person wrote it: 1 rather than 1.0. */
    static String format(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return "the text '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return "nothing";
    }

    private static void requireType(boolean ok, JsonNode node, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("expected " + expected + ", got " + describe(node));
        }
    }
}
