package io.mlrollout.core.analysis.stats;

/**
 * How much more a drifting rate's wander weighs over many intervals than its residuals around a recent rate show.
 *
 * <p>The rate-ratio test measures wander as residuals around an exponentially weighted recent rate (decay λ, the
 * previous intervals only), so that a regression that starts late soon becomes part of the expectation. Around such a
 * rate a slow drift is partly followed, and the residuals understate it twice: they vary less than the rate does, and
 * their lag-one correlation is lower than the drift's. For an AR(1) drift of lag-one correlation ρ and unit variance,
 * the residual e_t = z_t − m_(t−1), m_(t−1) = (1 − λ) Σ λ^k z_(t−1−k), has
 *
 * <pre>
 *   Var e        = 1 − 2 (1 − λ) ρ / (1 − λρ) + Var m,   Var m = (1 − λ)² (1 + λρ) / ((1 − λ²)(1 − λρ))
 *   Cov(e_t, e_(t−1)) = ρ − (1 − λ) ρ² / (1 − λρ) − (1 − λ) / (1 − λρ) + (1 − λ)² ρ / (1 − λρ) + λ Var m
 * </pre>
 *
 * while the drift's sum over n intervals has variance n (1 + ρ) / (1 − ρ). At λ = 0.8 and ρ = 0.6 the residuals show a
 * correlation of 0.44 and 0.86 of the variance: taken at face value, (1 + 0.44) / (1 − 0.44) = 2.6 where 4.7 is needed.
 * This class inverts that relation: from the residuals' correlation it finds ρ, and returns the long-run variance over
 * the residuals' variance.
 */
final class DriftAllowance {

    private DriftAllowance() {}

    /**
     * The long-run variance of the wander over the variance of its residuals around a recent rate of decay {@code
     * decay}, given the residuals' lag-one correlation: (1 + ρ) / ((1 − ρ) Var e(ρ)) for the drift's ρ that shows that
     * correlation, ρ between 0 and {@code maxCorrelation}. At least 1: residuals that jitter are taken as they are.
     */
    static double longRunFactor(double residualCorrelation, double decay, double maxCorrelation) {
        double rho = driftCorrelation(residualCorrelation, decay, maxCorrelation);
        return Math.max(1, (1 + rho) / ((1 - rho) * residualVariance(rho, decay)));
    }

    /** The drift's ρ in [0, maxCorrelation] whose residuals show {@code residualCorrelation} (bisection: it rises with ρ). */
    static double driftCorrelation(double residualCorrelation, double decay, double maxCorrelation) {
        if (Double.isNaN(residualCorrelation) || residualCorrelation <= residualCorrelation(0, decay)) {
            return 0;
        }
        if (residualCorrelation >= residualCorrelation(maxCorrelation, decay)) {
            return maxCorrelation;
        }
        double low = 0;
        double high = maxCorrelation;
        for (int i = 0; i < 50; i++) {
            double mid = (low + high) / 2;
            if (residualCorrelation(mid, decay) < residualCorrelation) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** The variance of the residuals of a unit-variance AR(1) drift of correlation rho around its recent rate. */
    static double residualVariance(double rho, double decay) {
        double lead = (1 - decay) * rho / (1 - decay * rho);
        return 1 - 2 * lead + recentVariance(rho, decay);
    }

    /** The lag-one correlation of those residuals: −(1 − λ) / 2 when the rate only jitters (ρ = 0). */
    static double residualCorrelation(double rho, double decay) {
        double oneMinus = 1 - decay;
        double shrink = 1 - decay * rho;
        double recent = recentVariance(rho, decay);
        double covariance = rho
                - oneMinus * rho * rho / shrink
                - oneMinus / shrink
                + oneMinus * oneMinus * rho / shrink
                + decay * recent;
        return covariance / residualVariance(rho, decay);
    }

    /** The variance of the recent (exponentially weighted) rate of a unit-variance AR(1) drift. */
    private static double recentVariance(double rho, double decay) {
        double oneMinus = 1 - decay;
        return oneMinus * oneMinus * (1 + decay * rho) / ((1 - decay * decay) * (1 - decay * rho));
    }
}
