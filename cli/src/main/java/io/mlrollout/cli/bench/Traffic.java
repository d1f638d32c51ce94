package io.mlrollout.cli.bench;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.metrics.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One simulated rollout's readings, interval by interval: what every judge sees. Arrays are indexed by interval (0 is
 * the first minute) and not copied: the benchmark does not change them once generated.
 *
 * @param canaryBad failed requests to the canary
 * @param canaryTotal all requests to the canary
 * @param baselineBad failed requests to the baseline
 * @param baselineTotal all requests to the baseline
 * @param canarySlow requests to the canary slower than the slow-requests threshold
 * @param baselineSlow requests to the baseline slower than the threshold
 * @param canaryQuantile the canary's latency quantile (the p99 unless {@code --quantile} says otherwise) over the
 *     interval's requests, interpolated in the buckets as {@code histogram_quantile} does, ms (NaN without requests)
 * @param baselineQuantile the baseline's, ms (NaN without requests)
 * @param boundsMs the latency buckets' upper bounds, ms, the last +Inf
 * @param canaryBuckets per interval, the canary's requests per latency bucket (not cumulative)
 * @param baselineBuckets per interval, the baseline's
 * @param historyBad the baseline's failed requests in each minute before the rollout, when it served all traffic (what
 *     the pre-flight plan reads)
 * @param historySlow the baseline's requests slower than the threshold in those minutes
 * @param historyTotal all the baseline's requests in those minutes
 * @param historyBuckets per minute before the rollout, the baseline's requests per latency bucket
 */
record Traffic(
        double[] canaryBad,
        double[] canaryTotal,
        double[] baselineBad,
        double[] baselineTotal,
        double[] canarySlow,
        double[] baselineSlow,
        double[] canaryQuantile,
        double[] baselineQuantile,
        double[] boundsMs,
        double[][] canaryBuckets,
        double[][] baselineBuckets,
        double[] historyBad,
        double[] historySlow,
        double[] historyTotal,
        double[][] historyBuckets) {

    /** The baseline's minutes before the rollout for the metrics the policies name, as the judge is given them. */
    BaselineHistory history() {
        List<Reading.Counts> errors = new ArrayList<>();
        List<Reading.Counts> slow = new ArrayList<>();
        List<Reading.Histogram> latency = new ArrayList<>();
        for (int i = 0; i < historyTotal.length; i++) {
            errors.add(new Reading.Counts(historyBad[i], historyTotal[i]));
            slow.add(new Reading.Counts(historySlow[i], historyTotal[i]));
            latency.add(new Reading.Histogram(boundsMs, historyBuckets[i]));
        }
        return new BaselineHistory(
                Map.of(BenchSetup.ERRORS, errors, BenchSetup.SLOW_REQUESTS, slow), Map.of(BenchSetup.LATENCY, latency));
    }

    int intervals() {
        return canaryTotal.length;
    }

    /** The canary's error ratio in interval {@code i}; NaN without requests. */
    double canaryErrorRatio(int i) {
        return canaryTotal[i] == 0 ? Double.NaN : canaryBad[i] / canaryTotal[i];
    }

    double baselineErrorRatio(int i) {
        return baselineTotal[i] == 0 ? Double.NaN : baselineBad[i] / baselineTotal[i];
    }
}
