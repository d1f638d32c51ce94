package io.mlrollout.cli.bench;

/**
 * A threshold judge in the manner of Flagger and Argo Rollouts: each minute, each metric of the canary alone is
 * checked against an absolute threshold (error ratio at most {@code errorThreshold}, latency quantile at most
 * {@code latencyThreshold}); a minute without data is a failed check; a metric whose failed checks reach
 * {@link #FAILED_CHECKS} rolls the canary back (Argo's {@code failureLimit: 2} per metric, Flagger's
 * {@code threshold: 3}). The baseline is not looked at. The thresholds come from {@link TrafficCalibration}.
 */
final class ThresholdJudge implements RolloutJudge {

    /**
     * Failed checks that roll back. More than one, as both tools' examples use, so that a single noisy minute does not
     * roll back; the calibrated threshold keeps the false-rollback rate at the budget whatever this number is, and a
     * larger number only delays detection by more minutes.
     */
    static final int FAILED_CHECKS = 3;

    private final double errorThreshold;
    private final double latencyThreshold;

    ThresholdJudge(TrafficCalibration calibration) {
        this.errorThreshold = calibration.errorThreshold();
        this.latencyThreshold = calibration.latencyThreshold();
    }

    @Override
    public int decide(Traffic traffic) {
        int errorFailures = 0;
        int latencyFailures = 0;
        for (int i = 0; i < traffic.intervals(); i++) {
            errorFailures += fails(traffic.canaryErrorRatio(i), errorThreshold) ? 1 : 0;
            latencyFailures += fails(traffic.canaryQuantile()[i], latencyThreshold) ? 1 : 0;
            if (errorFailures >= FAILED_CHECKS || latencyFailures >= FAILED_CHECKS) {
                return i + 1;
            }
        }
        return PROMOTED;
    }

    private static boolean fails(double value, double threshold) {
        return Double.isNaN(value) || value > threshold;
    }
}
