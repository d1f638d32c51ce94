package io.mlrollout.cli.bench;

/**
 * A yardstick no real judge can be: a judge with our guarantee that knows exactly how the traffic model it is judged on
 * behaves. The oracle is the fastest test when minutes are independent Poisson, and rolls back healthy rollouts freely
 * under the other models; this judge keeps the guarantee under each model by construction, so its minutes show how fast
 * a judge with that guarantee can be there, knowing everything about the traffic but the effect.
 *
 * <p>Per metric it reads one statistic, the <b>pooled log ratio</b> of the two versions' rates since the rollout
 * began, log((Σ canary bad + ½) / Σ canary requests) − log((Σ baseline bad + ½) / Σ baseline requests): the errors,
 * and the requests slower than {@link OracleJudge#LATENCY_BOUND_MS} (the bound below the baseline's p99). Each minute
 * it standardizes the statistic by its mean and standard deviation at that minute in calibration rollouts whose
 * candidate is exactly at that metric's margin ({@link KnownNull}, {@link TrafficCalibration}), and rolls back when
 * either metric crosses the level that at most half the policy's false-rollback rate of those rollouts ever crossed.
 * So, like ours, it rolls back a candidate within the margins at most 1% of the time, and a healthy one less often. It
 * does not know the effect, and tests both metrics in every scenario.
 *
 * <p>A single boundary on a sum is not the most powerful test under every model (a test that weighed minutes by how
 * much they wander, or set bursts aside, could do better), so its minutes are not a bound: they show what knowing the
 * traffic buys a judge that keeps the guarantee.
 */
final class ClairvoyantJudge implements RolloutJudge {

    private final KnownNull errors;
    private final KnownNull slowRequests;

    ClairvoyantJudge(TrafficCalibration calibration) {
        this.errors = calibration.errorsNull();
        this.slowRequests = calibration.slowRequestsNull();
    }

    @Override
    public int decide(Traffic traffic) {
        double[] errorPath = errorPath(traffic);
        double[] slowPath = slowPath(traffic);
        for (int i = 0; i < traffic.intervals(); i++) {
            if (errors.crossed(i, errorPath[i]) || slowRequests.crossed(i, slowPath[i])) {
                return i + 1;
            }
        }
        return PROMOTED;
    }

    /** The pooled log ratio of the error rates after each minute. */
    static double[] errorPath(Traffic traffic) {
        return pooledLogRatios(
                traffic.canaryBad(), traffic.canaryTotal(), traffic.baselineBad(), traffic.baselineTotal());
    }

    /** The pooled log ratio of the shares of requests slower than the oracle's latency bound after each minute. */
    static double[] slowPath(Traffic traffic) {
        int minutes = traffic.intervals();
        double[] canarySlow = new double[minutes];
        double[] baselineSlow = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            canarySlow[i] = OracleJudge.above(traffic.boundsMs(), traffic.canaryBuckets()[i]);
            baselineSlow[i] = OracleJudge.above(traffic.boundsMs(), traffic.baselineBuckets()[i]);
        }
        return pooledLogRatios(canarySlow, traffic.canaryTotal(), baselineSlow, traffic.baselineTotal());
    }

    /**
     * After each minute, log((Σ x + ½) / Σ n) − log((Σ y + ½) / Σ m) over the minutes so far; NaN while either version
     * has served no requests. The half keeps it finite when a version has no bad events yet.
     */
    static double[] pooledLogRatios(double[] x, double[] n, double[] y, double[] m) {
        double[] path = new double[x.length];
        double canaryBad = 0;
        double canaryTotal = 0;
        double baselineBad = 0;
        double baselineTotal = 0;
        for (int i = 0; i < x.length; i++) {
            canaryBad += x[i];
            canaryTotal += n[i];
            baselineBad += y[i];
            baselineTotal += m[i];
            path[i] = canaryTotal > 0 && baselineTotal > 0
                    ? Math.log((canaryBad + 0.5) / canaryTotal) - Math.log((baselineBad + 0.5) / baselineTotal)
                    : Double.NaN;
        }
        return path;
    }
}
