package io.mlrollout.core.analysis.stats;

import java.util.Arrays;

/**
 * Hodges-Lehmann estimates of how far one sample sits from another: the median over all pairs (x_i, y_j) of their
 * difference or ratio. They are the effect sizes that go with a Mann-Whitney test (robust to outliers, no distribution
 * assumed) and are meant for reports.
 */
public final class HodgesLehmann {

    private HodgesLehmann() {}

    /** The median of x_i − y_j over all pairs: the location shift of x relative to y. */
    public static double shift(double[] x, double[] y) {
        requireSamples(x, y);
        double[] pairs = new double[x.length * y.length];
        int n = 0;
        for (double xi : x) {
            for (double yj : y) {
                pairs[n++] = xi - yj;
            }
        }
        return median(pairs, n);
    }

    /**
     * The median of x_i / y_j over all pairs with y_j &gt; 0: the relative change of x against y (1.2 means 20%
     * higher). NaN when no y is positive.
     */
    public static double ratio(double[] x, double[] y) {
        requireSamples(x, y);
        double[] pairs = new double[x.length * y.length];
        int n = 0;
        for (double yj : y) {
            if (yj > 0) {
                for (double xi : x) {
                    pairs[n++] = xi / yj;
                }
            }
        }
        return n == 0 ? Double.NaN : median(pairs, n);
    }

    private static double median(double[] values, int count) {
        Arrays.sort(values, 0, count);
        int mid = count / 2;
        return count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static void requireSamples(double[] x, double[] y) {
        if (x == null || y == null || x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("both samples need at least one value");
        }
    }
}
