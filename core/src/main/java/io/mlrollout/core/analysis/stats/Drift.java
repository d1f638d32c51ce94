package io.mlrollout.core.analysis.stats;

import java.io.Serializable;

/**
 * How far the canary's binned distribution (e.g. a histogram of prediction scores) has drifted from the baseline's, by
 * two measures compared with the policy's bounds ({@code maxPsi}, {@code maxKs}). Both histograms must use the same
 * buckets, given as counts per bucket (not cumulative), in bucket order.
 *
 * @param psi population stability index, Σ (c_i − b_i)·ln(c_i / b_i) over bucket fractions, with small-count smoothing
 * @param ks Kolmogorov-Smirnov distance on the bucket bounds: max_i |C_i − B_i| over cumulative fractions
 */
public record Drift(double psi, double ks) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Pseudo-count added to every bucket that has events in either version (Jeffreys' ½). */
    static final double PSEUDO_COUNT = 0.5;

    /** Both measures for one pair of histograms. */
    public static Drift between(double[] canaryCounts, double[] baselineCounts) {
        return new Drift(
                populationStabilityIndex(canaryCounts, baselineCounts),
                kolmogorovSmirnovDistance(canaryCounts, baselineCounts));
    }

    /**
     * Population stability index of the canary against the baseline. An empty bucket would make ln(c/b) infinite, so
     * buckets empty in both versions are left out (they say nothing about drift) and every other bucket gets a
     * pseudo-count of ½ in both versions before the fractions are taken. Usual reading: below 0.1 stable, 0.1–0.25
     * moderate shift, above 0.25 a large shift. With few events the index is biased upward; judge it only past a
     * minimum count.
     */
    public static double populationStabilityIndex(double[] canaryCounts, double[] baselineCounts) {
        requireHistograms(canaryCounts, baselineCounts);
        double canaryTotal = 0;
        double baselineTotal = 0;
        int used = 0;
        for (int i = 0; i < canaryCounts.length; i++) {
            if (canaryCounts[i] > 0 || baselineCounts[i] > 0) {
                canaryTotal += canaryCounts[i];
                baselineTotal += baselineCounts[i];
                used++;
            }
        }
        canaryTotal += PSEUDO_COUNT * used;
        baselineTotal += PSEUDO_COUNT * used;
        double psi = 0;
        for (int i = 0; i < canaryCounts.length; i++) {
            if (canaryCounts[i] > 0 || baselineCounts[i] > 0) {
                double c = (canaryCounts[i] + PSEUDO_COUNT) / canaryTotal;
                double b = (baselineCounts[i] + PSEUDO_COUNT) / baselineTotal;
                psi += (c - b) * Math.log(c / b);
            }
        }
        return psi;
    }

    /**
     * Largest gap between the two cumulative distributions, evaluated at the bucket bounds (the only points binned data
     * show; the distance between the unbinned samples can be larger). No smoothing: it is 0 for identical fractions and
     * 1 for disjoint ones.
     */
    public static double kolmogorovSmirnovDistance(double[] canaryCounts, double[] baselineCounts) {
        requireHistograms(canaryCounts, baselineCounts);
        double canaryTotal = sum(canaryCounts);
        double baselineTotal = sum(baselineCounts);
        double canaryCumulative = 0;
        double baselineCumulative = 0;
        double distance = 0;
        for (int i = 0; i < canaryCounts.length; i++) {
            canaryCumulative += canaryCounts[i];
            baselineCumulative += baselineCounts[i];
            distance =
                    Math.max(distance, Math.abs(canaryCumulative / canaryTotal - baselineCumulative / baselineTotal));
        }
        return distance;
    }

    private static double sum(double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        return total;
    }

    private static void requireHistograms(double[] canaryCounts, double[] baselineCounts) {
        if (canaryCounts == null || baselineCounts == null || canaryCounts.length == 0) {
            throw new IllegalArgumentException("canaryCounts and baselineCounts must be non-empty");
        }
        if (canaryCounts.length != baselineCounts.length) {
            throw new IllegalArgumentException("canaryCounts has " + canaryCounts.length + " buckets, baselineCounts "
                    + baselineCounts.length + "; both must use the same buckets");
        }
        for (int i = 0; i < canaryCounts.length; i++) {
            Checks.count("canaryCounts[" + i + "]", canaryCounts[i]);
            Checks.count("baselineCounts[" + i + "]", baselineCounts[i]);
        }
        if (sum(canaryCounts) == 0) {
            throw new IllegalArgumentException("canaryCounts has no events");
        }
        if (sum(baselineCounts) == 0) {
            throw new IllegalArgumentException("baselineCounts has no events");
        }
    }
}
