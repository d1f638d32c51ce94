package io.mlrollout.core.analysis.stats;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * Simulated traffic of one rollout stage: requests to the canary per second, the canary's share of all traffic and the
 * baseline's bad fraction. Each interval's counts follow the Poisson model of {@link RateRatioTest}: bad and good
 * events of each version are independent Poisson counts (Poisson thinning), so totals vary as real traffic does.
 *
 * @param canaryPerSecond requests per second to the canary
 * @param canaryShare the canary's share of the endpoint's traffic, in (0, 1)
 * @param baselineBadRate the baseline's bad fraction (e.g. 0.01)
 */
record Traffic(double canaryPerSecond, double canaryShare, double baselineBadRate) {

    /** One interval's counts. */
    record Counts(double canaryBad, double canaryTotal, double baselineBad, double baselineTotal) {

        /** The counts as Prometheus would extrapolate them: every count multiplied by {@code factor}. */
        Counts scaled(double factor) {
            return new Counts(canaryBad * factor, canaryTotal * factor, baselineBad * factor, baselineTotal * factor);
        }
    }

    /** Counts over {@code seconds} when the canary's bad rate is {@code theta} times the baseline's. */
    Counts interval(UniformRandomProvider rng, double theta, double seconds) {
        double canaryRequests = canaryPerSecond * seconds;
        double baselineRequests = canaryRequests * (1 - canaryShare) / canaryShare;
        double canaryRate = Math.min(1, baselineBadRate * theta);
        long canaryBad = poisson(rng, canaryRequests * canaryRate);
        long canaryGood = poisson(rng, canaryRequests * (1 - canaryRate));
        long baselineBad = poisson(rng, baselineRequests * baselineBadRate);
        long baselineGood = poisson(rng, baselineRequests * (1 - baselineBadRate));
        return new Counts(canaryBad, canaryBad + canaryGood, baselineBad, baselineBad + baselineGood);
    }

    private static long poisson(UniformRandomProvider rng, double mean) {
        return mean <= 0 ? 0 : PoissonDistribution.of(mean).createSampler(rng).sample();
    }
}
