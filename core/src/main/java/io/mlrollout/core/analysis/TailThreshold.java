package io.mlrollout.core.analysis;

import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Where a latency quantile is judged on counts, and what its margin means there, chosen once from the baseline's pooled
 * buckets of the hour before the rollout or, without it, of the first looks (so the test that uses it never takes
 * evidence from the data that chose it).
 *
 * <p><b>The threshold</b> t is a bucket bound next to the baseline's quantile, a count the histogram really holds (no
 * interpolation in the test): the largest bound at or below the quantile, or the bound above it where that one's share
 * of slower requests is nearer to 1 − quantile (on a log scale) and at least half of it. Coarse buckets otherwise put
 * t far from a quantile that sits just below a bound: a p95 of 95 ms between Istio's bounds 50 and 100 ms would be
 * judged above 50 ms, on a third of the requests, where a slowdown moves the share far less and, at high traffic, the
 * allowance for a minute's wander hides it. A bound above that holds less than half of 1 − quantile is not taken: at
 * low traffic it counts too few requests.
 *
 * <p><b>The margin.</b> A candidate whose every request is f = 1 + maxIncrease times slower has, above t, the share the
 * baseline has above t / f, a latency inside the bucket below t, (l, t]. The histogram does not say how the bucket's
 * requests spread inside it, so the share above t / f is interpolated with a log-normal through the baseline's shares
 * above l and above t (its two parameters fixed by those two points): exact when latency is log-normal there, an
 * overestimate (so θ0 too large: the candidate's side) when the tail is heavier, down to a power law, and an
 * underestimate when it is lighter (a latency capped by a timeout just above t); see docs/statistics.md for how far. The
 * two shares are taken about one standard deviation apart in the direction that makes θ0 larger, so that few looks of
 * learning do not make it too small. θ0 = share above t / f over share above t.
 *
 * <p><b>When the baseline's level moves.</b> A load change scales every latency, so the threshold sits deeper in the tail
 * after the load eases and shallower after it grows, and the same slowdown changes the share above it by more or by
 * less: θ0 from the hour is right only at the hour's level. {@link #marginRatio} gives the margin's ratio at the share
 * the baseline shows now, with the same fitted σ; where the hour's load stepped, σ is fitted on either side of the step
 * ({@link #fittedAcross}), since the two levels pooled would look like one wider log-normal.
 *
 * @param threshold the bucket bound t the counts are taken above
 * @param lowerBound the bound l below it
 * @param theta0 the share ratio the margin allows
 * @param sigma the scale of the log-normal fitted through the two shares
 */
record TailThreshold(double threshold, double lowerBound, double theta0, double sigma) {

    /** Baseline requests above the threshold needed before it is chosen. */
    static final double MIN_SLOW_REQUESTS = 20;

    /** Baseline requests at or below the lower bound, and inside (l, t], needed to fit the bucket's shape. */
    static final double MIN_SPREAD_REQUESTS = 20;

    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    /**
     * The outcome of a choice: a threshold, or why none can be chosen yet (or ever, for this layout).
     *
     * @param threshold null when {@code notYet} says why
     */
    record Choice(TailThreshold threshold, String notYet) {
        static Choice notYet(String reason) {
            return new Choice(null, reason);
        }
    }

    /** The threshold for the baseline's pooled {@code counts}, or the reason none can be chosen yet. */
    static Choice choose(double quantile, double maxIncrease, double[] bounds, double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        if (!(total > 0)) {
            return Choice.notYet("no baseline requests yet to place the threshold");
        }
        double wanted = (1 - quantile) * total; // requests slower than the quantile
        int last = bounds.length - 1; // +Inf
        int at = -1;
        double above = total;
        double slow = 0;
        for (int i = 0; i < last; i++) {
            above -= counts[i];
            if (above >= wanted - 1e-9) {
                at = i;
                slow = above;
            } else {
                break;
            }
        }
        if (at >= 0 && at + 1 < last) {
            double aboveNext = slow - counts[at + 1];
            boolean enough = aboveNext >= MIN_SLOW_REQUESTS && aboveNext >= wanted / 2;
            if (enough && Math.log(wanted / aboveNext) < Math.log(slow / wanted)) {
                at++;
                slow = aboveNext;
            }
        }
        if (at < 1) {
            return Choice.notYet("the baseline's quantile lies in the histogram's first buckets (below "
                    + Format.number(bounds[Math.max(at, 0)]) + "), where the buckets cannot resolve it");
        }
        if (!(bounds[at - 1] > 0)) {
            return Choice.notYet("the bucket below the threshold " + Format.number(bounds[at])
                    + " starts at a latency that is not positive");
        }
        double atOrBelowLower = 0;
        for (int i = 0; i < at; i++) {
            atOrBelowLower += counts[i];
        }
        double inBucket = counts[at];
        if (slow < MIN_SLOW_REQUESTS || atOrBelowLower < MIN_SPREAD_REQUESTS || inBucket < MIN_SPREAD_REQUESTS) {
            return Choice.notYet("learning the baseline's latency shape: " + Format.number(slow) + " of "
                    + (int) MIN_SLOW_REQUESTS + " requests above " + Format.number(bounds[at]) + ", "
                    + Format.number(inBucket) + " and " + Format.number(atOrBelowLower) + " of "
                    + (int) MIN_SPREAD_REQUESTS + " in the bucket below it and under " + Format.number(bounds[at - 1])
                    + " needed");
        }
        Shares allowed = new Shares(slow, slow + inBucket, total).allowed();
        double sigma = Math.log(bounds[at] / bounds[at - 1]) / (allowed.zSlow() - allowed.zAboveLower());
        double theta0 = marginRatio(sigma, allowed.slow() / total, maxIncrease);
        return new Choice(new TailThreshold(bounds[at], bounds[at - 1], theta0, sigma), null);
    }

    /**
     * {@code placed} with its σ fitted across {@code blocks} of the baseline's counts, each at a level of latency of its
     * own (the hour before and after a load step), and θ0 placed at the last block's share; null where a block has no
     * request above t or none at or below l, so its log-normal cannot be fitted. Each block's z distance between its
     * shares above l and above t is one estimate of ln(t / l) / σ; they are averaged by requests, then moved by the
     * allowance {@link #choose} gives the blocks' requests pooled. Pooled before the fit, two levels would widen σ.
     */
    static TailThreshold fittedAcross(
            TailThreshold placed, double maxIncrease, double[] bounds, List<double[]> blocks) {
        int at = indexOf(bounds, placed.threshold());
        double distances = 0;
        double[] pooled = new double[bounds.length];
        for (double[] block : blocks) {
            Shares shares = Shares.of(block, at);
            if (!(shares.slow() > 0 && shares.aboveLower() < shares.total())) {
                return null;
            }
            distances += shares.total() * (shares.zSlow() - shares.zAboveLower());
            for (int i = 0; i < pooled.length; i++) {
                pooled[i] += block[i];
            }
        }
        Shares all = Shares.of(pooled, at);
        double allowance = (all.allowed().zSlow() - all.allowed().zAboveLower()) - (all.zSlow() - all.zAboveLower());
        double sigma = Math.log(bounds[at] / bounds[at - 1]) / (distances / all.total() + allowance);
        Shares last = Shares.of(blocks.get(blocks.size() - 1), at).allowed();
        return new TailThreshold(
                placed.threshold(),
                placed.lowerBound(),
                marginRatio(sigma, last.slow() / last.total(), maxIncrease),
                sigma);
    }

    /** A baseline's requests above t, above l and in all, as {@link #choose} fits them. */
    private record Shares(double slow, double aboveLower, double total) {

        /** Of {@code counts}, with t the bound at index {@code at}. */
        static Shares of(double[] counts, int at) {
            double total = 0;
            double aboveLower = 0;
            for (int i = 0; i < counts.length; i++) {
                total += counts[i];
                if (i >= at) {
                    aboveLower += counts[i];
                }
            }
            return new Shares(aboveLower - counts[at], aboveLower, total);
        }

        /** About one standard deviation fewer above t and more above l: a steeper tail, so a larger θ0. */
        Shares allowed() {
            return new Shares(
                    slow * Math.exp(-1 / Math.sqrt(slow)),
                    Math.min(total - 0.5, aboveLower * Math.exp(1 / Math.sqrt(aboveLower))),
                    total);
        }

        double zSlow() {
            return NORMAL.inverseSurvivalProbability(slow / total);
        }

        double zAboveLower() {
            return NORMAL.inverseSurvivalProbability(aboveLower / total);
        }
    }

    private static int indexOf(double[] bounds, double bound) {
        for (int i = 0; i < bounds.length; i++) {
            if (bounds[i] == bound) {
                return i;
            }
        }
        throw new IllegalArgumentException("no bucket bound " + bound);
    }

    /**
     * The share above the lower bound l that the log-normal with scale {@code sigma} gives where the margin's ratio
     * above t is {@code theta0}: the share above t a load that grows reaches when it has moved l's latencies to t.
     */
    static double shareAboveTheLowerBound(
            double sigma, double theta0, double maxIncrease, double threshold, double lowerBound) {
        // the ratio grows deeper in the tail: find the z of the share above t that θ0 was placed at
        double shallower = -8;
        double deeper = 8;
        for (int i = 0; i < 60; i++) {
            double z = (shallower + deeper) / 2;
            if (marginRatio(sigma, NORMAL.survivalProbability(z), maxIncrease) < theta0) {
                shallower = z;
            } else {
                deeper = z;
            }
        }
        double atThreshold = (shallower + deeper) / 2;
        return NORMAL.survivalProbability(atThreshold - Math.log(threshold / lowerBound) / sigma);
    }

    /**
     * The share ratio above a threshold that a slowdown of {@code maxIncrease} gives where {@code slowShare} of the
     * requests are above it, their latency log-normal with scale {@code sigma} there.
     */
    static double marginRatio(double sigma, double slowShare, double maxIncrease) {
        double z = NORMAL.inverseSurvivalProbability(slowShare);
        return NORMAL.survivalProbability(z - Math.log(1 + maxIncrease) / sigma) / slowShare;
    }
}
