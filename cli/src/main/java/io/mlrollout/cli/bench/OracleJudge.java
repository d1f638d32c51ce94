package io.mlrollout.cli.bench;

import io.mlrollout.core.analysis.stats.WaldSprt;

/**
 * The oracle: Wald's SPRT that knows the true effect, at the level the shipped judge gives each of its tests. The
 * fastest test with the same guarantee for a known effect, so a lower bound on the time to a decision.
 *
 * <ul>
 *   <li>Errors: {@link WaldSprt} of θ0 = 1.1 (the margin) against the true ratio, on the counts.
 *   <li>Latency: {@link WaldSprt} on the counts of requests slower than {@link #LATENCY_BOUND_MS} (the bucket bound
 *       below the baseline's p99 in both layouts), H0 at the share ratio a candidate at the margin (+5%) has there,
 *       against the ratio at the true factor, both from the known log-normal: the oracle knows the latency's shape.
 *       (A test on the minutes' interpolated p99 learns little: inside the (100, 250] ms bucket it moves a few percent
 *       for a 25% slowdown.)
 * </ul>
 *
 * It tests only the metric that regresses, since it knows which. Under A/A, or for a candidate within the margins
 * ({@code --at-the-margin}), it knows there is nothing to find, which would make it never roll back; instead it runs
 * both tests against the design effects (2× errors, +25% p99), so those rows show its false-rollback rate, at most 2 ×
 * {@link BenchSetup#ALPHA_PER_TEST}.
 */
final class OracleJudge implements RolloutJudge {

    private static final double AA_ERROR_RATIO = 2;
    private static final double AA_LATENCY_FACTOR = 1.25;

    /** The latency whose exceedances the oracle counts: a bucket bound of both layouts, below the p99 of 160 ms. */
    static final double LATENCY_BOUND_MS = 100;

    private final Scenario scenario;

    OracleJudge(Scenario scenario) {
        this.scenario = scenario;
    }

    /** How many times the baseline's share of requests over the bound a candidate slower by {@code factor} has. */
    static double slowShareRatio(double factor) {
        return (1 - RolloutGenerator.shareBelow(LATENCY_BOUND_MS, factor))
                / (1 - RolloutGenerator.shareBelow(LATENCY_BOUND_MS, 1));
    }

    @Override
    public int decide(Traffic traffic) {
        boolean healthy = scenario.withinTheMargins();
        boolean testErrors = healthy || scenario.regressesErrors();
        boolean testLatency = healthy || scenario.regressesLatency();
        WaldSprt errors = testErrors
                ? new WaldSprt(
                        1 + BenchSetup.ERROR_MARGIN,
                        healthy ? AA_ERROR_RATIO : scenario.errorRatio(),
                        BenchSetup.ALPHA_PER_TEST,
                        0)
                : null;
        WaldSprt latency = testLatency
                ? new WaldSprt(
                        slowShareRatio(1 + BenchSetup.LATENCY_MARGIN),
                        slowShareRatio(healthy ? AA_LATENCY_FACTOR : scenario.latencyFactor()),
                        BenchSetup.ALPHA_PER_TEST,
                        0)
                : null;
        double[] bounds = traffic.boundsMs();
        for (int i = 0; i < traffic.intervals(); i++) {
            boolean rejected = errors != null
                    && errors.add(
                                    traffic.canaryBad()[i],
                                    traffic.canaryTotal()[i],
                                    traffic.baselineBad()[i],
                                    traffic.baselineTotal()[i])
                            == WaldSprt.Decision.REJECT_H0;
            if (latency != null) {
                rejected |= latency.add(
                                above(bounds, traffic.canaryBuckets()[i]),
                                traffic.canaryTotal()[i],
                                above(bounds, traffic.baselineBuckets()[i]),
                                traffic.baselineTotal()[i])
                        == WaldSprt.Decision.REJECT_H0;
            }
            if (rejected) {
                return i + 1;
            }
        }
        return PROMOTED;
    }

    /** The requests of one minute's bucket counts slower than {@link #LATENCY_BOUND_MS}. */
    static double above(double[] bounds, double[] counts) {
        double slow = 0;
        for (int b = 0; b < bounds.length; b++) {
            if (bounds[b] > LATENCY_BOUND_MS) {
                slow += counts[b];
            }
        }
        return slow;
    }
}
