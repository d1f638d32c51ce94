package io.mlrollout.core.analysis.stats;

/**
 * Wald's sequential probability ratio test of θ0 against one alternative θ1 &gt; θ0 on the conditional binomial model of
 * {@link RateRatioTest}: the "oracle" that knows the true effect, against which the mixture's time to a decision is
 * compared (the calibration in the tests, {@code mlrollout bench}). Wald's boundaries: reject H0 when the likelihood
 * ratio reaches A = (1 − β)/α, accept it when it falls to B = β/(1 − α). With β = 0 it never accepts (B = 0) and rejects
 * at 1/α, the open-ended one-sided test that has the same anytime guarantee as the mixture.
 *
 * <p>Not a value: one instance follows one sequence of intervals. Not thread-safe.
 */
public final class WaldSprt {

    /** Where the test stands after the intervals seen so far. */
    public enum Decision {
        CONTINUE,
        REJECT_H0,
        ACCEPT_H0
    }

    private final double theta0;
    private final double theta1;
    private final double logUpper;
    private final double logLower;
    private double logLikelihoodRatio;

    /**
     * @param theta0 the null boundary, the largest allowed ratio of canary to baseline bad rate (at least 1)
     * @param theta1 the alternative, above theta0: the true ratio when used as an oracle
     * @param alpha the false-rejection probability, in (0, 1)
     * @param beta the false-acceptance probability, in [0, 1 − alpha); 0 for a test that never accepts
     */
    public WaldSprt(double theta0, double theta1, double alpha, double beta) {
        if (!(theta0 >= 1) || !Double.isFinite(theta0)) {
            throw new IllegalArgumentException("theta0 must be finite and at least 1, got " + theta0);
        }
        if (!(theta1 > theta0) || !Double.isFinite(theta1)) {
            throw new IllegalArgumentException(
                    "theta1 must be finite and above theta0 (" + theta0 + "), got " + theta1);
        }
        Checks.level("alpha", alpha);
        if (!(beta >= 0) || !(beta < 1 - alpha)) {
            throw new IllegalArgumentException("beta must be in [0, 1 - alpha), got " + beta);
        }
        this.theta0 = theta0;
        this.theta1 = theta1;
        this.logUpper = Math.log((1 - beta) / alpha);
        this.logLower = Math.log(beta / (1 - alpha));
    }

    public double upperBoundary() {
        return Math.exp(logUpper);
    }

    public double lowerBoundary() {
        return Math.exp(logLower);
    }

    public double logLikelihoodRatio() {
        return logLikelihoodRatio;
    }

    /**
     * Adds one interval's counts and returns the decision so far. An interval in which either version has no traffic
     * carries no evidence.
     */
    public Decision add(double canaryBad, double canaryTotal, double baselineBad, double baselineTotal) {
        Checks.pairedCounts(canaryBad, canaryTotal, baselineBad, baselineTotal);
        if (canaryTotal > 0 && baselineTotal > 0) {
            double share = canaryTotal / (canaryTotal + baselineTotal);
            double p0 = theta0 * share / (theta0 * share + 1 - share);
            double p1 = theta1 * share / (theta1 * share + 1 - share);
            logLikelihoodRatio += canaryBad * Math.log(p1 / p0) + baselineBad * Math.log((1 - p1) / (1 - p0));
        }
        return decision();
    }

    public Decision decision() {
        if (logLikelihoodRatio >= logUpper) {
            return Decision.REJECT_H0;
        }
        if (logLikelihoodRatio <= logLower) {
            return Decision.ACCEPT_H0;
        }
        return Decision.CONTINUE;
    }
}
