package io.mlrollout.core.analysis.stats;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * Simulated traffic of one rollout stage: requests to the canary per second, the canary's share of all traffic and the
 * baseline's bad fraction. Bad and good events of each version are independent Poisson counts (Poisson thinning), so
 * totals vary as real traffic does; with {@code errorCv} each version's bad rate also wanders from interval to interval
 * (a gamma factor of mean 1, independently per version: overdispersion), and with {@code burstChance} a version's
 * interval is a burst of {@code BURST_FACTOR} times its errors.
 *
 * @param canaryPerSecond requests per second to the canary
 * @param canaryShare the canary's share of the endpoint's traffic, in (0, 1)
 * @param baselineBadRate the baseline's bad fraction (e.g. 0.01)
 * @param errorCv the coefficient of variation of each version's per-interval bad rate (0: Poisson intervals)
 * @param burstChance the chance per version and interval of a burst
 */
record Traffic(double canaryPerSecond, double canaryShare, double baselineBadRate, double errorCv, double burstChance) {

    /** A burst interval brings this many times the version's errors. */
    static final double BURST_FACTOR = 5;

    /** Poisson intervals: the model under which the count test is exact. */
    Traffic(double canaryPerSecond, double canaryShare, double baselineBadRate) {
        this(canaryPerSecond, canaryShare, baselineBadRate, 0, 0);
    }

    /** The same traffic with wandering rates and bursts. */
    Traffic wandering(double cv, double bursts) {
        return new Traffic(canaryPerSecond, canaryShare, baselineBadRate, cv, bursts);
    }

    /** One interval's counts. */
    record Counts(double canaryBad, double canaryTotal, double baselineBad, double baselineTotal) {

        /** The counts as Prometheus would extrapolate them: every count multiplied by {@code factor}. */
        Counts scaled(double factor) {
            return new Counts(canaryBad * factor, canaryTotal * factor, baselineBad * factor, baselineTotal * factor);
        }
    }

    /** Counts over {@code seconds} when the canary's bad rate is {@code theta} times the baseline's. */
    Counts interval(UniformRandomProvider rng, double theta, double seconds) {
        double canaryFactor = theta * wander(rng);
        return interval(rng, canaryFactor, wander(rng), seconds);
    }

    /**
     * Counts over {@code seconds} with each version's bad rate the baseline's bad fraction times the given factor (the
     * caller's own wander; this traffic's is not drawn).
     */
    Counts interval(UniformRandomProvider rng, double canaryFactor, double baselineFactor, double seconds) {
        double canaryRequests = canaryPerSecond * seconds;
        double baselineRequests = canaryRequests * (1 - canaryShare) / canaryShare;
        double canaryRate = Math.min(1, baselineBadRate * canaryFactor);
        double baselineRate = Math.min(1, baselineBadRate * baselineFactor);
        long canaryBad = poisson(rng, canaryRequests * canaryRate);
        long canaryGood = poisson(rng, canaryRequests * (1 - canaryRate));
        long baselineBad = poisson(rng, baselineRequests * baselineRate);
        long baselineGood = poisson(rng, baselineRequests * (1 - baselineBadRate));
        return new Counts(canaryBad, canaryBad + canaryGood, baselineBad, baselineBad + baselineGood);
    }

    /** One version's factor on its bad rate for one interval: mean 1 without bursts. */
    private double wander(UniformRandomProvider rng) {
        double factor = 1;
        if (errorCv > 0) {
            double shape = 1 / (errorCv * errorCv);
            factor = GammaDistribution.of(shape, 1 / shape).createSampler(rng).sample();
        }
        if (burstChance > 0 && rng.nextDouble() < burstChance) {
            factor *= BURST_FACTOR;
        }
        return factor;
    }

    private static long poisson(UniformRandomProvider rng, double mean) {
        return mean <= 0 ? 0 : PoissonDistribution.of(mean).createSampler(rng).sample();
    }
}
