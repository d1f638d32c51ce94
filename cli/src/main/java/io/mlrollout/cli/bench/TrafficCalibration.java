package io.mlrollout.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the threshold judge and the two clairvoyant judges are given about one traffic level, measured on A/A rollouts
 * generated with a seed of their own (never the streams they are then judged on).
 *
 * <p><b>Thresholds.</b> The threshold judge rolls back when a metric exceeds its threshold in
 * {@link ThresholdJudge#FAILED_CHECKS} intervals. Each threshold is set to the smallest value that a healthy canary
 * crosses that often in at most {@link #BUDGET_PER_METRIC} of rollouts: the (1 − budget) quantile, over A/A rollouts, of
 * the metric's {@code FAILED_CHECKS}-th largest per-minute value. So the threshold judge spends the same 1% false-rollback
 * budget as the policy, at every traffic level: the most favourable way to set it, since a threshold written once by
 * hand would either roll back healthy canaries at low traffic or miss regressions at high traffic.
 *
 * <p><b>Known nulls.</b> The {@linkplain ClairvoyantJudge clairvoyant judge} is given, per metric, how the pooled log
 * ratio is distributed at every minute when the candidate is exactly at that metric's margin (errors 10% higher, every
 * request 5% slower), with the level that at most {@link #BUDGET_PER_METRIC} of those rollouts ever cross, and the value
 * they exceed at each minute as rarely ({@linkplain OneLookJudge for one look}): the same runs as the A/A ones with only
 * the effect added.
 *
 * @param errorThreshold the canary's per-minute error ratio above which a check fails
 * @param latencyThreshold the canary's per-minute latency quantile (ms) above which a check fails
 * @param errorsNull the pooled log ratio of the error rates, the candidate at the error margin
 * @param slowRequestsNull the pooled log ratio of the shares of slow requests, the candidate at the latency margin
 */
record TrafficCalibration(
        double canaryPerSecond,
        double errorThreshold,
        double latencyThreshold,
        KnownNull errorsNull,
        KnownNull slowRequestsNull) {

    /** A candidate at the policies' error margin: as far as a judge with our guarantee may let it go. */
    static final Scenario ERROR_MARGIN = Scenario.errors(1 + BenchSetup.ERROR_MARGIN);

    /** A candidate at the latency metric's margin (every request 5% slower, whichever quantile is read). */
    static final Scenario LATENCY_MARGIN = Scenario.latency(1 + BenchSetup.LATENCY_MARGIN);

    /** Each metric's share of the policy's 1% false-rollback rate for the whole rollout. */
    static final double BUDGET_PER_METRIC = BenchSetup.FALSE_ROLLBACK_RATE / 2;

    static TrafficCalibration of(RolloutGenerator model, int runs, long seed) {
        double[] errorStat = new double[runs];
        double[] latencyStat = new double[runs];
        List<double[]> errorPaths = new ArrayList<>();
        List<double[]> slowPaths = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Traffic traffic = model.generate(Scenario.AA, Seeds.of(seed, r));
            // the same run with the candidate at a margin: only the effect differs
            errorPaths.add(ClairvoyantJudge.errorPath(model.generate(ERROR_MARGIN, Seeds.of(seed, r))));
            slowPaths.add(ClairvoyantJudge.slowPath(model.generate(LATENCY_MARGIN, Seeds.of(seed, r))));
            int looks = traffic.intervals();
            double[] errors = new double[looks];
            double[] latency = new double[looks];
            for (int i = 0; i < looks; i++) {
                errors[i] = failedWhenMissing(traffic.canaryErrorRatio(i));
                latency[i] = failedWhenMissing(traffic.canaryQuantile()[i]);
            }
            errorStat[r] = largest(errors, ThresholdJudge.FAILED_CHECKS);
            latencyStat[r] = largest(latency, ThresholdJudge.FAILED_CHECKS);
        }
        return new TrafficCalibration(
                model.canaryPerSecond(),
                upperQuantile(errorStat, 1 - BUDGET_PER_METRIC),
                upperQuantile(latencyStat, 1 - BUDGET_PER_METRIC),
                KnownNull.of(errorPaths, BUDGET_PER_METRIC),
                KnownNull.of(slowPaths, BUDGET_PER_METRIC));
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
