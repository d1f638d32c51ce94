package io.mlrollout.core.analysis.stats;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * Simulated per-minute p99 latency of canary and baseline, as a quantile metric reads it: each minute each version
 * serves a Poisson number of requests with log-normal latencies (median 50 ms, log-scale σ 0.5: p99 160 ms), the p99 is
 * the ⌈0.99·n⌉-th smallest of them (drawn from its exact Beta distribution), and a load factor e^N(0, loadSigma²)
 * multiplies both versions' latencies alike. The canary's latencies are multiplied by the effect.
 *
 * @param canaryPerMinute mean requests per minute to the canary
 * @param baselinePerMinute mean requests per minute to the baseline
 * @param loadSigma spread of the shared per-minute load factor
 */
record LatencyTraffic(double canaryPerMinute, double baselinePerMinute, double loadSigma) {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /** One minute's p99 values: {canary, baseline}, in ms. */
    double[] minute(UniformRandomProvider rng, double effect) {
        double load = Math.exp(loadSigma * STANDARD_NORMAL.createSampler(rng).sample());
        double canary = p99(rng, requests(rng, canaryPerMinute)) * load * effect;
        double baseline = p99(rng, requests(rng, baselinePerMinute)) * load;
        return new double[] {canary, baseline};
    }

    private static long requests(UniformRandomProvider rng, double mean) {
        return Math.max(1, PoissonDistribution.of(mean).createSampler(rng).sample());
    }

    private static double p99(UniformRandomProvider rng, long n) {
        long k = (long) Math.ceil(0.99 * n - 1e-9);
        double u = BetaDistribution.of(k, n - k + 1).createSampler(rng).sample();
        return 50 * Math.exp(0.5 * STANDARD_NORMAL.inverseCumulativeProbability(u));
    }
}
