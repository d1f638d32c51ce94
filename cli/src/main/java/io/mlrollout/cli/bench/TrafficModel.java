package io.mlrollout.cli.bench;

import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Generates one rollout's readings at a given canary traffic, seeded: the same seed gives the same readings.
 *
 * <p><b>Counts.</b> Each minute, failed and successful requests of each version are independent Poisson counts
 * (Poisson thinning of a Poisson request stream): the canary gets {@code canaryPerSecond·60} requests on average, the
 * baseline three times as many, failing at {@link BenchSetup#BASELINE_ERROR_RATE} (times the scenario's ratio for the
 * canary).
 *
 * <p><b>p99 per minute.</b> The p99 the judges read is the empirical quantile of that minute's requests: with n requests,
 * the k-th smallest latency, k = ⌈0.99·n⌉. Rather than draw n latencies, the quantile is drawn from its exact sampling
 * distribution: the k-th order statistic of n uniforms is Beta(k, n − k + 1), and the log-normal latency's inverse CDF
 * maps it to milliseconds. At 2 requests a second (120 a minute) that is the second-largest latency of the minute, as
 * noisy as a real one; at 200 a second it is tight. A shared load factor then multiplies both versions' values for the
 * minute.
 */
final class TrafficModel {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private final double canaryPerSecond;

    TrafficModel(double canaryPerSecond) {
        if (!(canaryPerSecond > 0) || !Double.isFinite(canaryPerSecond)) {
            throw new IllegalArgumentException("canaryPerSecond must be positive, got " + canaryPerSecond);
        }
        this.canaryPerSecond = canaryPerSecond;
    }

    double canaryPerSecond() {
        return canaryPerSecond;
    }

    /** One rollout of {@link BenchSetup#LOOKS} minutes under {@code scenario}. */
    Traffic generate(Scenario scenario, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        UniformRandomProvider rng = random::nextLong;
        int looks = BenchSetup.LOOKS;
        double[] canaryBad = new double[looks];
        double[] canaryTotal = new double[looks];
        double[] baselineBad = new double[looks];
        double[] baselineTotal = new double[looks];
        double[] canaryP99 = new double[looks];
        double[] baselineP99 = new double[looks];
        double canaryRequests = canaryPerSecond * BenchSetup.INTERVAL_SECONDS;
        double baselineRequests = canaryRequests * (1 - BenchSetup.CANARY_SHARE) / BenchSetup.CANARY_SHARE;
        double canaryErrors = Math.min(1, BenchSetup.BASELINE_ERROR_RATE * scenario.errorRatio());
        for (int i = 0; i < looks; i++) {
            canaryBad[i] = poisson(rng, canaryRequests * canaryErrors);
            canaryTotal[i] = canaryBad[i] + poisson(rng, canaryRequests * (1 - canaryErrors));
            baselineBad[i] = poisson(rng, baselineRequests * BenchSetup.BASELINE_ERROR_RATE);
            baselineTotal[i] = baselineBad[i] + poisson(rng, baselineRequests * (1 - BenchSetup.BASELINE_ERROR_RATE));
            double load = Math.exp(BenchSetup.LOAD_SIGMA * random.nextGaussian());
            canaryP99[i] = empiricalQuantile(rng, (long) canaryTotal[i]) * load * scenario.latencyFactor();
            baselineP99[i] = empiricalQuantile(rng, (long) baselineTotal[i]) * load;
        }
        return new Traffic(canaryBad, canaryTotal, baselineBad, baselineTotal, canaryP99, baselineP99);
    }

    /** The p99 of {@code requests} log-normal latencies, in ms; NaN without requests. */
    static double empiricalQuantile(UniformRandomProvider rng, long requests) {
        if (requests == 0) {
            return Double.NaN;
        }
        long k = (long) Math.ceil(BenchSetup.QUANTILE * requests - 1e-9); // 0.99·100 is 99, not 99.00000000000001
        double u = ChengBetaSampler.of(rng, k, requests - k + 1).sample();
        return BenchSetup.LATENCY_MEDIAN_MS
                * Math.exp(BenchSetup.LATENCY_SIGMA * STANDARD_NORMAL.inverseCumulativeProbability(u));
    }

    private static double poisson(UniformRandomProvider rng, double mean) {
        return mean <= 0 ? 0 : PoissonSampler.of(rng, mean).sample();
    }
}
