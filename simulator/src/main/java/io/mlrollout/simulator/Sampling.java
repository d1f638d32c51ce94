package io.mlrollout.simulator;

import java.util.Random;

/** Draws latencies and scores from a profile's distributions with a caller-owned, seeded random source. */
final class Sampling {

    private Sampling() {}

    /** A log-normal latency: {@code median * exp(sigma * Z)}. */
    static double latencyMs(Random random, VersionProfile profile) {
        return profile.latencyMedianMs() * Math.exp(profile.latencySigma() * random.nextGaussian());
    }

    /** A Beta(alpha, beta) score as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
    static double score(Random random, VersionProfile profile) {
        double x = gamma(random, profile.scoreAlpha());
        double y = gamma(random, profile.scoreBeta());
        return x / (x + y);
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang's method; shapes below 1 are boosted by {@code U^(1/shape)}. */
    static double gamma(Random random, double shape) {
        if (shape < 1) {
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = random.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
