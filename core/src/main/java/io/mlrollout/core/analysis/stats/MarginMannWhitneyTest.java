package io.mlrollout.core.analysis.stats;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;

/**
 * One-sided Mann-Whitney U test that the canary is worse than the baseline by more than a relative margin, for
 * quantile metrics (p99 latency per interval) and value metrics (accuracy per interval): one value per version per
 * interval.
 *
 * <p><b>Hypothesis.</b> For {@link Worse#HIGHER} (latency): H0 says the canary's values are not stochastically larger
 * than the baseline's values times (1 + margin); the alternative says they are. For {@link Worse#LOWER} (accuracy): H0
 * says the canary's values are not stochastically smaller than the baseline's times (1 − margin). The baseline values
 * are scaled and the ordinary rank-sum test is run on canary versus scaled baseline; a canary exactly at the margin is
 * the null boundary.
 *
 * <p><b>Guarantee.</b> At a single look with a window fixed in advance, the p-value is valid: exact (no ties, small
 * samples) or the normal approximation with tie and continuity corrections ({@link PValueMethod#AUTO}). Repeated looks
 * over a growing window need a level per look from {@link AlphaSpending}.
 *
 * <p><b>Assumptions and limits.</b> Values are independent across intervals (per-interval quantiles of a service are
 * often autocorrelated, which makes the test anti-conservative); the relative margin needs non-negative baseline
 * values. The test sees shifts in location, not a change in spread.
 */
public final class MarginMannWhitneyTest {

    private final Worse worse;
    private final double margin;
    private final MannWhitneyUTest test;

    /**
     * @param worse which direction is a regression
     * @param margin the allowed relative change, at least 0 (below 1 when lower is worse): maxIncrease or maxDecrease
     */
    public MarginMannWhitneyTest(Worse worse, double margin) {
        if (worse == null) {
            throw new IllegalArgumentException("worse must not be null");
        }
        if (!(margin >= 0) || !Double.isFinite(margin) || (worse == Worse.LOWER && margin >= 1)) {
            throw new IllegalArgumentException("margin must be finite and at least 0"
                    + (worse == Worse.LOWER ? " and below 1 when lower is worse" : "") + ", got " + margin);
        }
        this.worse = worse;
        this.margin = margin;
        this.test = MannWhitneyUTest.withDefaults()
                .with(worse == Worse.HIGHER ? AlternativeHypothesis.GREATER_THAN : AlternativeHypothesis.LESS_THAN)
                .with(PValueMethod.AUTO);
    }

    public Worse worse() {
        return worse;
    }

    public double margin() {
        return margin;
    }

    /** Tests the canary's values against the baseline's (one value per interval each, at least one each). */
    public MannWhitneyEvidence test(double[] canary, double[] baseline) {
        requireValues("canary", canary, false);
        requireValues("baseline", baseline, margin > 0);
        double factor = worse == Worse.HIGHER ? 1 + margin : 1 - margin;
        double[] bound = new double[baseline.length];
        for (int j = 0; j < baseline.length; j++) {
            bound[j] = baseline[j] * factor;
        }
        MannWhitneyUTest.Result result = test.test(canary, bound);
        return new MannWhitneyEvidence(
                canary.length,
                baseline.length,
                worse == Worse.HIGHER
                        ? result.getStatistic()
                        : (double) canary.length * baseline.length - result.getStatistic(),
                result.getPValue(),
                HodgesLehmann.ratio(canary, baseline),
                HodgesLehmann.shift(canary, baseline));
    }

    private static void requireValues(String field, double[] values, boolean nonNegative) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(field + " needs at least one value");
        }
        for (int i = 0; i < values.length; i++) {
            Checks.finite(field + "[" + i + "]", values[i]);
            if (nonNegative && values[i] < 0) {
                throw new IllegalArgumentException(
                        field + "[" + i + "] is negative (" + values[i] + "); a relative margin needs values >= 0");
            }
        }
    }
}
