package io.mlrollout.core.analysis;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.mlrollout.core.analysis.stats.LogRatioEvidence;
import io.mlrollout.core.analysis.stats.ProportionEvidence;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the judge keeps about one metric between looks. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MetricEvidence.Ratio.class, name = "ratio"),
    @JsonSubTypes.Type(value = MetricEvidence.Samples.class, name = "samples"),
    @JsonSubTypes.Type(value = MetricEvidence.Distribution.class, name = "distribution"),
    @JsonSubTypes.Type(value = MetricEvidence.LatencyCounts.class, name = "latency-counts"),
    @JsonSubTypes.Type(value = MetricEvidence.Sliced.class, name = "sliced"),
})
public sealed interface MetricEvidence {

    /** Looks in a row without data; reaching the policy's limit makes the stage inconclusive at once. */
    int consecutiveNoData();

    /** Bad and total events of both versions. */
    record Counts(double candidateBad, double candidateTotal, double baselineBad, double baselineTotal) {
        static final Counts ZERO = new Counts(0, 0, 0, 0);

        Counts plus(double cBad, double cTotal, double bBad, double bTotal) {
            return new Counts(candidateBad + cBad, candidateTotal + cTotal, baselineBad + bBad, baselineTotal + bTotal);
        }
    }

    /**
     * A ratio metric.
     *
     * @param relative the regression test's evidence over the whole canary (null without maxIncrease)
     * @param absolute the absolute-bound test's evidence over the whole canary (null without max)
     * @param ruleOut the evidence that the candidate is below the rule-out level, over the whole canary and the watch
     *     (null without maxIncrease, or in states saved before it existed)
     * @param stage this stage's counts (for minRequests and the sentences)
     * @param canary counts over the whole canary phase
     * @param watchRelative the regression test against the held-back baseline during the watch, or null
     * @param watchAbsolute the absolute-bound test during the watch, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true) // states saved with the frozen watch bound, which is gone
    record Ratio(
            RateRatioEvidence relative,
            ProportionEvidence absolute,
            RateRatioEvidence ruleOut,
            Counts stage,
            Counts canary,
            RateRatioEvidence watchRelative,
            ProportionEvidence watchAbsolute,
            int consecutiveNoData)
            implements MetricEvidence {

        Ratio withNoData(int count) {
            return new Ratio(relative, absolute, ruleOut, stage, canary, watchRelative, watchAbsolute, count);
        }
    }

    /**
     * A quantile or value metric: one value per look and version.
     *
     * @param candidate the candidate's values over the canary phase
     * @param baseline the baseline's values over the canary phase (the reference after promotion)
     * @param stageStart the index in {@code candidate} where the current stage's values begin
     * @param watch the promoted candidate's values
     * @param relative the sequential relative tests' evidence over the whole canary, one per margin (maxIncrease,
     *     then maxDecrease)
     * @param watchRelative the same tests against the held-back baseline during the watch (empty before it, or
     *     without a holdback)
     * @param ruleOut the rule-outs a pass needs, one per margin, over the canary and the watch against a held-back
     *     baseline (empty in states saved before them: rebuilt from the canary's pairs)
     */
    record Samples(
            double[] candidate,
            double[] baseline,
            int stageStart,
            double[] watch,
            List<LogRatioEvidence> relative,
            int consecutiveNoData,
            List<LogRatioEvidence> watchRelative,
            List<LogRatioEvidence> ruleOut)
            implements MetricEvidence {

        public Samples {
            relative = relative == null ? List.of() : List.copyOf(relative); // none in states saved before the test
            watchRelative = watchRelative == null ? List.of() : List.copyOf(watchRelative);
            ruleOut = ruleOut == null ? List.of() : List.copyOf(ruleOut);
        }

        Samples withNoData(int count) {
            return new Samples(candidate, baseline, stageStart, watch, relative, count, watchRelative, ruleOut);
        }

        double[] stageCandidate() {
            return Arrays.copyOfRange(candidate, stageStart, candidate.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Samples s
                    && Arrays.equals(candidate, s.candidate)
                    && Arrays.equals(baseline, s.baseline)
                    && stageStart == s.stageStart
                    && Arrays.equals(watch, s.watch)
                    && relative.equals(s.relative)
                    && consecutiveNoData == s.consecutiveNoData
                    && watchRelative.equals(s.watchRelative)
                    && ruleOut.equals(s.ruleOut);
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(candidate) * 31 + Arrays.hashCode(baseline)) * 31 + relative.hashCode();
        }

        @Override
        public String toString() {
            return "Samples[candidate=" + Arrays.toString(candidate) + ", baseline=" + Arrays.toString(baseline)
                    + ", stageStart=" + stageStart + ", watch=" + Arrays.toString(watch) + ", relative=" + relative
                    + ", watchRelative=" + watchRelative + ", ruleOut=" + ruleOut + "]";
        }
    }

    /**
     * A distribution metric: bucket counts (not cumulative) per version.
     *
     * @param bounds the buckets' upper bounds, empty before the first reading
     * @param stageCandidate the candidate's counts in this stage
     * @param stageBaseline the baseline's counts in this stage
     * @param baseline the baseline's counts over the canary phase (the reference after promotion)
     * @param watch the promoted candidate's counts
     * @param watchBaseline the held-back baseline's counts since promotion (null in states saved before it existed)
     * @param looks the looks the drift test has judged (over the canary, then afresh over the watch): its place in
     *     the spending of the budget
     */
    record Distribution(
            double[] bounds,
            double[] stageCandidate,
            double[] stageBaseline,
            double[] baseline,
            double[] watch,
            double[] watchBaseline,
            int looks,
            int consecutiveNoData)
            implements MetricEvidence {

        Distribution withNoData(int count) {
            return new Distribution(
                    bounds, stageCandidate, stageBaseline, baseline, watch, watchBaseline, looks, count);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Distribution d
                    && Arrays.equals(bounds, d.bounds)
                    && Arrays.equals(stageCandidate, d.stageCandidate)
                    && Arrays.equals(stageBaseline, d.stageBaseline)
                    && Arrays.equals(baseline, d.baseline)
                    && Arrays.equals(watch, d.watch)
                    && Arrays.equals(watchBaseline, d.watchBaseline)
                    && looks == d.looks
                    && consecutiveNoData == d.consecutiveNoData;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(stageCandidate) * 31 + Arrays.hashCode(stageBaseline);
        }

        @Override
        public String toString() {
            return "Distribution[bounds=" + Arrays.toString(bounds) + ", stageCandidate="
                    + Arrays.toString(stageCandidate) + ", stageBaseline=" + Arrays.toString(stageBaseline) + "]";
        }
    }

    /**
     * A latency quantile judged on the histogram's counts: the share of requests slower than a bucket bound chosen from
     * the baseline's first looks (see {@code TailThreshold}).
     *
     * @param bounds the buckets' upper bounds, empty before the first reading
     * @param learning the baseline's pooled bucket counts while the threshold is not chosen yet
     * @param threshold the bound the slow requests are counted above, 0 while not chosen
     * @param lowerBound the bound below it, which the shape of the bucket between was fitted from; 0 while not chosen
     * @param theta0 the share ratio the margin allows at the baseline's level when the threshold was chosen; 0 while
     *     not chosen
     * @param sigma the log-normal scale fitted to the tail at the threshold, from which the margin's ratio follows the
     *     baseline's level during the rollout; 0 while not chosen, and in states saved before it was kept (θ0 then stays)
     * @param relative the margin test's evidence over the canary (null while not chosen)
     * @param ruleOut the rule-out's evidence over the canary and the watch (null while not chosen)
     * @param watchRelative the margin test against the held-back baseline during the watch, or null
     * @param stage slow and all requests of this stage (or of the watch)
     * @param stageCandidate the candidate's per-look quantiles in this stage (or the watch), for the sentences and max
     * @param stageBaseline the baseline's per-look quantiles alongside
     */
    record LatencyCounts(
            double[] bounds,
            double[] learning,
            double threshold,
            double lowerBound,
            double theta0,
            double sigma,
            RateRatioEvidence relative,
            RateRatioEvidence ruleOut,
            RateRatioEvidence watchRelative,
            Counts stage,
            double[] stageCandidate,
            double[] stageBaseline,
            int consecutiveNoData)
            implements MetricEvidence {

        /** Before the threshold is chosen: the baseline's pooled buckets so far, nothing else learned. */
        static LatencyCounts learning(
                double[] bounds, double[] learning, Counts stage, double[] stageCandidate, double[] stageBaseline) {
            return new LatencyCounts(
                    bounds, learning, 0, 0, 0, 0, null, null, null, stage, stageCandidate, stageBaseline, 0);
        }

        boolean chosen() {
            return threshold > 0;
        }

        /**
         * A new stage or the watch: the threshold and the rollout-wide evidence carry on, the stage's counts and values
         * restart.
         */
        LatencyCounts restarted(RateRatioEvidence nextWatchRelative, int noDataInARow) {
            return new LatencyCounts(
                    bounds,
                    learning,
                    threshold,
                    lowerBound,
                    theta0,
                    sigma,
                    relative,
                    ruleOut,
                    nextWatchRelative,
                    Counts.ZERO,
                    new double[0],
                    new double[0],
                    noDataInARow);
        }

        LatencyCounts withNoData(int count) {
            return new LatencyCounts(
                    bounds,
                    learning,
                    threshold,
                    lowerBound,
                    theta0,
                    sigma,
                    relative,
                    ruleOut,
                    watchRelative,
                    stage,
                    stageCandidate,
                    stageBaseline,
                    count);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LatencyCounts l
                    && Arrays.equals(bounds, l.bounds)
                    && Arrays.equals(learning, l.learning)
                    && threshold == l.threshold
                    && lowerBound == l.lowerBound
                    && theta0 == l.theta0
                    && sigma == l.sigma
                    && java.util.Objects.equals(relative, l.relative)
                    && java.util.Objects.equals(ruleOut, l.ruleOut)
                    && java.util.Objects.equals(watchRelative, l.watchRelative)
                    && java.util.Objects.equals(stage, l.stage)
                    && Arrays.equals(stageCandidate, l.stageCandidate)
                    && Arrays.equals(stageBaseline, l.stageBaseline)
                    && consecutiveNoData == l.consecutiveNoData;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(learning) * 31 + Arrays.hashCode(stageCandidate) + Double.hashCode(threshold);
        }

        @Override
        public String toString() {
            return "LatencyCounts[threshold=" + threshold + ", theta0=" + theta0 + ", stage=" + stage
                    + ", stageCandidate=" + Arrays.toString(stageCandidate) + "]";
        }
    }

    /**
     * A sliced metric: the evidence over all traffic, and the same evidence per slice.
     *
     * @param aggregate the metric's evidence over all traffic ({@link Ratio}, or {@link LatencyCounts} for a latency
     *     quantile, each slice with its own threshold)
     * @param slices each judged slice's evidence by the label's value, at most {@code slices.max} of them: the first
     *     seen, the largest first among those seen at the same look
     * @param overMax slices seen beyond {@code slices.max}: counted in the aggregate, not judged on their own
     */
    record Sliced(MetricEvidence aggregate, Map<String, MetricEvidence> slices, Set<String> overMax)
            implements MetricEvidence {

        public Sliced {
            slices = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(slices));
            overMax = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(overMax));
        }

        @Override
        public int consecutiveNoData() {
            return aggregate.consecutiveNoData();
        }
    }
}
