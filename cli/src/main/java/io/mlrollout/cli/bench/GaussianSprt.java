package io.mlrollout.cli.bench;

/**
 * Wald's one-sided SPRT for the mean of normal observations with a known standard deviation: H0 mean μ0 against H1
 * mean μ1 &gt; μ0, rejecting H0 when the likelihood ratio reaches 1/α and never accepting. The log likelihood ratio of
 * one observation x is (μ1 − μ0)/σ² · (x − (μ0 + μ1)/2). The oracle's latency test. Not thread-safe.
 */
final class GaussianSprt {

    private final double mean0;
    private final double mean1;
    private final double variance;
    private final double logBoundary;
    private double logLikelihoodRatio;

    GaussianSprt(double mean0, double mean1, double sd, double alpha) {
        if (!(mean1 > mean0)) {
            throw new IllegalArgumentException("mean1 must be above mean0, got " + mean1 + " <= " + mean0);
        }
        if (!(sd > 0)) {
            throw new IllegalArgumentException("sd must be positive, got " + sd);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        this.mean0 = mean0;
        this.mean1 = mean1;
        this.variance = sd * sd;
        this.logBoundary = Math.log(1 / alpha);
    }

    /** Adds one observation (NaN: none this time) and says whether H0 is rejected by now. */
    boolean addAndReject(double x) {
        if (!Double.isNaN(x)) {
            logLikelihoodRatio += (mean1 - mean0) / variance * (x - (mean0 + mean1) / 2);
        }
        return logLikelihoodRatio >= logBoundary;
    }
}
