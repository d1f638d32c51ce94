package io.mlrollout.core.analysis.stats;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.NormalDistribution;

/** A version's factor on its rate, minute by minute: log-normal with mean 1, its logarithm AR(1). */
final class DriftingRate {
    private final double sigma;
    private final double rho;
    private final UniformRandomProvider rng;
    private double log;

    /** Wander of coefficient of variation {@code cv}; lag-one correlation {@code rho} (0: minutes independent). */
    DriftingRate(double cv, double rho, UniformRandomProvider rng) {
        this.sigma = Math.sqrt(Math.log(1 + cv * cv));
        this.rho = rho;
        this.rng = rng;
        this.log = sigma * gaussian();
    }

    double next() {
        log = rho * log + sigma * Math.sqrt(1 - rho * rho) * gaussian();
        return Math.exp(log - sigma * sigma / 2);
    }

    private double gaussian() {
        return NormalDistribution.of(0, 1).inverseCumulativeProbability(rng.nextDouble());
    }
}
