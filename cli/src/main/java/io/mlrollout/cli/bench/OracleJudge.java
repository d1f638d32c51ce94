package io.mlrollout.cli.bench;

import io.mlrollout.core.analysis.stats.WaldSprt;

/**
 * The oracle: Wald's SPRT that knows the true effect, at the level the shipped judge gives each of its tests. The
 * fastest test with the same guarantee for a known effect, so a lower bound on the time to a decision.
 *
 * <ul>
 *   <li>Errors: {@link WaldSprt} of θ0 = 1.1 (the margin) against the true ratio, on the counts.
 *   <li>Latency: {@link GaussianSprt} on d = ln(canary p99 / baseline p99) per minute, H0 at the margin (+5%) against
 *       the true factor, both shifted by the A/A mean of d and with its A/A spread ({@link TrafficCalibration}): the
 *       oracle knows the noise too. d is only roughly normal at low traffic, so here the bound is approximate.
 * </ul>
 *
 * It tests only the metric that regresses, since it knows which. Under A/A it knows there is nothing to find, which
 * would make it never roll back; instead it runs both tests against the design effects (2× errors, +25% p99), so the
 * A/A row shows its false-rollback rate, at most 2 × {@link BenchSetup#ALPHA_PER_TEST}.
 */
final class OracleJudge implements RolloutJudge {

    private static final double AA_ERROR_RATIO = 2;
    private static final double AA_LATENCY_FACTOR = 1.25;

    private final Scenario scenario;
    private final TrafficCalibration calibration;

    OracleJudge(Scenario scenario, TrafficCalibration calibration) {
        this.scenario = scenario;
        this.calibration = calibration;
    }

    @Override
    public int decide(Traffic traffic) {
        boolean testErrors = scenario.isAa() || scenario.regressesErrors();
        boolean testLatency = scenario.isAa() || scenario.regressesLatency();
        WaldSprt errors = testErrors
                ? new WaldSprt(
                        1 + BenchSetup.ERROR_MARGIN,
                        scenario.isAa() ? AA_ERROR_RATIO : scenario.errorRatio(),
                        BenchSetup.ALPHA_PER_TEST,
                        0)
                : null;
        GaussianSprt latency = testLatency
                ? new GaussianSprt(
                        calibration.logRatioMean() + Math.log(1 + BenchSetup.LATENCY_MARGIN),
                        calibration.logRatioMean()
                                + Math.log(scenario.isAa() ? AA_LATENCY_FACTOR : scenario.latencyFactor()),
                        calibration.logRatioSd(),
                        BenchSetup.ALPHA_PER_TEST)
                : null;
        for (int i = 0; i < traffic.intervals(); i++) {
            boolean rejected = errors != null
                    && errors.add(
                                    traffic.canaryBad()[i],
                                    traffic.canaryTotal()[i],
                                    traffic.baselineBad()[i],
                                    traffic.baselineTotal()[i])
                            == WaldSprt.Decision.REJECT_H0;
            if (latency != null) {
                rejected |= latency.addAndReject(Math.log(traffic.canaryP99()[i] / traffic.baselineP99()[i]));
            }
            if (rejected) {
                return i + 1;
            }
        }
        return PROMOTED;
    }
}
