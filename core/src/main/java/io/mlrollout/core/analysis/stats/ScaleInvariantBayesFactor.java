package io.mlrollout.core.analysis.stats;

/**
 * The Bayes factor of the one-sample t problem that does not depend on the unknown scale: observations x_1..x_n
 * independent N(μ, σ²) with σ unknown, the standardised effect δ = μ/σ against δ = 0. Both hypotheses put the right Haar
 * measure dσ/σ on σ, which makes the factor a function of the scale-free statistic r = Σx / √(Σx²) alone:
 *
 * <pre>
 *   BF_n(δ) = e^(−nδ²/2) · M_n(δ·r) / M_n(0),   M_n(a) = ∫_0^∞ v^(n−1) e^(−v²/2 + a·v) dv,
 * </pre>
 *
 * which equals the ratio of the noncentral to the central t density (n − 1 degrees of freedom, noncentrality δ√n) at
 * the t statistic. It is the likelihood ratio of the data's maximal invariant under rescaling (Wijsman's
 * representation), so under δ = 0 it is a martingale in the filtration of that invariant (Lai 1976; Pérez-Ortiz,
 * Lardy, de Heide and Grünwald 2024): see {@link LogRatioTest} for what follows from that.
 *
 * <p>The same holds when the observations are correlated with a known correlation matrix R (x ~ N(δσ·1, σ²R)): the
 * sums become the quadratic forms of R⁻¹, n → 1ᵀR⁻¹1, Σx → 1ᵀR⁻¹x, Σx² → xᵀR⁻¹x, and
 * BF_n(δ) = e^(−1ᵀR⁻¹1·δ²/2) · M_n(δ·1ᵀR⁻¹x / √(xᵀR⁻¹x)) / M_n(0). {@link #log} takes the forms, so it serves both.
 *
 * <p>M_n is computed in w = ln v, where the integrand e^(n·w − e^(2w)/2 + a·e^w) is smooth, unimodal and falls off on
 * both sides, by the trapezoidal rule between the points where it has fallen by e^−46 from its peak; for such
 * integrands the rule converges geometrically in the number of points (relative error below 1e-10 here, checked in the
 * tests against closed forms and the three-term recurrence M_(n+1) = a·M_n + (n − 1)·M_(n−1)).
 */
final class ScaleInvariantBayesFactor {

    /** How far below its peak (in log) the integrand is cut off: e^−46 ≈ 1e-20. */
    private static final double CUT = 46;

    /** The largest step in w; steps are also at most a third of the peak's width. */
    private static final double MAX_STEP = 0.2;

    /** log M_n(0) for n below this come from {@link #LOG_MOMENTS_AT_ZERO}, computed once. */
    private static final int TABULATED = 4096;

    /**
     * log M_n(0) = log(2^(n/2 − 1) Γ(n/2)), by M_1(0) = √(π/2), M_2(0) = 1 and M_(n+2)(0) = n·M_n(0): the
     * denominator of every factor, which the count test's scale-free part asks for at every interval.
     */
    private static final double[] LOG_MOMENTS_AT_ZERO = logMomentsAtZero();

    private ScaleInvariantBayesFactor() {}

    /**
     * log BF_n(δ) from the quadratic forms of the looks: for independent looks {@code ones} = n, {@code onesX} = Σx and
     * {@code xx} = Σx². All observations 0 (no scale to judge by) count as r = 0.
     *
     * @param looks n, at least 1
     * @param ones 1ᵀR⁻¹1
     * @param onesX 1ᵀR⁻¹x
     * @param xx xᵀR⁻¹x
     * @param effect δ, positive
     */
    static double log(int looks, double ones, double onesX, double xx, double effect) {
        double limit = Math.sqrt(ones);
        double r = xx > 0 ? onesX / Math.sqrt(xx) : 0;
        r = Math.max(-limit, Math.min(limit, r)); // r² ≤ 1ᵀR⁻¹1 (Cauchy-Schwarz); rounding must not step beyond it
        return -ones * effect * effect / 2 + logMoment(looks, effect * r) - logMomentAtZero(looks);
    }

    /**
     * An upper bound on log BF_n(δ) over every effect δ &gt; 0, without integrating: M_n(a) / M_n(0) = E e^(aV) for V
     * chi-distributed with n degrees of freedom, the length of a standard normal vector, which is 1-Lipschitz in it, so
     * E e^(aV) ≤ e^(a·E V + a²/2) (Gaussian concentration) and E V ≤ √n. Maximised over δ, with r = 1ᵀR⁻¹x / √(xᵀR⁻¹x):
     * n·r² / (2(1ᵀR⁻¹1 − r²)) for r &gt; 0; −∞ for r ≤ 0 (the factor is then below 1, not bounded here); +∞ where r²
     * reaches 1ᵀR⁻¹1 (every look the same positive value).
     */
    static double logUpperBound(int looks, double ones, double onesX, double xx) {
        if (!(onesX > 0) || !(xx > 0)) {
            return Double.NEGATIVE_INFINITY;
        }
        double r2 = onesX * onesX / xx;
        return r2 >= ones ? Double.POSITIVE_INFINITY : looks * r2 / (2 * (ones - r2));
    }

    private static double[] logMomentsAtZero() {
        double[] logs = new double[TABULATED];
        logs[1] = 0.5 * Math.log(Math.PI / 2);
        logs[2] = 0;
        for (int n = 3; n < TABULATED; n++) {
            logs[n] = logs[n - 2] + Math.log(n - 2);
        }
        return logs;
    }

    /**
     * log M_n(0), from the table where it reaches and beyond it from Stirling's series for log Γ(n/2), whose terms
     * after the last one kept are below 1e-20 there.
     */
    static double logMomentAtZero(int n) {
        if (n < TABULATED) {
            return LOG_MOMENTS_AT_ZERO[n];
        }
        double x = n / 2.0;
        double logGamma =
                (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
        return (x - 1) * Math.log(2) + logGamma;
    }

    /** log M_n(a) = log ∫_0^∞ v^(n−1) e^(−v²/2 + a·v) dv, for n ≥ 1 and any finite a. */
    static double logMoment(int n, double a) {
        double root = Math.sqrt(a * a + 4.0 * n);
        double modeV = a >= 0 ? (a + root) / 2 : 2.0 * n / (root - a); // the same number, without cancellation
        double mode = Math.log(modeV);
        double peak = exponent(n, a, mode);
        double level = peak - CUT;
        double left = crossing(n, a, level, mode, -1);
        double right = crossing(n, a, level, mode, 1);
        // the exponent's curvature at the mode is −(modeV² + n)
        double step = Math.min(MAX_STEP, 1 / (3 * Math.sqrt(modeV * modeV + n)));
        int intervals = (int) Math.ceil((right - left) / step);
        double h = (right - left) / intervals;
        double sum = (Math.exp(exponent(n, a, left) - peak) + Math.exp(exponent(n, a, right) - peak)) / 2;
        double growth = Math.exp(h); // v = e^w advances by a factor per step: no exp per point for it
        double v = Math.exp(left);
        for (int i = 1; i < intervals; i++) {
            v *= growth;
            sum += Math.exp(n * (left + i * h) - v * v / 2 + a * v - peak);
        }
        return peak + Math.log(sum * h);
    }

    /** The log integrand in w = ln v, the Jacobian e^w included. */
    private static double exponent(int n, double a, double w) {
        double v = Math.exp(w);
        return n * w - v * v / 2 + a * v;
    }

    /** Where the exponent falls to {@code level} on one side of the mode: bracket by doubling, then bisect. */
    private static double crossing(int n, double a, double level, double mode, int side) {
        double inside = mode;
        double distance = 1;
        double outside = mode + side * distance;
        while (exponent(n, a, outside) >= level) {
            inside = outside;
            distance *= 2;
            outside = mode + side * distance;
        }
        // the cut-off needs no precision: where the integrand is e^−46 of its peak, a step either way changes nothing
        for (int i = 0; i < 24; i++) {
            double middle = (inside + outside) / 2;
            if (exponent(n, a, middle) >= level) {
                inside = middle;
            } else {
                outside = middle;
            }
        }
        return outside;
    }
}
