package io.mlrollout.core.analysis.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link RateRatioTest} has seen so far for one metric: the log likelihood ratio of each alternative of the
 * mixture, the largest log e-value reached at any look, and the pooled counts (for the estimate shown to humans).
 * Immutable and small (one number per alternative and per bet, and a few sums), so it can live in the persisted
 * rollout state.
 *
 * @param theta0 the null boundary of the test that built this evidence; a test refuses evidence of another boundary
 * @param logLikelihoodRatios per alternative of the test's prior, Σ over intervals of log LR
 * @param maxLogEValue the largest log of the test's statistic (its mixture likelihood ratio, or the larger share of
 *     its parts) after any interval so far, 0 before any data; exact once it reaches log(1/α), and below that possibly
 *     lower (a look where the scale-free part could not reject leaves that part out)
 * @param intervals intervals added, including those without bad events
 * @param canaryBad pooled canary bad events
 * @param canaryTotal pooled canary events
 * @param baselineBad pooled baseline bad events
 * @param baselineTotal pooled baseline events
 * @param residuals Σ over intervals of the squared Pearson residual of the canary's share of bad events, minus 1 (for
 *     learning how much the rates wander; 0 in states saved before the test learned it)
 * @param squaredResiduals Σ of those residuals squared
 * @param residualWeight Σ of what each residual's mean grows by per unit of squared CV
 * @param residualIntervals intervals that gave a residual
 * @param startWeights for a test that mixes over start times, how many intervals' start weights are in {@code
 *     logLikelihoodRatios} (which then hold log M per alternative, see {@link RateRatioTest})
 * @param recent the last intervals' counts, each earlier interval weighing {@link RateRatioTest#RECENT_DECAY} times
 *     less: the ratio residuals are taken around, so that a change of the ratio is not taken for wandering
 * @param baselineSerial the baseline's own bad rate, interval by interval around its recent rate: whether it drifts
 *     (wander that persists over several intervals); the candidate's own series would mistake a regression that
 *     starts late for a drift
 * @param selfNormalizedLogWealth per bet of the test's self-normalized part, Σ over intervals of its log factor (see
 *     {@link RateRatioTest}); empty for a test without that part, null in states saved before it was kept
 * @param lastIntervalAtTheCap whether the last interval with evidence carried a full quarter of a rejection for some
 *     alternative: where the baseline is quiet, the next may then carry half (false in states saved before it was
 *     kept)
 * @param scaleFree whether the test's scale-free part holds a share of α, and the canary's standardized excess of bad
 *     events over the intervals it took (see {@link RateRatioTest}); null in states saved before it was kept, whose
 *     tests gave the count mixture and bets all of α
 */
public record RateRatioEvidence(
        double theta0,
        double[] logLikelihoodRatios,
        double maxLogEValue,
        int intervals,
        double canaryBad,
        double canaryTotal,
        double baselineBad,
        double baselineTotal,
        double residuals,
        double squaredResiduals,
        double residualWeight,
        int residualIntervals,
        int startWeights,
        RecentCounts recent,
        SerialResiduals baselineSerial,
        double[] selfNormalizedLogWealth,
        boolean lastIntervalAtTheCap,
        ScaleFreeSums scaleFree)
        implements Serializable {

    /**
     * What the scale-invariant t-test of {@link RateRatioTest}'s scale-free part needs of its intervals: whether it
     * holds a share of α, how many intervals it took, and the sum and the sum of squares of their standardized excesses.
     *
     * @param looks intervals taken
     * @param sum Σ of the standardized excesses
     * @param sumOfSquares Σ of their squares
     * @param share whether the part holds its share of α, decided once, before the first interval with traffic on both
     *     versions is counted; null in states saved before it was decided, when the part always held it
     */
    public record ScaleFreeSums(int looks, double sum, double sumOfSquares, Share share) implements Serializable {

        private static final long serialVersionUID = 1L;

        /**
         * Whether the scale-free part holds a share of α. The share must be fixed before any evidence, or the union
         * bound over the two parts no longer holds; so it is decided from what was known before the first interval
         * with traffic on both versions: the baseline's hour and that interval's traffic shares.
         */
        public enum Share {
            /** No interval with traffic on both versions yet: the count mixture and bets hold all of α. */
            UNDECIDED,
            /** The part holds its share for the rest of the test. */
            HELD,
            /** The part could take no interval (a drifting hour, the canary's share of bad events above ½): none. */
            WAIVED
        }

        static final ScaleFreeSums UNDECIDED = new ScaleFreeSums(0, 0, 0, Share.UNDECIDED);

        static final ScaleFreeSums WAIVED = new ScaleFreeSums(0, 0, 0, Share.WAIVED);

        /** Whether the part holds its share of α (states saved before it was decided always held it). */
        boolean holdsAShare() {
            return share == null || share == Share.HELD;
        }

        boolean undecided() {
            return share == Share.UNDECIDED;
        }

        /** These sums with the share decided. */
        ScaleFreeSums decided(boolean held) {
            return new ScaleFreeSums(looks, sum, sumOfSquares, held ? Share.HELD : Share.WAIVED);
        }

        ScaleFreeSums plus(double excess) {
            return new ScaleFreeSums(looks + 1, sum + excess, sumOfSquares + excess * excess, share);
        }
    }

    /**
     * How neighbouring residuals go together, from which the test learns whether the rates drift: wander that
     * persists over several intervals weighs more than the same wander interval by interval. Null in states saved
     * before it was kept.
     *
     * @param last the last interval's standardized residual, NaN when that interval gave none
     * @param lastWeight what that residual's variance grows by per unit of squared CV
     * @param lagProducts Σ over neighbouring intervals of the product of their standardized residuals, plus what
     *     counting noise takes from each pair
     * @param lagWeight Σ over the same pairs of the geometric mean of their weights
     * @param pairs how many neighbouring pairs are in the sums
     * @param excess Σ over intervals of the squared standardized residual minus what counting noise gives it
     * @param weight Σ over intervals of their weights
     */
    public record SerialResiduals(
            double last,
            double lastWeight,
            double lagProducts,
            double lagWeight,
            int pairs,
            double excess,
            double weight)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        static final SerialResiduals NONE = new SerialResiduals(Double.NaN, 0, 0, 0, 0, 0, 0);

        /**
         * How much a drift adds to the long-run variance of wander measured around a recent rate of decay {@code
         * decay}: from the residuals' lag-one correlation (the neighbours' covariance over the excess variance), the
         * drift's ρ between 0 and {@code maxCorrelation}, and its long-run variance over the residuals' variance
         * ({@link DriftAllowance}); 1 while the residuals show no variance beyond counting noise.
         */
        double persistence(double maxCorrelation, double decay, double allowedCv2, int minPairs) {
            if (pairs < minPairs || excess <= 0) {
                return 1; // too few neighbours, or no wander beyond counting noise that could drift
            }
            double variance = Math.max(excessCv2(), allowedCv2);
            if (variance <= 0 || lagWeight <= 0) {
                return 1;
            }
            return DriftAllowance.longRunFactor((lagProducts / lagWeight) / variance, decay, maxCorrelation);
        }

        /** The squared CV of the wander these residuals show beyond counting noise, 0 before any. */
        double excessCv2() {
            return weight > 0 ? Math.max(0, excess / weight) : 0;
        }

        /**
         * {@link #excessCv2} with three standard errors of counting noise added (each squared standardized residual
         * varies by about 2 where the rate does not wander): a bound for a calm rate, where the estimate alone may come
         * out low by chance. Infinite before any residual.
         */
        double excessCv2Upper() {
            if (weight <= 0) {
                return Double.POSITIVE_INFINITY;
            }
            return Math.max(0, excess + 3 * Math.sqrt(2.0 * (pairs + 1))) / weight;
        }

        /**
         * These sums after an interval's standardized residual and weight; NaN when the interval gave none. Counting
         * noise is white noise around the recent rate too: measured around a rate of decay λ it shows a variance of 1
         * + {@code countingShare} and a neighbour covariance of −{@code countingShare}, {@code countingShare} = (1 −
         * λ) / (1 + λ), in standardized units. Both are taken out, so that the sums see only the wander.
         */
        SerialResiduals plus(double standardized, double weight, double countingShare) {
            if (Double.isNaN(standardized)) {
                return new SerialResiduals(Double.NaN, 0, lagProducts, lagWeight, pairs, excess, this.weight);
            }
            double nextExcess = excess + standardized * standardized - 1 - countingShare;
            double nextWeight = this.weight + weight;
            if (Double.isNaN(last)) {
                return new SerialResiduals(standardized, weight, lagProducts, lagWeight, pairs, nextExcess, nextWeight);
            }
            return new SerialResiduals(
                    standardized,
                    weight,
                    lagProducts + last * standardized + countingShare,
                    lagWeight + Math.sqrt(lastWeight * weight),
                    pairs + 1,
                    nextExcess,
                    nextWeight);
        }
    }

    /**
     * Decayed counts of the last intervals (null in states saved before they were kept). The baseline's run on from its
     * hour before the rollout; {@code pairedBaselineBad} and {@code pairedBaselineTotal} are the baseline's counts of the
     * intervals the canary was counted in, so that the ratio compares the two versions over the same minutes (0 in
     * states saved before they were kept, which compare with the baseline's as before).
     */
    public record RecentCounts(
            double canaryBad,
            double canaryTotal,
            double baselineBad,
            double baselineTotal,
            double pairedBaselineBad,
            double pairedBaselineTotal)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        static final RecentCounts NONE = new RecentCounts(0, 0, 0, 0, 0, 0);

        /** The baseline's recent counts alone, as its history before the rollout leaves them. */
        static RecentCounts baselineOnly(double baselineBad, double baselineTotal) {
            return new RecentCounts(0, 0, baselineBad, baselineTotal, 0, 0);
        }

        /** These counts decayed, plus an interval of both versions (the canary's counts may be 0). */
        RecentCounts decayedPlus(double decay, double cBad, double cTotal, double bBad, double bTotal) {
            boolean paired = cTotal > 0;
            return new RecentCounts(
                    decay * canaryBad + cBad,
                    decay * canaryTotal + cTotal,
                    decay * baselineBad + bBad,
                    decay * baselineTotal + bTotal,
                    decay * pairedBaselineBad + (paired ? bBad : 0),
                    decay * pairedBaselineTotal + (paired ? bTotal : 0));
        }

        /**
         * These counts with every recent rate moved by {@code factor}: a step that moved the level both versions run at
         * (in the baseline's hour, or shared by both in the rollout), not their ratio.
         */
        RecentCounts withBadTimes(double factor) {
            return new RecentCounts(
                    canaryBad * factor,
                    canaryTotal,
                    baselineBad * factor,
                    baselineTotal,
                    pairedBaselineBad * factor,
                    pairedBaselineTotal);
        }

        /** The canary's bad rate over the baseline's in these counts; NaN where undefined. */
        double ratio() {
            return (canaryBad / canaryTotal) / (baselineBad / baselineTotal);
        }

        /**
         * The canary's bad rate over the baseline's in the same recent intervals; NaN where undefined. A change that
         * moves both versions alike cancels there, where against the baseline's longer run (its hour before the
         * rollout) the canary's first intervals differ from it by every such change. {@link #ratio} in states saved
         * before the paired counts were kept.
         */
        double pairedRatio() {
            return (canaryBad / canaryTotal) / (pairedBad() / pairedTotal());
        }

        /**
         * The counting noise in the log of {@link #pairedRatio}, where each decayed sum S of Poisson counts has Var(log
         * S) ≈ {@code g} / S; 0 where either side has no bad events.
         */
        double pairedRatioLogVariance(double g) {
            return canaryBad > 0 && pairedBad() > 0 ? g * (1 / canaryBad + 1 / pairedBad()) : 0;
        }

        private boolean paired() {
            return pairedBaselineTotal > 0;
        }

        private double pairedBad() {
            return paired() ? pairedBaselineBad : baselineBad;
        }

        private double pairedTotal() {
            return paired() ? pairedBaselineTotal : baselineTotal;
        }
    }

    private static final long serialVersionUID = 1L;

    public RateRatioEvidence {
        logLikelihoodRatios = logLikelihoodRatios.clone();
        selfNormalizedLogWealth = selfNormalizedLogWealth == null ? null : selfNormalizedLogWealth.clone();
    }

    @Override
    public double[] logLikelihoodRatios() {
        return logLikelihoodRatios.clone();
    }

    @Override
    public double[] selfNormalizedLogWealth() {
        return selfNormalizedLogWealth == null ? null : selfNormalizedLogWealth.clone();
    }

    /**
     * The canary's bad rate over the baseline's, pooled over all intervals: (canaryBad / canaryTotal) / (baselineBad /
     * baselineTotal). A consistent estimate of θ when the per-request rates are steady, for reports only (the decision
     * is the test's). NaN while either version has no events or neither has bad events; +Infinity when only the
     * canary has bad events.
     */
    public double estimate() {
        if (canaryTotal == 0 || baselineTotal == 0 || (canaryBad == 0 && baselineBad == 0)) {
            return Double.NaN;
        }
        return (canaryBad / canaryTotal) / (baselineBad / baselineTotal);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateRatioEvidence e
                && Double.compare(theta0, e.theta0) == 0
                && Arrays.equals(logLikelihoodRatios, e.logLikelihoodRatios)
                && Double.compare(maxLogEValue, e.maxLogEValue) == 0
                && intervals == e.intervals
                && Double.compare(canaryBad, e.canaryBad) == 0
                && Double.compare(canaryTotal, e.canaryTotal) == 0
                && Double.compare(baselineBad, e.baselineBad) == 0
                && Double.compare(baselineTotal, e.baselineTotal) == 0
                && Double.compare(residuals, e.residuals) == 0
                && Double.compare(squaredResiduals, e.squaredResiduals) == 0
                && Double.compare(residualWeight, e.residualWeight) == 0
                && residualIntervals == e.residualIntervals
                && startWeights == e.startWeights
                && Objects.equals(recent, e.recent)
                && Objects.equals(baselineSerial, e.baselineSerial)
                && Arrays.equals(selfNormalizedLogWealth, e.selfNormalizedLogWealth)
                && lastIntervalAtTheCap == e.lastIntervalAtTheCap
                && Objects.equals(scaleFree, e.scaleFree);
    }

    @Override
    public int hashCode() {
        return 31
                        * Objects.hash(
                                theta0,
                                maxLogEValue,
                                intervals,
                                canaryBad,
                                canaryTotal,
                                baselineBad,
                                baselineTotal,
                                residuals,
                                squaredResiduals,
                                residualWeight,
                                residualIntervals,
                                recent,
                                baselineSerial,
                                scaleFree)
                + Arrays.hashCode(logLikelihoodRatios)
                + 17 * startWeights
                + 13 * Arrays.hashCode(selfNormalizedLogWealth)
                + (lastIntervalAtTheCap ? 7 : 0);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "RateRatioEvidence[theta0=%s, intervals=%d, canary %s/%s, baseline %s/%s, max log e-value %.3f]",
                theta0,
                intervals,
                canaryBad,
                canaryTotal,
                baselineBad,
                baselineTotal,
                maxLogEValue);
    }
}
