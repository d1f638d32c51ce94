package io.mlrollout.core.analysis.stats;

import java.util.Optional;

/**
 * A change both versions show in the same interval (a load change, an incident upstream, a dependency slowing down):
 * each version's bad rate moved from its recent rate by a large factor, in the same direction, and by about the same
 * factor. Such a change cancels in the comparison, but the baseline's own residuals around its recent rate would read
 * it as a drift: the interval of the step, and then every interval while the recent rate catches up, all on one side.
 * That drift would raise the allowance for wander, shrink the cap on an interval's evidence and stop the scale-free part
 * for the rest of the rollout. So {@link RateRatioTest} moves both recent rates by the baseline's factor (their ratio,
 * which residuals are taken around, stays as it was) and leaves the interval out of what it learns of the baseline's
 * drift, as it does for a step in the hour before the rollout ({@link HistoryStep}).
 *
 * <p>What counts as shared is narrow, so that two versions wandering apart seldom pass for it: both moved by at least
 * {@link #MIN_FACTOR}, each by at least {@link #STANDS_OUT} standard deviations of what the baseline's rate shows from
 * interval to interval (its measured wander and the move's counting noise), and the two moves differ (on a log scale)
 * by no more than {@link #STANDS_OUT} standard deviations of their counting noise plus {@link #AGREEMENT} of the
 * smaller move. The last allowance is for a tail share: a load that slows every request by 30% raises the share of
 * requests over a threshold by less where a slower candidate already has more of them above it. Two versions that
 * wander apart, each as much as the baseline shows, both move that far in the same direction in about one interval in
 * 13,000 (2·P(Z > 2.5)² for normal moves), and the moves must agree besides.
 *
 * <p><b>At the canary's first interval</b> it has no recent rate of its own, so its move is measured from the
 * baseline's recent rate (the hour before the rollout, for a first stage): under the null it fails about as the baseline
 * does. A step there (a load change just as the rollout starts) would otherwise be learned as the baseline's drift for
 * the whole stage. A regressing candidate adds its own excess to that move, so there the canary may move further than
 * the baseline in the step's direction by any amount, but fall short of it by no more than one standard deviation of
 * their counting noise: a regressing candidate beside a baseline that bursts in that interval moves less than the
 * baseline, and taking the burst for a step would set the baseline's recent rate at the burst's level, so that every
 * interval after it read as drift.
 *
 * @param factor the baseline's bad rate this interval over its recent rate
 */
record SharedStep(double factor) {

    /** The least factor by which both versions' rates must move at once: half as much again, or a third less. */
    static final double MIN_FACTOR = 1.5;

    /** Standard deviations of the baseline's interval-to-interval wander each version's move must stand out by. */
    static final double STANDS_OUT = 2.5;

    /** The share of the smaller move by which the two moves may differ beyond their counting noise. */
    static final double AGREEMENT = 0.25;

    /**
     * The step both versions took in this interval, if they took one, judged against their {@code recent} counts
     * (decayed sums of earlier intervals; at the canary's first interval, the canary's against the baseline's); empty
     * when the baseline has no recent rate or either version no bad event now.
     */
    static Optional<SharedStep> in(
            RateRatioEvidence.RecentCounts recent,
            double wanderCv2,
            double canaryBad,
            double canaryTotal,
            double baselineBad,
            double baselineTotal) {
        boolean canarysFirst = !(recent.canaryTotal() > 0);
        Move canary = canarysFirst
                ? Move.of(canaryBad, canaryTotal, recent.baselineBad(), recent.baselineTotal())
                : Move.of(canaryBad, canaryTotal, recent.canaryBad(), recent.canaryTotal());
        Move baseline = Move.of(baselineBad, baselineTotal, recent.baselineBad(), recent.baselineTotal());
        if (canary == null || baseline == null || !Double.isFinite(wanderCv2)) {
            return Optional.empty();
        }
        boolean sameWay = Math.signum(canary.log()) == Math.signum(baseline.log());
        double noise = Math.sqrt(canary.variance() + baseline.variance());
        double smaller = Math.min(Math.abs(canary.log()), Math.abs(baseline.log()));
        // how much further the canary moved than the baseline, in the step's direction
        double further = (canary.log() - baseline.log()) * Math.signum(baseline.log());
        boolean alike =
                canarysFirst ? further >= -noise : Math.abs(further) <= STANDS_OUT * noise + AGREEMENT * smaller;
        return sameWay && canary.large(wanderCv2) && baseline.large(wanderCv2) && alike
                ? Optional.of(new SharedStep(Math.exp(baseline.log())))
                : Optional.empty();
    }

    /** One version's move: the log of its rate now over its recent rate, and that log's counting variance. */
    private record Move(double log, double variance) {

        static Move of(double bad, double total, double recentBad, double recentTotal) {
            if (!(bad > 0) || !(total > 0) || !(recentBad > 0) || !(recentTotal > 0)) {
                return null;
            }
            double expected = total * recentBad / recentTotal;
            // a decayed sum of Poisson counts varies by at most its size, as a plain count does
            return new Move(Math.log(bad / expected), 1 / bad + 1 / recentBad);
        }

        boolean large(double wanderCv2) {
            return Math.abs(log) >= Math.log(MIN_FACTOR)
                    && Math.abs(log) >= STANDS_OUT * Math.sqrt(wanderCv2 + variance);
        }
    }
}
