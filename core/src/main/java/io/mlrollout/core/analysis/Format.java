package io.mlrollout.core.analysis;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How numbers read in logs and reports: fractions as percents, latencies in ms, the rest with 3 significant digits. */
public final class Format {

    /** From here on an e-value is written with a power of ten. */
    private static final double EVIDENCE_IN_POWERS_FROM = 1e6;

    private Format() {}

    /** A fraction as a percent: 0.0041 → "0.41%". */
    public static String percent(double fraction) {
        double p = fraction * 100;
        if (p != 0 && Math.abs(p) < 0.01) {
            return String.format(Locale.ROOT, "%.4f%%", p);
        }
        return String.format(Locale.ROOT, "%.2f%%", p);
    }

    /** A relative margin as a signed percent: 0.1 → "+10%". */
    public static String margin(double fraction) {
        return (fraction >= 0 ? "+" : "") + number(fraction * 100) + "%";
    }

    /**
     * A moment as people read it in a sentence, to the second: "2026-12-05T00:14:23Z". A controller's clock gives
     * nanoseconds, which say nothing to a signer and make a line hard to read.
     */
    public static String moment(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public static String millis(double ms) {
        return ms >= 100 ? Math.round(ms) + "ms" : number(ms) + "ms";
    }

    /**
     * An e-value, as a verdict quotes it beside the level it had to reach: as {@link #number} below a million, from
     * there with two significant digits and a power of ten ("1.5e19"); a healthy stage's evidence grows without bound,
     * and twenty digits of it would say nothing more.
     */
    public static String evidence(double eValue) {
        if (!(Math.abs(eValue) >= EVIDENCE_IN_POWERS_FROM) || Double.isInfinite(eValue)) {
            return number(eValue);
        }
        return String.format(Locale.ROOT, "%.1e", eValue).replaceFirst("e\\+0*", "e");
    }

    /** Three significant digits, no exponent for everyday magnitudes. */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1000 || magnitude == Math.rint(magnitude)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    /** A value in a metric's unit ({@link MetricLook#unit()}). */
    public static String value(Double value, String unit) {
        if (value == null) {
            return "no data";
        }
        return switch (unit) {
            case "%" -> percent(value);
            case "ms" -> millis(value);
            default -> number(value);
        };
    }
}
