package io.mlrollout.core.analysis.stats;

/**
 * Wald's sequential probability ratio test of θ0 against one alternative θ1 &gt; θ0 on the conditional binomial model of
 * {@link RateRatioTest}: the "oracle" that knows the true effect, against which the mixture's samples to a decision are
 * compared. Wald's boundaries: reject H0 when the likelihood ratio reaches A = (1 − β)/α, accept it when it falls to B
 * = β/(1 − α). With β = 0 it never accepts (B = 0) and rejects at 1/α, the open-ended one-sided test that has the same
 * anytime guarantee as the mixture.
 */
final class WaldSprt {

    enum Decision {
        CONTINUE,
        REJECT_H0,
        ACCEPT_H0
    }

    private final double theta0;
    private final double theta1;
    private final double logUpper;
    private final double logLower;
    private double logLikelihoodRatio;

    WaldSprt(double theta0, double theta1, double alpha, double beta) {
        this.theta0 = theta0;
        this.theta1 = theta1;
        this.logUpper = Math.log((1 - beta) / alpha);
        this.logLower = Math.log(beta / (1 - alpha));
    }

    double upperBoundary() {
        return Math.exp(logUpper);
    }

    double lowerBoundary() {
        return Math.exp(logLower);
    }

    double logLikelihoodRatio() {
        return logLikelihoodRatio;
    }

    /** Adds one interval and returns the decision so far. */
    Decision add(double canaryBad, double canaryTotal, double baselineBad, double baselineTotal) {
        if (canaryTotal > 0 && baselineTotal > 0) {
            double share = canaryTotal / (canaryTotal + baselineTotal);
            double p0 = theta0 * share / (theta0 * share + 1 - share);
            double p1 = theta1 * share / (theta1 * share + 1 - share);
            logLikelihoodRatio += canaryBad * Math.log(p1 / p0) + baselineBad * Math.log((1 - p1) / (1 - p0));
        }
        return decision();
    }

    Decision decision() {
        if (logLikelihoodRatio >= logUpper) {
            return Decision.REJECT_H0;
        }
        if (logLikelihoodRatio <= logLower) {
            return Decision.ACCEPT_H0;
        }
        return Decision.CONTINUE;
    }
}
