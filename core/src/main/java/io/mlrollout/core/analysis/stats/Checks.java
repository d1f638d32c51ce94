package io.mlrollout.core.analysis.stats;

/** Argument checks shared by the tests, so every bad input is refused with the field's name and the reason. */
final class Checks {

    private Checks() {}

    /** A significance level or false-rejection budget: strictly between 0 and 1. */
    static double level(String field, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(field + " must be in (0, 1), got " + value);
        }
        return value;
    }

    /** An event count: finite and not negative. Fractional counts are allowed (Prometheus extrapolates). */
    static double count(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(field + " must be a finite count >= 0, got " + value);
        }
        return value;
    }

    /** Bad events of a version must not exceed its total. */
    static void badWithinTotal(String badField, double bad, String totalField, double total) {
        if (bad > total) {
            throw new IllegalArgumentException(badField + " (" + bad + ") exceeds " + totalField + " (" + total + ")");
        }
    }

    /** One interval's counts of both versions, as the rate-ratio tests take them. */
    static void pairedCounts(double canaryBad, double canaryTotal, double baselineBad, double baselineTotal) {
        count("canaryBad", canaryBad);
        count("canaryTotal", canaryTotal);
        count("baselineBad", baselineBad);
        count("baselineTotal", baselineTotal);
        badWithinTotal("canaryBad", canaryBad, "canaryTotal", canaryTotal);
        badWithinTotal("baselineBad", baselineBad, "baselineTotal", baselineTotal);
    }

    static double finite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be finite, got " + value);
        }
        return value;
    }
}
