package io.mlrollout.core.tier;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/** The type a policy declares for a fact, as its rules see it in CEL. */
public enum FactType {
    STRING("string", SimpleType.STRING),
    DOUBLE("double", SimpleType.DOUBLE),
    INT("int", SimpleType.INT),
    BOOL("bool", SimpleType.BOOL);

    private final String spelling;
    private final CelType celType;

    FactType(String spelling, CelType celType) {
        this.spelling = spelling;
        this.celType = celType;
    }

    /** The type as a policy spells it: string, double, int or bool. */
    public String spelling() {
        return spelling;
    }

    CelType celType() {
        return celType;
    }

    public static Optional<FactType> of(String spelling) {
        for (FactType type : values()) {
            if (type.spelling.equals(spelling)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * The value as CEL takes it (String, Double, Long or Boolean). Text from a command line is read as this type;
     * values from a pipeline must already be of it (a number for double and int, true or false for bool).
     *
     * @throws IllegalArgumentException saying why the value is not of this type
     */
    public Object value(Object given) {
        if (given == null) {
            throw new IllegalArgumentException("has no value; expected a " + spelling);
        }
        return switch (this) {
            case STRING -> {
                if (!(given instanceof CharSequence text) || text.toString().isBlank()) {
                    throw wrong(given);
                }
                yield text.toString();
            }
            case DOUBLE -> {
                double value = given instanceof Number n
                        ? n.doubleValue()
                        : parse(given).doubleValue();
                if (!Double.isFinite(value)) {
                    throw wrong(given);
                }
                yield value;
            }
            case INT -> {
                BigDecimal number = given instanceof Number n ? new BigDecimal(n.toString()) : parse(given);
                try {
                    yield number.longValueExact();
                } catch (ArithmeticException notWhole) {
                    throw wrong(given);
                }
            }
            case BOOL -> {
                if (given instanceof Boolean b) {
                    yield b;
                }
                String text = given.toString().trim().toLowerCase(Locale.ROOT);
                if (!text.equals("true") && !text.equals("false")) {
                    throw wrong(given);
                }
                yield Boolean.parseBoolean(text);
            }
        };
    }

    private BigDecimal parse(Object given) {
        if (!(given instanceof CharSequence)) {
            throw wrong(given);
        }
        try {
            return new BigDecimal(given.toString().trim());
        } catch (NumberFormatException notANumber) {
            throw wrong(given);
        }
    }

    private IllegalArgumentException wrong(Object given) {
        String shown = given instanceof CharSequence ? "'" + given + "'" : String.valueOf(given);
        return new IllegalArgumentException(shown + " is not a " + spelling);
    }
}
