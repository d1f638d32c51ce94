package io.mlrollout.core.analysis.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * The looks x_1..x_n of a {@link LogRatioTest} read as a stretch of a stationary Gaussian AR(1) series with lag-1
 * correlation ρ: what the scale-free likelihood of their shape needs under each ρ, from six running sums. The inverse of
 * the AR(1) correlation matrix R_ρ is tridiagonal,
 *
 * <pre>
 *   (1 − ρ²)·R_ρ⁻¹ = tridiag(−ρ; 1, 1 + ρ², …, 1 + ρ², 1; −ρ),   det R_ρ = (1 − ρ²)^(n−1),
 * </pre>
 *
 * so its quadratic forms need only n, Σx, Σx², the sum of lag products Σ x_k·x_(k−1), and the first and last look:
 *
 * <pre>
 *   1ᵀR⁻¹1 = (2(1 − ρ) + (n − 2)(1 − ρ)²) / (1 − ρ²)
 *   1ᵀR⁻¹x = ((1 − ρ)(x_1 + x_n) + (1 − ρ)²(Σx − x_1 − x_n)) / (1 − ρ²)
 *   xᵀR⁻¹x = (Σx² + ρ²(Σx² − x_1² − x_n²) − 2ρ·Σ x_k·x_(k−1)) / (1 − ρ²)
 * </pre>
 *
 * (for one look, where x_1 = x_n, they give 1, x and x²). With the scale integrated out by the Haar measure dσ/σ, the
 * likelihood of the looks' shape at standardised mean δ is, up to a factor common to every (δ, ρ),
 *
 * <pre>
 *   L(δ, ρ) = det(R_ρ)^(−1/2) · (xᵀR⁻¹x)^(−n/2) · e^(−1ᵀR⁻¹1·δ²/2) · M_n(δ·1ᵀR⁻¹x / √(xᵀR⁻¹x)),
 * </pre>
 *
 * the product of {@link #logNullLikelihood the likelihood at δ = 0} and {@link ScaleInvariantBayesFactor the Bayes
 * factor} of δ against 0 under that ρ. The null likelihood is computed relative to its value at ρ = 0 (it is then free
 * of the scale of the looks).
 */
final class AutocorrelatedLooks {

    private final int n;
    private final double sum;
    private final double sumOfSquares;
    private final double ends;
    private final double interiorSquaresShare;
    private final double lagShare;

    /** The looks summed in the evidence; at least one look, not all exactly 0. */
    AutocorrelatedLooks(LogRatioEvidence evidence) {
        this.n = evidence.looks();
        this.sum = evidence.sum();
        this.sumOfSquares = evidence.sumOfSquares();
        this.ends = evidence.first() + evidence.last();
        double endSquares = evidence.first() * evidence.first() + evidence.last() * evidence.last();
        this.interiorSquaresShare = (sumOfSquares - endSquares) / sumOfSquares;
        this.lagShare = evidence.sumOfLagProducts() / sumOfSquares;
    }

    int looks() {
        return n;
    }

    /** 1ᵀR_ρ⁻¹1: what n is to independent looks. */
    double ones(double rho) {
        double c = 1 - rho;
        return (2 * c + (n - 2) * c * c) / ((1 - rho) * (1 + rho));
    }

    /** 1ᵀR_ρ⁻¹x: what Σx is to independent looks. */
    double onesX(double rho) {
        double c = 1 - rho;
        return (c * ends + c * c * (sum - ends)) / ((1 - rho) * (1 + rho));
    }

    /** xᵀR_ρ⁻¹x: what Σx² is to independent looks. */
    double xx(double rho) {
        return sumOfSquares * shapeForm(rho) / ((1 - rho) * (1 + rho));
    }

    /** (1 − ρ²)·xᵀR_ρ⁻¹x / Σx² = Σ_k (x_k − ρ·x_(k−1))² / Σx² + (1 − ρ²)·x_1² / Σx², positive and scale-free. */
    private double shapeForm(double rho) {
        return 1 + rho * rho * interiorSquaresShare - 2 * rho * lagShare;
    }

    /**
     * log L(0, ρ) − log L(0, 0): how much better (positive) or worse the shape of the looks is explained by AR(1) noise
     * with correlation ρ and no regression than by independent noise and no regression.
     */
    double logNullLikelihood(double rho) {
        return 0.5 * Math.log((1 - rho) * (1 + rho)) - 0.5 * n * Math.log(shapeForm(rho));
    }

    /**
     * The largest {@link #logNullLikelihood} over ρ in [0, maxRho]: at an end or where its derivative vanishes, that is
     * at a root of the cubic (n − 1)·i·ρ³ + (2 − n)·l·ρ² − (1 + n·i)·ρ + n·l, with i and l the interior squares and the
     * lag products as shares of Σx². The cubic is monotone between the roots of its derivative, so each such piece holds
     * at most one root, found by bisection.
     */
    double maxLogNullLikelihood(double maxRho) {
        double best = Math.max(logNullLikelihood(0), logNullLikelihood(maxRho));
        if (n < 2 || maxRho == 0) {
            return best;
        }
        double c3 = (n - 1) * interiorSquaresShare;
        double c2 = (2 - n) * lagShare;
        double c1 = -(1 + n * interiorSquaresShare);
        double c0 = n * lagShare;
        for (double root : rootsIn(c3, c2, c1, c0, maxRho)) {
            best = Math.max(best, logNullLikelihood(root));
        }
        return best;
    }

    /**
     * Whether 1ᵀR_ρ⁻¹x is positive for every ρ in [0, maxRho]: whether the looks lean towards a regression under every
     * correlation the test allows. Up to a positive factor it is (x_1 + x_n) + (1 − ρ)(Σx − x_1 − x_n), linear in ρ, so
     * both ends of the range decide.
     */
    boolean leansWorse(double maxRho) {
        return sum > 0 && ends + (1 - maxRho) * (sum - ends) > 0;
    }

    /** The roots in (0, end) of c3·ρ³ + c2·ρ² + c1·ρ + c0 where it changes sign. */
    private static List<Double> rootsIn(double c3, double c2, double c1, double c0, double end) {
        List<Double> breaks = new ArrayList<>(List.of(0.0));
        // where the derivative 3·c3·ρ² + 2·c2·ρ + c1 vanishes
        double a = 3 * c3;
        double b = 2 * c2;
        if (a != 0) {
            double discriminant = b * b - 4 * a * c1;
            if (discriminant >= 0) {
                double q = -(b + Math.copySign(Math.sqrt(discriminant), b)) / 2; // without cancellation
                addInside(breaks, q / a, end);
                if (q != 0) {
                    addInside(breaks, c1 / q, end);
                }
            }
        } else if (b != 0) {
            addInside(breaks, -c1 / b, end);
        }
        breaks.add(end);
        breaks.sort(null);
        List<Double> roots = new ArrayList<>();
        for (int i = 1; i < breaks.size(); i++) {
            double lo = breaks.get(i - 1);
            double hi = breaks.get(i);
            double atLo = cubic(c3, c2, c1, c0, lo);
            if ((atLo > 0) != (cubic(c3, c2, c1, c0, hi) > 0)) {
                for (int step = 0; step < 60; step++) {
                    double middle = (lo + hi) / 2;
                    double atMiddle = cubic(c3, c2, c1, c0, middle);
                    if ((atMiddle > 0) == (atLo > 0)) {
                        lo = middle;
                        atLo = atMiddle;
                    } else {
                        hi = middle;
                    }
                }
                roots.add((lo + hi) / 2);
            }
        }
        return roots;
    }

    private static void addInside(List<Double> breaks, double x, double end) {
        if (x > 0 && x < end) {
            breaks.add(x);
        }
    }

    private static double cubic(double c3, double c2, double c1, double c0, double x) {
        return ((c3 * x + c2) * x + c1) * x + c0;
    }
}
