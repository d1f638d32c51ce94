package io.mlrollout.cli.bench;

import java.util.Arrays;

/**
 * What the threshold judge and the oracle are given about one traffic level, measured on A/A rollouts generated with a
 * seed of their own (never the streams they are then judged on).
 *
 * <p><b>Thresholds.</b> The threshold judge rolls back when a metric exceeds its threshold in
 * {@link ThresholdJudge#FAILED_CHECKS} intervals. Each threshold is set to the smallest value that a healthy canary
 * crosses that often in at most {@link #BUDGET_PER_METRIC} of rollouts: the (1 − budget) quantile, over A/A rollouts, of
 * the metric's {@code FAILED_CHECKS}-th largest per-minute value. So the threshold judge spends the same 1% false-rollback
 * budget as the policy, at every traffic level: the most favourable way to set it, since a threshold written once by
 * hand would either roll back healthy canaries at low traffic or miss regressions at high traffic.
 *
 * @param errorThreshold the canary's per-minute error ratio above which a check fails
 * @param latencyThreshold the canary's per-minute p99 (ms) above which a check fails
 */
record TrafficCalibration(double canaryPerSecond, double errorThreshold, double latencyThreshold) {

    /** Each metric's share of the policy's 1% false-rollback rate for the whole rollout. */
    static final double BUDGET_PER_METRIC = BenchSetup.FALSE_ROLLBACK_RATE / 2;

    static TrafficCalibration of(RolloutGenerator model, int runs, long seed) {
        double[] errorStat = new double[runs];
        double[] latencyStat = new double[runs];
        for (int r = 0; r < runs; r++) {
            Traffic traffic = model.generate(Scenario.AA, Seeds.of(seed, r));
            int looks = traffic.intervals();
            double[] errors = new double[looks];
            double[] latency = new double[looks];
            for (int i = 0; i < looks; i++) {
                errors[i] = failedWhenMissing(traffic.canaryErrorRatio(i));
                latency[i] = failedWhenMissing(traffic.canaryP99()[i]);
            }
            errorStat[r] = largest(errors, ThresholdJudge.FAILED_CHECKS);
            latencyStat[r] = largest(latency, ThresholdJudge.FAILED_CHECKS);
        }
        return new TrafficCalibration(
                model.canaryPerSecond(),
                upperQuantile(errorStat, 1 - BUDGET_PER_METRIC),
                upperQuantile(latencyStat, 1 - BUDGET_PER_METRIC));
    }

    /** A minute without a value is a failed check (Flagger, Argo), so it ranks above any value. */
    private static double failedWhenMissing(double value) {
        return Double.isNaN(value) ? Double.POSITIVE_INFINITY : value;
    }

    /** The {@code rank}-th largest value. */
    static double largest(double[] values, int rank) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - rank];
    }

    /** The smallest sample value t with at most a share (1 − level) of the sample above it. */
    static double upperQuantile(double[] sample, double level) {
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(level * sorted.length - 1e-9) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
