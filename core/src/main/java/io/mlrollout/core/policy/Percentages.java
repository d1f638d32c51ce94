package io.mlrollout.core.policy;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The one spelling of a percentage in a policy: a number followed by {@code %} ({@code 10%}, {@code 0.5%}). A policy
 * writes percentages; the model holds fractions ({@code 10%} is 0.10), so nobody has to guess whether 10 means 10% or
 * 1000%.
 */
public final class Percentages {

    private static final Pattern SPELLING = Pattern.compile("-?\\d+(\\.\\d+)?%");

    private Percentages() {}

    /**
     * Reads a percentage and returns it as a fraction.
     *
     * @throws IllegalArgumentException with a reason, when the text is not a non-negative percentage
     */
    public static double parse(String text) {
        if (!SPELLING.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a percentage; write a number followed by %, e.g. 10% or 0.5%");
        }
        BigDecimal percent = new BigDecimal(text.substring(0, text.length() - 1));
        if (percent.signum() < 0) {
            throw new IllegalArgumentException(text + " is negative");
        }
        double fraction = percent.movePointLeft(2).doubleValue();
        if (Double.isInfinite(fraction)) {
            // past a double's range: every check and message after this one would work with infinity
            throw new IllegalArgumentException("is too large for a percentage");
        }
        return fraction;
    }

    /** The policy spelling of a fraction: 0.005 is {@code 0.5%}. */
    public static String format(double fraction) {
        return BigDecimal.valueOf(fraction)
                        .movePointRight(2)
                        .stripTrailingZeros()
                        .toPlainString() + "%";
    }
}
