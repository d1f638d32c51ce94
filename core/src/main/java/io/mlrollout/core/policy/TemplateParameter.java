package io.mlrollout.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One parameter a policy template declares: its type, and its default when it may be left out.
 *
 * @param name what {@code ${name}} in the template's body refers to
 * @param type what values it takes
 * @param defaultValue the value when none is given, already checked against the type; empty when it is required
 */
public record TemplateParameter(String name, Type type, Optional<JsonNode> defaultValue) {

    /** The kinds of value a parameter takes; each is read as the policy reads a field of that kind. */
    public enum Type {
        TEXT(ValueType.TEXT),
        NUMBER(ValueType.NUMBER),
        INTEGER(ValueType.WHOLE_NUMBER),
        PERCENT(ValueType.PERCENT),
        DURATION(ValueType.DURATION),
        BOOLEAN(ValueType.BOOLEAN);

        private final ValueType<?> check;

        Type(ValueType<?> check) {
            this.check = check;
        }

        /** How a template spells it: {@code percent}, {@code integer}. */
        public String spelling() {
            return ValueType.spelling(this);
        }
    }

    /** Every character Unicode counts as ending a line: a log line or a name split by one reads as two. */
    private static final Pattern LINE_BREAK = Pattern.compile("[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029]");

    public boolean required() {
        return defaultValue.isEmpty();
    }

    /**
     * {@code given} as the value this parameter puts into the policy: numbers and booleans as such, everything else as
     * text. Text is accepted for every type, because the command line and Jenkins' forms give text only.
     *
     * @throws IllegalArgumentException naming why the value does not fit the type
     */
    JsonNode accept(Object given) {
        JsonNode node = asNode(given);
        if (node.isTextual()) {
            String text = node.textValue().strip();
            if (type == Type.NUMBER || type == Type.INTEGER) {
                node = number(text).orElse(node);
            } else if (type == Type.BOOLEAN && (text.equals("true") || text.equals("false"))) {
                node = JsonNodeFactory.instance.booleanNode(text.equals("true"));
            }
        }
        if (type == Type.TEXT
                && node.isTextual()
                && LINE_BREAK.matcher(node.textValue()).find()) {
            throw new IllegalArgumentException("is more than one line; a text parameter takes one line");
        }
        type.check.read(node);
        return node;
    }

    private static JsonNode asNode(Object given) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (given instanceof JsonNode node) {
            return node;
        }
        if (given instanceof Collection<?>
                || given instanceof Map<?, ?>
                || given.getClass().isArray()) {
            // Refused by every type as "a list" or "a mapping", not read as its toString ("[a, b]").
            return given instanceof Map<?, ?> ? nodes.objectNode() : nodes.arrayNode();
        }
        if (given instanceof Boolean b) {
            return nodes.booleanNode(b);
        }
        if (given instanceof Integer || given instanceof Long || given instanceof Short || given instanceof Byte) {
            return nodes.numberNode(((Number) given).longValue());
        }
        if (given instanceof Number n) {
            return number(n.toString()).orElse(nodes.textNode(n.toString()));
        }
        return nodes.textNode(String.valueOf(given));
    }

    private static Optional<JsonNode> number(String text) {
        try {
            BigDecimal value = new BigDecimal(text);
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            return Optional.of(
                    value.stripTrailingZeros().scale() <= 0
                            ? nodes.numberNode(value.toBigIntegerExact())
                            : nodes.numberNode(value.doubleValue()));
        } catch (NumberFormatException | ArithmeticException notANumber) {
            return Optional.empty();
        }
    }
}
