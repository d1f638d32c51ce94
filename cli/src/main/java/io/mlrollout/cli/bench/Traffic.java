package io.mlrollout.cli.bench;

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
 * @param canaryP99 the canary's p99 latency over the interval's requests, ms (NaN without requests)
 * @param baselineP99 the baseline's p99 latency, ms (NaN without requests)
 * @param boundsMs the latency buckets' upper bounds, ms, the last +Inf
 * @param canaryBuckets per interval, the canary's requests per latency bucket (not cumulative)
 * @param baselineBuckets per interval, the baseline's
 */
record Traffic(
        double[] canaryBad,
        double[] canaryTotal,
        double[] baselineBad,
        double[] baselineTotal,
        double[] canarySlow,
        double[] baselineSlow,
        double[] canaryP99,
        double[] baselineP99,
        double[] boundsMs,
        double[][] canaryBuckets,
        double[][] baselineBuckets) {

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
