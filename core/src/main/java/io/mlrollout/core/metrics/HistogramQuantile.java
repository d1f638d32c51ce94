package io.mlrollout.core.metrics;

/**
 * A quantile of bucket counts as Prometheus' {@code histogram_quantile} computes it: linear interpolation inside the
 * bucket that holds the rank, the first bucket starting at 0 (when its bound is positive), and the largest finite
 * bound when the rank falls into the +Inf bucket. So the value the judge prints is the value a dashboard shows.
 */
public final class HistogramQuantile {

    private HistogramQuantile() {}

    /**
     * @param quantile in (0, 1)
     * @param upperBounds ascending, the last +Inf
     * @param counts per bucket, not cumulative
     * @return the interpolated quantile, NaN without events
     */
    public static double of(double quantile, double[] upperBounds, double[] counts) {
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        if (upperBounds.length != counts.length || upperBounds.length < 2) {
            throw new IllegalArgumentException("a quantile needs at least two buckets, one count per bucket");
        }
        double total = 0;
        for (double count : counts) {
            total += count;
        }
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = quantile * total;
        double below = 0;
        int last = upperBounds.length - 1;
        for (int i = 0; i <= last; i++) {
            double upTo = below + counts[i];
            if (upTo >= rank && counts[i] > 0) {
                if (i == last) {
                    return upperBounds[last - 1]; // the +Inf bucket: the largest finite bound, as Prometheus does
                }
                double lower = i == 0 ? Math.min(0, upperBounds[0]) : upperBounds[i - 1];
                if (i == 0 && upperBounds[0] <= 0) {
                    return upperBounds[0];
                }
                return lower + (upperBounds[i] - lower) * (rank - below) / counts[i];
            }
            below = upTo;
        }
        return upperBounds[last - 1];
    }
}
