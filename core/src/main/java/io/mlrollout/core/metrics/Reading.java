package io.mlrollout.core.metrics;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one metric showed for one version over one analysis window. Only finite numbers reach the judge: NaN, infinities
 * and absent series become {@link NoData}.
 */
public sealed interface Reading extends Serializable
        permits Reading.Counts, Reading.Scalar, Reading.Histogram, Reading.NoData {

    /**
     * Whether the numbers are an estimate rather than exact counts: read with Prometheus' increase(), which scales the
     * growth it sees to the whole window, because a series began or a counter was reset inside the window.
     */
    default boolean extrapolated() {
        return false;
    }

    /**
     * Bad and total events in the window (ratio metrics). Counts may be fractional where a query extrapolates.
     *
     * @param extrapolated see {@link Reading#extrapolated()}
     * @param slices a sliced metric's counts per value of its slice label, which add up to {@code bad} and {@code
     *     total}; empty for a metric read over all traffic only
     */
    record Counts(double bad, double total, boolean extrapolated, Map<String, Counts> slices) implements Reading {
        /** Exact counts. */
        public Counts(double bad, double total) {
            this(bad, total, false);
        }

        /** Counts over all traffic, not per slice. */
        public Counts(double bad, double total, boolean extrapolated) {
            this(bad, total, extrapolated, Map.of());
        }

        public Counts {
            requireFinite(bad, "bad");
            requireFinite(total, "total");
            if (bad < 0 || total < 0 || bad > total) {
                throw new IllegalArgumentException("counts must satisfy 0 <= bad <= total, got " + bad + "/" + total);
            }
            slices = slices == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(slices));
        }

        /** Per-slice counts, added up over all traffic. */
        public static Counts ofSlices(Map<String, Counts> slices, boolean extrapolated) {
            double bad = slices.values().stream().mapToDouble(Counts::bad).sum();
            double total = slices.values().stream().mapToDouble(Counts::total).sum();
            return new Counts(Math.min(bad, total), total, extrapolated, slices);
        }

        public double ratio() {
            return total == 0 ? Double.NaN : bad / total;
        }
    }

    /** One number for the window (quantile and value metrics). */
    record Scalar(double value) implements Reading {
        public Scalar {
            requireFinite(value, "value");
        }
    }

    /**
     * Events per bucket in the window (distribution metrics). {@code upperBounds} ascend and the last is +Inf;
     * {@code counts[i]} is the number of events in (upperBounds[i-1], upperBounds[i]] — not cumulative.
     *
     * @param extrapolated see {@link Reading#extrapolated()}
     * @param slices a sliced latency metric's buckets per value of its slice label, with the same bounds, which add up
     *     to {@code counts}; empty for a metric read over all traffic only
     */
    record Histogram(double[] upperBounds, double[] counts, boolean extrapolated, Map<String, Histogram> slices)
            implements Reading {
        /** Exact counts. */
        public Histogram(double[] upperBounds, double[] counts) {
            this(upperBounds, counts, false);
        }

        /** Buckets over all traffic, not per slice. */
        public Histogram(double[] upperBounds, double[] counts, boolean extrapolated) {
            this(upperBounds, counts, extrapolated, Map.of());
        }

        /**
         * Per-slice buckets, added up over all traffic.
         *
         * @throws IllegalArgumentException when there are no slices, or their bounds differ
         */
        public static Histogram ofSlices(Map<String, Histogram> slices, boolean extrapolated) {
            if (slices.isEmpty()) {
                throw new IllegalArgumentException("a sliced histogram needs at least one slice");
            }
            double[] bounds = slices.values().iterator().next().upperBounds;
            double[] sum = new double[bounds.length];
            for (Map.Entry<String, Histogram> slice : slices.entrySet()) {
                if (!Arrays.equals(bounds, slice.getValue().upperBounds)) {
                    throw new IllegalArgumentException("the slices' bucket bounds differ: " + Arrays.toString(bounds)
                            + " vs " + Arrays.toString(slice.getValue().upperBounds) + " for " + slice.getKey());
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += slice.getValue().counts[i];
                }
            }
            return new Histogram(bounds, sum, extrapolated, slices);
        }

        /** No requests in any bucket of these bounds: a slice without traffic in the window. */
        public static Histogram empty(double[] upperBounds) {
            return new Histogram(upperBounds, new double[upperBounds.length]);
        }

        public Histogram {
            if (upperBounds.length != counts.length || upperBounds.length == 0) {
                throw new IllegalArgumentException("a histogram needs one count per bucket");
            }
            for (int i = 0; i < counts.length; i++) {
                requireFinite(counts[i], "counts[" + i + "]");
                if (counts[i] < 0) {
                    throw new IllegalArgumentException("counts[" + i + "] is negative: " + counts[i]);
                }
                if (i > 0 && !(upperBounds[i] > upperBounds[i - 1])) {
                    throw new IllegalArgumentException("bucket bounds must ascend");
                }
            }
            upperBounds = upperBounds.clone();
            counts = counts.clone();
            slices = slices == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(slices));
        }

        public double total() {
            return Arrays.stream(counts).sum();
        }

        @Override
        public double[] upperBounds() {
            return upperBounds.clone();
        }

        @Override
        public double[] counts() {
            return counts.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Histogram h
                    && Arrays.equals(upperBounds, h.upperBounds)
                    && Arrays.equals(counts, h.counts)
                    && extrapolated == h.extrapolated
                    && slices.equals(h.slices);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(counts)) + Boolean.hashCode(extrapolated);
        }

        @Override
        public String toString() {
            return "Histogram" + Arrays.toString(upperBounds) + "=" + Arrays.toString(counts)
                    + (extrapolated ? " (extrapolated)" : "")
                    + (slices.isEmpty() ? "" : " by slice " + slices);
        }
    }

    /** No usable number: the series is absent, NaN or infinite, or the source failed. Never a pass. */
    record NoData(String reason) implements Reading {}

    private static void requireFinite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value);
        }
    }
}
