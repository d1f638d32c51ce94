package io.mlrollout.core.policy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one spelling of a duration in a policy: a whole number and a unit, {@code ms}, {@code s}, {@code m}, {@code h}
 * or {@code d} ({@code 250ms}, {@code 90s}, {@code 10m}, {@code 24h}, {@code 7d}). Whole numbers only, because the
 * same text goes into PromQL range selectors, which take no fractions; {@code 1.5h} is written {@code 90m}.
 */
public final class Durations {

    /** Longer than this is a typo, not a plan; it also keeps arithmetic on durations far from overflow. */
    public static final Duration LONGEST = Duration.ofDays(365);

    private static final Pattern SPELLING = Pattern.compile("(-?)(\\d+)(\\.\\d+)?(ms|s|m|h|d)");

    private Durations() {}

    /**
     * Reads a duration in the policy spelling.
     *
     * @throws IllegalArgumentException with a reason a person can act on, when the text is not a positive duration
     */
    public static Duration parse(String text) {
        Matcher m = SPELLING.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a duration; write a whole number and a unit (ms, s, m, h or d), e.g. 90s or 10m");
        }
        String unit = m.group(4);
        if (m.group(3) != null) {
            BigDecimal millis = new BigDecimal(m.group(2) + m.group(3)).multiply(BigDecimal.valueOf(unitMillis(unit)));
            String hint = millis.stripTrailingZeros().scale() <= 0
                    ? ", e.g. " + format(Duration.ofMillis(millis.longValueExact()))
                    : "";
            throw new IllegalArgumentException(
                    "'" + text + "' has a fraction; write a whole number with a smaller unit" + hint);
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException(text + " is negative; a duration must be longer than zero");
        }
        BigDecimal millis = new BigDecimal(m.group(2)).multiply(BigDecimal.valueOf(unitMillis(unit)));
        if (millis.signum() == 0) {
            throw new IllegalArgumentException(text + " is zero; a duration must be longer than zero");
        }
        if (millis.compareTo(BigDecimal.valueOf(LONGEST.toMillis())) > 0) {
            throw new IllegalArgumentException(text + " is longer than " + format(LONGEST));
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** The policy spelling of a duration, in the largest unit that divides it: {@code 90s}, {@code 2h}, {@code 250ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        for (String unit : new String[] {"d", "h", "m", "s"}) {
            long size = unitMillis(unit);
            if (millis != 0 && millis % size == 0) {
                return millis / size + unit;
            }
        }
        return millis + "ms";
    }

    private static long unitMillis(String unit) {
        return switch (unit) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> throw new IllegalStateException("unit " + unit);
        };
    }
}
