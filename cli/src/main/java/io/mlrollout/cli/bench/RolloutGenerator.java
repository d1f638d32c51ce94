package io.mlrollout.cli.bench;

import io.mlrollout.simulator.traffic.Minutes;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Generates one rollout's readings at a given canary traffic under a {@link TrafficModel}, seeded: the same seed gives
 * the same readings.
 *
 * <p><b>Counts.</b> Each minute each version's requests fall into four independent Poisson counts (Poisson thinning of a
 * Poisson request stream): failed or not, slower than the slow-requests threshold or not. Failing and being
 * slow are independent. In the canary stage the canary gets {@code canaryPerSecond·60} requests on average and the
 * baseline three times as many; in the watch the candidate gets 90% of the endpoint's requests and the baseline 10%.
 * The baseline fails at {@link BenchSetup#BASELINE_ERROR_RATE}, the candidate at that times the scenario's ratio; a
 * request is slow with the probability that its log-normal latency, times the minute's load (and the scenario's factor
 * for the candidate), exceeds the threshold.
 *
 * <p><b>Traffic model.</b> The model's factors for the minute multiply each version's error rate and latencies and the
 * endpoint's request volume before the counts are drawn; under {@code poisson} they are all 1.
 *
 * <p><b>p99 per minute.</b> The p99 the judges read is the empirical quantile of that minute's requests: with n requests,
 * the k-th smallest latency, k = ⌈0.99·n⌉. Rather than draw n latencies, the quantile is drawn from its exact sampling
 * distribution given how many of the n were slow (S): if k ≤ n − S it is the k-th smallest of the n − S latencies below
 * the threshold, otherwise the (k − n + S)-th smallest of the S above it, and the k-th order statistic of m uniforms is
 * Beta(k, m − k + 1), mapped through the log-normal's inverse CDF restricted to that side. So the p99 and the slow count
 * of a minute agree as they would for real requests. At 2 requests a second (120 a minute) the p99 is the second-largest
 * latency of the minute, as noisy as a real one; at 200 a second it is tight.
 */
final class RolloutGenerator {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /** Keeps the traffic model's factors apart from the counts' stream. */
    private static final long FACTOR_STREAM = 0x7AFF1CL;

    private final TrafficModel model;
    private final double canaryPerSecond;
    private final double slowThresholdMs;

    /** @param slowThresholdMs the latency above which a request counts as slow */
    RolloutGenerator(TrafficModel model, double canaryPerSecond, double slowThresholdMs) {
        this.model = Objects.requireNonNull(model, "model");
        if (!(canaryPerSecond > 0) || !Double.isFinite(canaryPerSecond)) {
            throw new IllegalArgumentException("canaryPerSecond must be positive, got " + canaryPerSecond);
        }
        if (!(slowThresholdMs > 0) || !Double.isFinite(slowThresholdMs)) {
            throw new IllegalArgumentException("slowThresholdMs must be positive, got " + slowThresholdMs);
        }
        this.canaryPerSecond = canaryPerSecond;
        this.slowThresholdMs = slowThresholdMs;
    }

    double canaryPerSecond() {
        return canaryPerSecond;
    }

    TrafficModel model() {
        return model;
    }

    /** One version's requests in one minute. */
    record Minute(double bad, double total, double slow, double p99) {}

    /** One rollout of {@link BenchSetup#MINUTES} minutes (canary stage, then watch) under {@code scenario}. */
    Traffic generate(Scenario scenario, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        UniformRandomProvider rng = random::nextLong;
        int minutes = BenchSetup.MINUTES;
        Minutes factors = model.generate(Seeds.of(seed, FACTOR_STREAM), minutes);
        Minute[] canary = new Minute[minutes];
        Minute[] baseline = new Minute[minutes];
        double endpointRequests = canaryPerSecond * BenchSetup.INTERVAL_SECONDS / BenchSetup.CANARY_SHARE;
        double canaryErrors = BenchSetup.BASELINE_ERROR_RATE * scenario.errorRatio();
        for (int i = 0; i < minutes; i++) {
            double share = i < BenchSetup.CANARY_LOOKS ? BenchSetup.CANARY_SHARE : BenchSetup.WATCH_SHARE;
            double requests = endpointRequests * factors.traffic(i);
            double load = Math.exp(BenchSetup.LOAD_SIGMA * random.nextGaussian());
            canary[i] = minute(
                    rng,
                    requests * share,
                    Math.min(1, canaryErrors * factors.canaryError(i)),
                    load * scenario.latencyFactor() * factors.canaryLatency(i));
            baseline[i] = minute(
                    rng,
                    requests * (1 - share),
                    Math.min(1, BenchSetup.BASELINE_ERROR_RATE * factors.baselineError(i)),
                    load * factors.baselineLatency(i));
        }
        return new Traffic(
                column(canary, Minute::bad),
                column(canary, Minute::total),
                column(baseline, Minute::bad),
                column(baseline, Minute::total),
                column(canary, Minute::slow),
                column(baseline, Minute::slow),
                column(canary, Minute::p99),
                column(baseline, Minute::p99));
    }

    private static double[] column(Minute[] minutes, ToDoubleFunction<Minute> field) {
        double[] values = new double[minutes.length];
        for (int i = 0; i < minutes.length; i++) {
            values[i] = field.applyAsDouble(minutes[i]);
        }
        return values;
    }

    /**
     * One version's minute: {@code requests} on average, failing at {@code errorRate}, every latency multiplied by
     * {@code scale}.
     */
    Minute minute(UniformRandomProvider rng, double requests, double errorRate, double scale) {
        double slowShare = slowShare(scale);
        double badSlow = poisson(rng, requests * errorRate * slowShare);
        double badFast = poisson(rng, requests * errorRate * (1 - slowShare));
        double goodSlow = poisson(rng, requests * (1 - errorRate) * slowShare);
        double goodFast = poisson(rng, requests * (1 - errorRate) * (1 - slowShare));
        long total = (long) (badSlow + badFast + goodSlow + goodFast);
        long slow = (long) (badSlow + goodSlow);
        return new Minute(badSlow + badFast, total, slow, empiricalQuantile(rng, total, slow, slowShare) * scale);
    }

    /** The share of requests slower than the threshold when every latency is multiplied by {@code scale}. */
    double slowShare(double scale) {
        double z = Math.log(slowThresholdMs / (BenchSetup.LATENCY_MEDIAN_MS * scale)) / BenchSetup.LATENCY_SIGMA;
        return STANDARD_NORMAL.survivalProbability(z);
    }

    /**
     * The p99 (ms, before scaling) of {@code requests} log-normal latencies of which {@code slow} exceed the point that
     * a share {@code slowShare} of all latencies exceeds; NaN without requests.
     */
    static double empiricalQuantile(UniformRandomProvider rng, long requests, long slow, double slowShare) {
        if (requests == 0) {
            return Double.NaN;
        }
        long k = (long) Math.ceil(BenchSetup.QUANTILE * requests - 1e-9); // 0.99·100 is 99, not 99.00000000000001
        long fast = requests - slow;
        double z;
        if (k <= fast) {
            // the k-th smallest of the fast ones: a uniform below the threshold's quantile 1 − slowShare
            double u = ChengBetaSampler.of(rng, k, fast - k + 1).sample();
            z = STANDARD_NORMAL.inverseCumulativeProbability(u * (1 - slowShare));
        } else {
            // the j-th smallest of the slow ones, by its survival probability above the threshold
            long j = k - fast;
            double u = ChengBetaSampler.of(rng, j, slow - j + 1).sample();
            z = STANDARD_NORMAL.inverseSurvivalProbability((1 - u) * slowShare);
        }
        return BenchSetup.LATENCY_MEDIAN_MS * Math.exp(BenchSetup.LATENCY_SIGMA * z);
    }

    private static double poisson(UniformRandomProvider rng, double mean) {
        return mean <= 0 ? 0 : PoissonSampler.of(rng, mean).sample();
    }
}
