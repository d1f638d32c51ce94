package io.mlrollout.core.analysis.stats;

/**
 * Confidence bounds on the drift between two binned distributions (e.g. prediction-score histograms): a lower and an
 * upper bound on the population stability index and on the Kolmogorov-Smirnov distance, holding together with
 * probability at least {@code 1 − level}.
 *
 * <p><b>How.</b> Every bucket's share (for PSI) and every cumulative share at a bucket bound (for KS) of each version is
 * a mean of per-event indicators. Each gets a Chernoff interval: the shares {@code p} with {@code n·KL(p̂ ‖ p) ≤ ln(1/δ)}
 * on each side, where KL is the Bernoulli relative entropy. The chance that the true share lies beyond one side is at
 * most δ for independent events even when their means differ from event to event (Hoeffding 1963, Theorem 1), and
 * for a sample drawn without replacement from a fixed set of requests (Hoeffding 1963, Section 6). δ is the level
 * divided by the number of sides bounded (two versions, every bucket or bound, two sides), so all intervals hold at
 * once with probability at least {@code 1 − level} (union bound). Within them:
 *
 * <ul>
 *   <li>KS: the largest gap between the two versions' intervals at a bound (lower), the largest distance between their
 *       far ends (upper);
 *   <li>PSI: each bucket's term {@code (c − b)·ln(c / b)} is jointly convex and grows with the gap, so its least value
 *       over the two intervals is at their nearest ends (0 if they overlap) and its largest at one of the far pairs of
 *       ends. The sums bound the index; dropping the constraint that shares sum to one only widens them.
 * </ul>
 *
 * <p>The index is infinite when one version has a share in a bucket and the other none, so no count of events can
 * show it finite: a bucket where a version has no event could hold a small share. The upper bound is therefore on
 * the index of the two distributions each mixed with 1% of the uniform one over the buckets (a floor of 0.1% of the
 * events per bucket for ten buckets); mixing both with the same distribution can only lower the index (it is jointly
 * convex), so the lower bound, taken on the shares as they are, bounds both. Buckets where neither version has an
 * event are left out, as in the estimate ({@link Drift}): a bucket nobody has seen says nothing about drift.
 */
public final class DriftBounds {

    /** Lower and upper confidence bounds on one drift measure. */
    public record Interval(double lower, double upper) {}

    /**
     * The share of a uniform distribution mixed into both versions before the upper bound on PSI is taken, so that a
     * bucket whose share cannot be told from zero does not make it infinite (see the class comment).
     */
    static final double UNIFORM_SHARE = 0.01;

    private static final int BISECTION_STEPS = 60;

    private DriftBounds() {}

    /** Bounds on the population stability index of the candidate against the baseline, over the same buckets. */
    public static Interval psi(double[] candidateCounts, double[] baselineCounts, double level) {
        requireInputs(candidateCounts, baselineCounts, level);
        int buckets = candidateCounts.length;
        double perSide = level / (4.0 * buckets);
        double candidateTotal = sum(candidateCounts);
        double baselineTotal = sum(baselineCounts);
        double lower = 0;
        double upper = 0;
        for (int i = 0; i < buckets; i++) {
            if (candidateCounts[i] == 0 && baselineCounts[i] == 0) {
                continue;
            }
            double[] c = share(candidateCounts[i], candidateTotal, perSide);
            double[] b = share(baselineCounts[i], baselineTotal, perSide);
            if (c[0] > b[1]) {
                lower += term(c[0], b[1]);
            } else if (b[0] > c[1]) {
                lower += term(c[1], b[0]);
            }
            double cLow = floored(c[0], buckets);
            double cHigh = floored(c[1], buckets);
            double bLow = floored(b[0], buckets);
            double bHigh = floored(b[1], buckets);
            upper += Math.max(term(cHigh, bLow), term(cLow, bHigh));
        }
        return new Interval(lower, upper);
    }

    /** Bounds on the Kolmogorov-Smirnov distance at the bucket bounds, over the same buckets. */
    public static Interval ks(double[] candidateCounts, double[] baselineCounts, double level) {
        requireInputs(candidateCounts, baselineCounts, level);
        int bounds = Math.max(1, candidateCounts.length - 1); // the last cumulative share is 1 in both
        double perSide = level / (4.0 * bounds);
        double candidateTotal = sum(candidateCounts);
        double baselineTotal = sum(baselineCounts);
        double candidateBelow = 0;
        double baselineBelow = 0;
        double lower = 0;
        double upper = 0;
        for (int j = 0; j < candidateCounts.length - 1; j++) {
            candidateBelow += candidateCounts[j];
            baselineBelow += baselineCounts[j];
            double[] c = share(candidateBelow, candidateTotal, perSide);
            double[] b = share(baselineBelow, baselineTotal, perSide);
            lower = Math.max(lower, Math.max(c[0] - b[1], b[0] - c[1]));
            upper = Math.max(upper, Math.max(c[1] - b[0], b[1] - c[0]));
        }
        return new Interval(lower, upper);
    }

    /**
     * The Chernoff interval {lower, upper} for a share observed as {@code events} of {@code total}: each side holds
     * with probability at least {@code 1 − perSide}.
     */
    static double[] share(double events, double total, double perSide) {
        double observed = Math.min(1, events / total);
        double allowed = Math.log(1 / perSide) / total;
        double lower = observed == 0 ? 0 : solve(observed, allowed, 0, observed);
        double upper = observed == 1 ? 1 : solve(observed, allowed, observed, 1);
        return new double[] {lower, upper};
    }

    /** The p in [from, to] where KL(observed ‖ p) reaches {@code allowed}, on the side of {@code observed} away from it. */
    private static double solve(double observed, double allowed, double from, double to) {
        boolean below = to == observed; // searching under the observed share: KL falls as p rises to it
        double low = from;
        double high = to;
        for (int step = 0; step < BISECTION_STEPS; step++) {
            double mid = (low + high) / 2;
            boolean beyond = bernoulliKl(observed, mid) > allowed;
            if (below == beyond) {
                low = mid;
            } else {
                high = mid;
            }
        }
        // The far end of the last bracket, so the interval never comes out narrower than the bound allows.
        return below ? low : high;
    }

    /** A share of the distribution mixed with {@link #UNIFORM_SHARE} of the uniform one over the buckets. */
    private static double floored(double share, int buckets) {
        return (1 - UNIFORM_SHARE) * share + UNIFORM_SHARE / buckets;
    }

    /** KL(a ‖ p) between Bernoulli distributions; infinite when p is 0 or 1 and a is not. */
    static double bernoulliKl(double a, double p) {
        return part(a, p) + part(1 - a, 1 - p);
    }

    private static double part(double a, double p) {
        if (a == 0) {
            return 0;
        }
        return p <= 0 ? Double.POSITIVE_INFINITY : a * Math.log(a / p);
    }

    /** A bucket's PSI term; infinite when one share is zero and the other is not. */
    private static double term(double c, double b) {
        if (c == b) {
            return 0;
        }
        if (c <= 0 || b <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return (c - b) * Math.log(c / b);
    }

    private static double sum(double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        return total;
    }

    private static void requireInputs(double[] candidateCounts, double[] baselineCounts, double level) {
        Checks.level("level", level);
        // Drift checks the histograms the same way and says what is wrong with them.
        Drift.kolmogorovSmirnovDistance(candidateCounts, baselineCounts);
    }
}
