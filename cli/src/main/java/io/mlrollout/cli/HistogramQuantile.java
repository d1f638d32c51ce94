package io.mlrollout.cli;

import java.util.List;

/**
 * A quantile from cumulative histogram buckets, computed as Prometheus' {@code histogram_quantile} does: find the
 * bucket the rank falls in and interpolate linearly inside it; a rank in the {@code +Inf} bucket gives the highest
 * finite bound, and an empty histogram gives NaN.
 */
final class HistogramQuantile {

    private HistogramQuantile() {}

    /**
     * @param quantile in [0, 1]
     * @param upperBounds the finite bucket bounds, ascending; the {@code +Inf} bucket follows them
     * @param cumulative the cumulative counts, one per finite bound plus one for {@code +Inf} (the total)
     */
    static double of(double quantile, List<Double> upperBounds, double[] cumulative) {
        if (cumulative.length != upperBounds.size() + 1) {
            throw new IllegalArgumentException("one cumulative count per bound plus +Inf is needed");
        }
        double observations = cumulative[cumulative.length - 1];
        if (observations == 0 || upperBounds.isEmpty()) {
            return Double.NaN;
        }
        double rank = quantile * observations;
        int bucket = 0;
        while (bucket < cumulative.length - 1 && cumulative[bucket] < rank) {
            bucket++;
        }
        if (bucket == cumulative.length - 1) {
            return upperBounds.get(upperBounds.size() - 1);
        }
        double end = upperBounds.get(bucket);
        if (bucket == 0 && end <= 0) {
            return end;
        }
        double start = bucket == 0 ? 0 : upperBounds.get(bucket - 1);
        double below = bucket == 0 ? 0 : cumulative[bucket - 1];
        double inBucket = cumulative[bucket] - below;
        return start + (end - start) * ((rank - below) / inBucket);
    }
}
