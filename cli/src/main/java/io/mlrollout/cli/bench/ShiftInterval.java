package io.mlrollout.cli.bench;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The confidence interval for the location shift between two samples that goes with the Wilcoxon rank-sum
 * (Mann-Whitney) test, by inverting the test's normal approximation as Kayenta's judge does: the bound is the shift d at
 * which the standardized rank sum of (x − d) against y, with tie and continuity corrections, equals the normal quantile.
 * The standardized statistic only falls as d grows, so the bound is found by bisection between the smallest and the
 * largest pairwise difference.
 */
final class ShiftInterval {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private ShiftInterval() {}

    /**
     * The lower end of the two-sided confidence interval for the shift of x relative to y (x minus y). When the samples
     * are too small for any shift to reach the quantile, the interval is the whole range of pairwise differences and
     * its lower end is the smallest difference, as in R's {@code wilcox.test} and Kayenta.
     *
     * @param confidence the two-sided level, e.g. 0.98
     * @return the bound; NaN when every value is tied (the statistic has no spread)
     */
    static double lower(double[] x, double[] y, double confidence) {
        double z = STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
        return root(x, y, z, true);
    }

    /**
     * Whether {@link #lower} is at most 0, told with one evaluation of the statistic instead of a search: the statistic
     * only falls as the shift grows, so when it is already below the quantile at shift 0 and the smallest pairwise
     * difference is not positive, the bound lies between that difference and 0. {@code false} means "search".
     *
     * @param xSorted x, sorted ascending
     * @param ySorted y, sorted ascending
     */
    static boolean lowerAtMostZero(double[] xSorted, double[] ySorted, double confidence) {
        if (xSorted.length == 0 || ySorted.length == 0 || xSorted[0] - ySorted[ySorted.length - 1] > 0) {
            return false;
        }
        double z = STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
        return standardized(xSorted, ySorted, 0) < z;
    }

    /**
     * The estimate of the shift that goes with the interval: where the standardized statistic is 0.
     *
     * @return the estimate; NaN when the smallest and the largest pairwise difference are equal (one value each), where
     *     Kayenta's root finder has no interval to search and the metric is an error
     */
    static double estimate(double[] x, double[] y) {
        return root(x, y, 0, false);
    }

    /**
     * The shift d at which the standardized statistic crosses {@code z}, searched between the smallest and the largest
     * pairwise difference.
     *
     * @param clamp whether a statistic that does not cross z in that range gives the range's end (the interval) rather
     *     than NaN (the estimate)
     */
    private static double root(double[] x, double[] y, double z, boolean clamp) {
        if (x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("both samples need at least one value");
        }
        double[] xs = x.clone();
        double[] ys = y.clone();
        Arrays.sort(xs);
        Arrays.sort(ys);
        double low = xs[0] - ys[ys.length - 1];
        double high = xs[xs.length - 1] - ys[0];
        if (!clamp && !(low < high)) {
            return Double.NaN;
        }
        double atLow = standardized(xs, ys, low);
        double atHigh = standardized(xs, ys, high);
        if (Double.isNaN(atLow) || Double.isNaN(atHigh)) {
            return Double.NaN;
        }
        if (atLow <= z) {
            return clamp ? low : Double.NaN;
        }
        if (atHigh >= z) {
            return clamp ? high : Double.NaN;
        }
        double tolerance = (high - low) * 1e-9;
        while (high - low > tolerance) {
            double middle = (low + high) / 2;
            double at = standardized(xs, ys, middle);
            if (at == z) {
                return middle;
            }
            if (at > z) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return (low + high) / 2;
    }

    /**
     * The rank-sum statistic of (x − shift) against y, standardized with the continuity correction toward zero and the
     * variance corrected for ties: (W − n·m/2 − sign·½) / σ, where W is the rank sum of x minus n(n + 1)/2. Both arrays
     * must be sorted ascending.
     *
     * @return the standardized statistic; NaN when all n + m values are tied
     */
    static double standardized(double[] xSorted, double[] ySorted, double shift) {
        int n = xSorted.length;
        int m = ySorted.length;
        double rankSum = 0;
        double ties = 0;
        int i = 0;
        int j = 0;
        int placed = 0;
        while (i < n || j < m) {
            double value = i < n && (j >= m || xSorted[i] - shift <= ySorted[j]) ? xSorted[i] - shift : ySorted[j];
            int fromX = 0;
            while (i < n && xSorted[i] - shift == value) {
                fromX++;
                i++;
            }
            int fromY = 0;
            while (j < m && ySorted[j] == value) {
                fromY++;
                j++;
            }
            int group = fromX + fromY;
            double averageRank = placed + (group + 1) / 2.0;
            rankSum += fromX * averageRank;
            ties += (double) group * group * group - group;
            placed += group;
        }
        double total = n + m;
        double variance = (double) n * m / 12 * ((total + 1) - ties / (total * (total - 1)));
        if (!(variance > 0)) {
            return Double.NaN;
        }
        double centred = rankSum - n * (n + 1) / 2.0 - (double) n * m / 2;
        return (centred - Math.signum(centred) * 0.5) / Math.sqrt(variance);
    }
}
