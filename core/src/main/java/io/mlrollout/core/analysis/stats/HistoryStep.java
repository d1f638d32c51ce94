package io.mlrollout.core.analysis.stats;

import java.util.Optional;

/**
 * Where a series of counts stepped once: the split into an earlier and a later rate that explains the counts best, for
 * {@link RateRatioTest#learnBaselineHistory}.
 *
 * @param index the first interval after the step (counting from 0)
 * @param rateBefore the bad rate (bad over total) of the intervals before the step
 * @param rateAfter the bad rate from the step on
 * @param significance the split's likelihood-ratio statistic (twice the log of the Poisson likelihood of two rates
 *     over one) over the dispersion the counts show around the two rates, at least 1: how far the step stands out of
 *     the wander on either side of it
 */
public record HistoryStep(int index, double rateBefore, double rateAfter, double significance) {

    /**
     * How far a step must stand out of the wander on either side of it to be taken for one. The best split of an hour
     * that only wanders stands out by chance, and further where the wander drifts (a drift's long-run variance is (1 +
     * ρ) / (1 − ρ) times a minute's, 4 at the envelope's lag-one correlation of 0.6); such an hour, with its largest
     * excursion taken for a step, would look calmer than it is. {@code HistoryStepTest} measures how rarely hours that
     * only wander reach this.
     */
    static final double SIGNIFICANT = 60;

    /**
     * The best split with at least {@code minSide} intervals on each side and bad events on both, if there is one.
     */
    static Optional<HistoryStep> find(double[] bad, double[] total, int minSide) {
        double allBad = sum(bad, 0, bad.length);
        double allTotal = sum(total, 0, total.length);
        double bestLogLikelihood = 0;
        int best = -1;
        double badBefore = 0;
        double totalBefore = 0;
        for (int k = 1; k < bad.length; k++) {
            badBefore += bad[k - 1];
            totalBefore += total[k - 1];
            double badAfter = allBad - badBefore;
            double totalAfter = allTotal - totalBefore;
            if (k < minSide || bad.length - k < minSide || badBefore <= 0 || badAfter <= 0) {
                continue;
            }
            double logLikelihood =
                    badBefore * Math.log(badBefore / totalBefore) + badAfter * Math.log(badAfter / totalAfter);
            if (best < 0 || logLikelihood > bestLogLikelihood) {
                bestLogLikelihood = logLikelihood;
                best = k;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        double before = sum(bad, 0, best) / sum(total, 0, best);
        double after = sum(bad, best, bad.length) / sum(total, best, total.length);
        double statistic = 2 * (bestLogLikelihood - allBad * Math.log(allBad / allTotal));
        double dispersion = pearsonDispersion(bad, total, best, before, after);
        return Optional.of(new HistoryStep(best, before, after, statistic / Math.max(1, dispersion)));
    }

    /** The bad rate from the step on over the rate before it. */
    public double factor() {
        return rateAfter / rateBefore;
    }

    /** Whether the step stands out of the wander far enough to be taken for one ({@link #SIGNIFICANT}). */
    boolean standsOut() {
        return significance >= SIGNIFICANT;
    }

    /** The counts' squared Pearson residuals around the two rates, over the degrees of freedom left. */
    private static double pearsonDispersion(double[] bad, double[] total, int step, double before, double after) {
        double squares = 0;
        for (int i = 0; i < bad.length; i++) {
            double expected = total[i] * (i < step ? before : after);
            if (expected > 0) {
                squares += (bad[i] - expected) * (bad[i] - expected) / expected;
            }
        }
        return squares / (bad.length - 2);
    }

    private static double sum(double[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum;
    }
}
