package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Counts;
import io.mlrollout.core.analysis.MetricEvidence.LatencyCounts;
import io.mlrollout.core.analysis.stats.HistoryStep;
import io.mlrollout.core.analysis.stats.MixturePrior;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.metrics.HistogramQuantile;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.MetricSpec;
import java.util.Arrays;
import java.util.List;

/**
 * Judges a latency quantile read as a histogram on the histogram's counts: the share of each version's requests slower
 * than a bucket bound near the baseline's quantile, canary against baseline with the dispersion-robust count test of
 * the ratio metrics ({@link RateRatioTest}), where every request counts instead of one noisy quantile per minute.
 *
 * <ul>
 *   <li><b>Threshold and margin</b> ({@link TailThreshold}): chosen once from the baseline's first looks, which then
 *       carry no evidence. The policy's {@code maxIncrease} on the quantile becomes the share ratio θ0 a candidate whose
 *       every request is that much slower would show, erring on the candidate's side.
 *   <li><b>Fail</b>: the test shows the candidate's slow share beyond θ0 times the baseline's; or, at the end of the
 *       bake, the median of the candidate's per-look quantiles over the stage is over {@code max}.
 *   <li><b>Pass</b> needs evidence, as for ratio metrics: the data rule out a slow share {@code 1 + analysis.ruleOut}
 *       times the baseline's (or θ0², when the margin is that wide; at most θ0⁴, about four margins of slowdown, where
 *       most requests are above the threshold), and at least {@link #MIN_LOOKS_FOR_PASS} looks and {@code
 *       minRequests} per version were judged in the stage.
 *   <li><b>The sentence</b> users read stays the per-look quantile of each version, interpolated as Prometheus'
 *       {@code histogram_quantile} does ("p99 312ms vs 248ms").
 * </ul>
 */
final class LatencyCountJudge implements MetricJudge {

    static final int MIN_LOOKS_FOR_PASS = 3;

    /** The pass rules out at most the slow share of this many margins of slowdown: θ0 to this power. */
    private static final int RULE_OUT_MARGINS = 4;

    private static final String UNIT = "ms";

    /** The baseline's recent slow requests taken where it showed none: a share the log-normal can place. */
    private static final double HALF_A_REQUEST = 0.5;

    /** The largest share above the threshold the margin is moved to: beyond it the threshold says little. */
    private static final double MOST_REQUESTS = 0.95;

    private final MetricSpec spec;
    private final double quantile;
    private final double maxIncrease;
    private final double alpha;
    private final double watchAlpha;
    private final AnalysisSettings analysis;
    private final int horizon;

    /**
     * @param alpha the margin test's share of the false-rollback budget during the canary
     * @param watchAlpha its share after promotion
     * @param horizon the looks the canary may last, for the margin test's mixture over when a regression starts
     */
    LatencyCountJudge(MetricSpec spec, double alpha, double watchAlpha, AnalysisSettings analysis, int horizon) {
        this.spec = spec;
        this.quantile = spec.queries()
                .quantile()
                .orElseThrow(() -> new IllegalArgumentException("metric " + spec.name() + ": quantile is required"));
        this.maxIncrease = spec.maxIncrease()
                .orElseThrow(() -> new IllegalArgumentException("metric " + spec.name() + ": maxIncrease is required"));
        this.alpha = alpha;
        this.watchAlpha = watchAlpha;
        this.analysis = analysis;
        this.horizon = horizon;
    }

    /** The margin test's share of the false-rollback budget during the canary. */
    double alpha() {
        return alpha;
    }

    /** Whether a quantile metric is judged on counts: it has a margin to test and its readings are histograms. */
    static boolean applies(MetricSpec spec, boolean readsHistogram) {
        return spec.kind() == MetricSpec.Kind.QUANTILE
                && readsHistogram
                && spec.maxIncrease().isPresent()
                && spec.queries().quantile().isPresent();
    }

    @Override
    public MetricSpec spec() {
        return spec;
    }

    private RateRatioTest marginTest(double theta0) {
        return new RateRatioTest(theta0, alpha, MixturePrior.calibrated(), analysis.maxDispersion(), horizon);
    }

    private RateRatioTest watchTest(double theta0) {
        return new RateRatioTest(theta0, watchAlpha, MixturePrior.calibrated(), analysis.maxDispersion());
    }

    private RateRatioTest ruleOutTest(double theta0) {
        return RateRatioTest.ruleOut(ruleOutRatio(theta0), analysis.missedRegressionRate(), analysis.maxDispersion());
    }

    /**
     * The slow-share ratio a pass must rule out: the ratio metrics' level, or θ0² when the margin is that wide; but no
     * more than θ0⁴, the share a slowdown of about four margins shows. At the thresholds buckets usually give (a few
     * percent of requests above) a doubled share is a slowdown of about that much (+23% at the benchmark's 100 ms for a
     * 5% margin); where most requests are above the threshold (a quantile far above the bound below it) doubling their
     * share would take a far larger slowdown, or is impossible above half, and a pass would rule out nothing.
     */
    private double ruleOutRatio(double theta0) {
        double lenient = Math.max(1 + analysis.ruleOut(), theta0 * theta0);
        return Math.min(lenient, Math.pow(theta0, RULE_OUT_MARGINS));
    }

    @Override
    public MetricEvidence begin() {
        return LatencyCounts.learning(new double[0], new double[0], Counts.ZERO, new double[0], new double[0]);
    }

    /**
     * The baseline's histograms from before the rollout place the threshold (and the margin, at the level after the
     * step where one step explains the hour), and the margin test learns from their slow counts how the baseline's slow
     * share wanders and drifts, as a ratio metric's does from its counts: where the hour is calm, the allowance for
     * wander starts from it and the rollout's first look already counts at its rate.
     * Intervals whose bucket bounds differ from the first's are left out; without a threshold the pooled counts carry
     * over to the first looks.
     */
    @Override
    public MetricEvidence learnBaseline(MetricEvidence evidence, BaselineHistory history) {
        List<Reading.Histogram> hour = alike(history.histogramsOf(spec.name()));
        if (hour.isEmpty()) {
            return evidence;
        }
        double[] bounds = hour.get(0).upperBounds();
        double[] pooled = pooled(hour);
        TailThreshold t =
                TailThreshold.choose(quantile, maxIncrease, bounds, pooled).threshold();
        LatencyCounts l = (LatencyCounts) evidence;
        if (t == null) {
            return LatencyCounts.learning(bounds, pooled, l.stage(), l.stageCandidate(), l.stageBaseline());
        }
        double[][] counts = slowAndTotal(hour, bounds, t);
        RateRatioTest.LearnedHistory whole = readWhole(marginTest(t.theta0()), counts);
        t = atTheLevelAfter(whole.step(), hour, bounds, t);
        RateRatioTest margin = marginTest(t.theta0());
        RateRatioEvidence kept = keptFromTheHour(margin, readWhole(margin, counts), counts);
        return chosen(bounds, t, kept, null, l.stage(), l.stageCandidate(), l.stageBaseline());
    }

    /**
     * {@code t} with its margin placed at the level after {@code step}, where one step explains the hour and the minutes
     * after it place the same threshold; else {@code t}. The pooled hour mixes two levels of latency: its shares come
     * from a deeper tail after a step up in load, where a 5% slowdown multiplies the share by more, so the margin would
     * be wider than at the level the rollout starts at until the per-look rule ({@link #allowedNow}) moves it; and the σ
     * that rule reads the level through, fitted across both levels, is wider than either's, which narrows the margin it
     * moves. Where the load stepped 1.6-fold in the hour and again in the stage, 125 of 2000 candidates at the margin
     * failed at 200 req/s with the margin placed from the pooled hour ({@code LatencyHourSimulationTest}).
     *
     * <p>σ is fitted on either side of the step and the two combined ({@link TailThreshold#fittedAcross}), with the
     * allowance of the whole hour's requests: fitted from the minutes after the step alone, its allowance was that of
     * fewer requests, and the margin wider than it need be (a p99 25% slower under the benchmark's {@code shared-shift}
     * traffic at 2 req/s was caught in a median 13 minutes, now in 12).
     */
    private TailThreshold atTheLevelAfter(
            HistoryStep step, List<Reading.Histogram> hour, double[] bounds, TailThreshold t) {
        if (step == null) {
            return t;
        }
        double[] after = pooled(hour.subList(step.index(), hour.size()));
        TailThreshold atTheLevel =
                TailThreshold.choose(quantile, maxIncrease, bounds, after).threshold();
        if (atTheLevel == null || atTheLevel.threshold() != t.threshold()) {
            return t;
        }
        double[] before = pooled(hour.subList(0, step.index()));
        TailThreshold across = TailThreshold.fittedAcross(t, maxIncrease, bounds, List.of(before, after));
        return across != null ? across : atTheLevel;
    }

    /**
     * What {@code margin} keeps of the baseline's share above the threshold over the hour, from what it learned of the
     * hour read whole ({@code history}) and its intervals' slow and all requests {@code counts}:
     *
     * <ul>
     *   <li>where the hour is calm, or one step explains it and it is calm on either side, all it learned: the
     *       allowance for wander starts from the hour's (around the step, which moved both versions alike with the
     *       load), and the first look counts at its rate (after the step). A 25% slower p99 under the benchmark's
     *       {@code shared-shift} traffic, whose hours nearly all hold such a step, was caught in a median 6 minutes at
     *       20 req/s instead of 9 when such an hour taught nothing. (Before the hour and the rollout were one run of
     *       the traffic model, the rollout's first minutes jumped from the level the hour's step left, and keeping
     *       the hour took 15 minutes there.)
     *   <li>where it drifts otherwise, how it drifts (beyond its one step, if one stands out), but not its rate, nor
     *       its wander unless the drift is too small to matter (then the allowance starts from its long-run wander, as
     *       {@link RateRatioTest} says). The hour cannot tell load that comes and goes from one version's slow spells,
     *       and learned only from the rollout's minutes (from the twentieth) the drift was under-allowed for at first:
     *       a candidate exactly at the margin under the benchmark's {@code autocorrelated} traffic was rolled back in
     *       2.3% of rollouts at 200 req/s, 0.75% with the hour's drift ({@code bench --at-the-margin}).
     * </ul>
     */
    private static RateRatioEvidence keptFromTheHour(
            RateRatioTest margin, RateRatioTest.LearnedHistory history, double[][] counts) {
        if (margin.startsFromTheBaselinesWander(history.evidence())) {
            return history.evidence();
        }
        return margin.emptyKnowingTheBaselinesDrift(margin.learnedAroundAnyStep(margin.empty(), counts[0], counts[1]));
    }

    /** What {@code margin} learns of the hour read whole, its intervals' slow and all requests {@code counts}. */
    private static RateRatioTest.LearnedHistory readWhole(RateRatioTest margin, double[][] counts) {
        return margin.learnBaselineHistory(margin.empty(), counts[0], counts[1]);
    }

    /** Each interval of the hour with requests: its requests above the threshold, and all its requests. */
    private static double[][] slowAndTotal(List<Reading.Histogram> hour, double[] bounds, TailThreshold t) {
        double[] slow = new double[hour.size()];
        double[] total = new double[hour.size()];
        int n = 0;
        for (Reading.Histogram interval : hour) {
            double all = Arrays.stream(interval.counts()).sum();
            if (all > 0) {
                slow[n] = above(interval.counts(), bounds, t.threshold());
                total[n] = all;
                n++;
            }
        }
        return new double[][] {Arrays.copyOf(slow, n), Arrays.copyOf(total, n)};
    }

    /**
     * What the pre-flight plan says of a quantile metric's histograms from before the rollout: the baseline's quantile,
     * where the threshold goes or why the rollout's first looks must place it, and whether the hour shows the share
     * above it calm, which decides whether the first look already carries evidence.
     */
    static String planned(MetricSpec spec, List<Reading.Histogram> history, double maxDispersion) {
        List<Reading.Histogram> hour = alike(history);
        if (hour.isEmpty()) {
            return "no traffic";
        }
        double quantile = spec.queries().quantile().orElseThrow();
        double[] bounds = hour.get(0).upperBounds();
        double[] pooled = pooled(hour);
        TailThreshold.Choice choice =
                TailThreshold.choose(quantile, spec.maxIncrease().orElseThrow(), bounds, pooled);
        String value = "p" + Format.number(quantile * 100) + " "
                + Format.value(MetricJudge.finiteOrNull(HistogramQuantile.of(quantile, bounds, pooled)), UNIT);
        TailThreshold t = choice.threshold();
        if (t == null) {
            return value + "; " + choice.notYet() + ", so the rollout's first looks place the threshold";
        }
        String counted = value + "; requests slower than " + Format.millis(t.threshold()) + " ("
                + Format.percent(share(pooled, bounds, t.threshold())) + " of the baseline's) are counted";
        if (maxDispersion == 0) {
            return counted + " from the first look, as Poisson minutes (analysis.maxDispersion 0%)";
        }
        // the level α does not enter what the test learns of the baseline
        RateRatioTest margin = new RateRatioTest(t.theta0(), 0.01, MixturePrior.calibrated(), maxDispersion);
        double[][] counts = slowAndTotal(hour, bounds, t);
        RateRatioTest.LearnedHistory whole = readWhole(margin, counts);
        RateRatioEvidence kept = keptFromTheHour(margin, whole, counts);
        if (margin.startsFromTheBaselinesWander(kept)) {
            return counted + " from the first look, which already carries evidence: their share is calm over the hour"
                    + (whole.step() == null ? "" : Planner.stepped(whole.step(), counts[0].length))
                    + ", and the judge starts from its wander";
        }
        return counted
                + (kept.baselineSerial().pairs() > 0
                        ? "; their share drifts over the hour, so the judge allows for that drift from the first look"
                        : "; too few minutes of the hour had traffic to show their share calm")
                + ", the first look only teaches the rate, and the judge learns from the rollout's own minutes how"
                + " the share wanders";
    }

    /**
     * The intervals with traffic and the first's bucket bounds, when those end in a +Inf bucket; else none: a layout
     * changed within the hour would mix buckets that do not line up.
     */
    static List<Reading.Histogram> alike(List<Reading.Histogram> history) {
        List<Reading.Histogram> withTraffic = history.stream()
                .filter(h -> Arrays.stream(h.counts()).sum() > 0)
                .toList();
        if (withTraffic.isEmpty() || !hasInfBucket(withTraffic.get(0).upperBounds())) {
            return List.of();
        }
        double[] bounds = withTraffic.get(0).upperBounds();
        return withTraffic.stream()
                .filter(h -> Arrays.equals(h.upperBounds(), bounds))
                .toList();
    }

    private static double[] pooled(List<Reading.Histogram> intervals) {
        double[] pooled = new double[0];
        for (Reading.Histogram interval : intervals) {
            pooled = plus(pooled, interval.counts());
        }
        return pooled;
    }

    private LatencyCounts chosen(
            double[] bounds,
            TailThreshold t,
            RateRatioEvidence margin,
            RateRatioEvidence watch,
            Counts stage,
            double[] stageCandidate,
            double[] stageBaseline) {
        return new LatencyCounts(
                bounds,
                new double[0],
                t.threshold(),
                t.lowerBound(),
                t.theta0(),
                t.sigma(),
                margin,
                ruleOutTest(t.theta0()).empty(),
                watch,
                stage,
                stageCandidate,
                stageBaseline,
                0);
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        LatencyCounts l = (LatencyCounts) evidence;
        return l.restarted(l.watchRelative(), l.consecutiveNoData());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        LatencyCounts l = (LatencyCounts) evidence;
        return l.restarted(l.chosen() ? watchTest(l.theta0()).empty() : null, 0);
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        LatencyCounts l = (LatencyCounts) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(l, MetricJudge.check(spec, readings, UNIT, this::quantileOf), false);
            case CANARY -> pairedLook(l, readings, context, false);
            case WATCH ->
                readings.baseline() == null
                        ? limitsOnlyLook(l, readings, context)
                        : pairedLook(l, readings, context, true);
        };
    }

    private Assessment pairedLook(LatencyCounts l, Readings readings, LookContext context, boolean watch) {
        if (!(readings.candidate() instanceof Reading.Histogram c)
                || !(readings.baseline() instanceof Reading.Histogram b)) {
            return noData(
                    l, MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Histogram.class));
        }
        double[] bounds = c.upperBounds();
        if (l.bounds().length > 0 && !Arrays.equals(bounds, l.bounds()) && nothingCountedYet(l)) {
            l = (LatencyCounts) begin(); // the buckets changed since the baseline's history: place the threshold anew
        }
        if (!Arrays.equals(bounds, b.upperBounds()) || (l.bounds().length > 0 && !Arrays.equals(bounds, l.bounds()))) {
            return noData(
                    l,
                    "the versions' bucket bounds differ, or changed since the first look: "
                            + Arrays.toString(b.upperBounds()) + " vs " + Arrays.toString(bounds));
        }
        if (!hasInfBucket(bounds)) {
            return noData(l, "the histogram has no le=\"+Inf\" bucket");
        }
        double candidateQuantile = quantileOf(c);
        double baselineQuantile = quantileOf(b);
        String interval = quantileName() + " " + Format.value(MetricJudge.finiteOrNull(candidateQuantile), UNIT)
                + " vs " + Format.value(MetricJudge.finiteOrNull(baselineQuantile), UNIT) + " this interval";
        double[] stageCandidate = appendFinite(l.stageCandidate(), candidateQuantile);
        double[] stageBaseline = appendFinite(l.stageBaseline(), baselineQuantile);

        if (!l.chosen()) {
            double[] learning = plus(l.learning(), b.counts());
            TailThreshold.Choice choice = TailThreshold.choose(quantile, maxIncrease, bounds, learning);
            TailThreshold t = choice.threshold();
            LatencyCounts next = t == null
                    ? LatencyCounts.learning(bounds, learning, l.stage(), stageCandidate, stageBaseline)
                    : chosen(
                            bounds,
                            t,
                            marginTest(t.theta0()).empty(),
                            watch ? watchTest(t.theta0()).empty() : null,
                            l.stage(),
                            stageCandidate,
                            stageBaseline);
            String why = t == null
                    ? choice.notYet()
                    : "requests slower than " + Format.millis(t.threshold()) + " will be counted from the next look ("
                            + Format.percent(share(learning, bounds, t.threshold())) + " of the baseline's; "
                            + allowedSentence(t.theta0()) + ")";
            return undecided(next, context, candidateQuantile, baselineQuantile, interval + "; " + why);
        }

        double threshold = l.threshold();
        double cSlow = above(c.counts(), bounds, threshold);
        double bSlow = above(b.counts(), bounds, threshold);
        double cTotal = c.total();
        double bTotal = b.total();
        RateRatioTest test = watch ? watchTest(l.theta0()) : marginTest(l.theta0());
        RateRatioEvidence margin = watch ? l.watchRelative() : l.relative();
        if (margin == null) {
            margin = test.empty(); // a watch that began before the threshold was chosen
        }
        RateRatioEvidence.RecentCounts level = baselineLevel(l, watch);
        double allowed = theta0AtLevel(l, level, maxIncrease, false);
        double ruledOut = ruleOutRatio(theta0AtLevel(l, level, maxIncrease, true));
        margin = test.add(margin, cSlow, cTotal, bSlow, bTotal, allowed / l.theta0());
        RateRatioTest ruleOut = ruleOutTest(l.theta0());
        // roles swapped: the boundary is 1 / the ratio ruled out
        RateRatioEvidence rule =
                ruleOut.add(l.ruleOut(), bSlow, bTotal, cSlow, cTotal, ruleOutRatio(l.theta0()) / ruledOut);
        Counts stage = l.stage().plus(cSlow, cTotal, bSlow, bTotal);
        LatencyCounts next = new LatencyCounts(
                bounds,
                l.learning(),
                threshold,
                l.lowerBound(),
                l.theta0(),
                l.sigma(),
                watch ? l.relative() : margin,
                rule,
                watch ? margin : l.watchRelative(),
                stage,
                stageCandidate,
                stageBaseline,
                0);
        long minRequests = analysis.minRequests();
        boolean enoughSoFar = margin.canaryTotal() >= minRequests && margin.baselineTotal() >= minRequests;
        String where = watch ? " since promotion" : " in this stage";
        Outcome outcome;
        String explanation;
        if (test.rejects(margin) && enoughSoFar) {
            outcome = Outcome.FAIL;
            explanation = interval + "; "
                    + slowShares(
                            margin.canaryBad(),
                            margin.canaryTotal(),
                            margin.baselineBad(),
                            margin.baselineTotal(),
                            threshold)
                    + ": " + Format.number(margin.estimate()) + "× the baseline, more than "
                    + allowedSentence(allowed) + levelNote(l, allowed)
                    + " (evidence " + Format.evidence(test.eValue(margin)) + " ≥ " + Format.number(1 / test.alpha())
                    + ", the level at which the chance of a false rollback is " + Format.percent(test.alpha()) + ")";
        } else if (!context.end()) {
            outcome = Outcome.CONTINUE;
            explanation =
                    interval + "; slower than " + Format.millis(threshold) + ": " + Format.number(margin.estimate())
                            + "× the baseline so far (allowed " + Format.number(allowed) + "×"
                            + levelNote(l, allowed) + ")" + MetricJudge.notShownYet(margin.estimate() > allowed);
        } else {
            return endOfStage(
                    next, context, candidateQuantile, baselineQuantile, where, ruleOut, rule, allowed, ruledOut);
        }
        return new Assessment(
                next,
                look(
                        outcome,
                        candidateQuantile,
                        baselineQuantile,
                        explanation
                                + MetricJudge.envelopeNote(
                                        "the slow shares", "share of slow requests", test, margin, "")),
                false);
    }

    /** The end of a bake without a failure: a pass needs the looks, the traffic, the rule-out and the limit. */
    private Assessment endOfStage(
            LatencyCounts next,
            LookContext context,
            double candidateQuantile,
            double baselineQuantile,
            String where,
            RateRatioTest ruleOut,
            RateRatioEvidence rule,
            double allowed,
            double ruledOut) {
        Counts stage = next.stage();
        long minRequests = analysis.minRequests();
        String shares = slowShares(
                        stage.candidateBad(),
                        stage.candidateTotal(),
                        stage.baselineBad(),
                        stage.baselineTotal(),
                        next.threshold())
                + where;
        String missing = null;
        if (stage.candidateTotal() < minRequests || stage.baselineTotal() < minRequests) {
            missing = "too little traffic" + where + ": " + (long) stage.candidateTotal() + " candidate and "
                    + (long) stage.baselineTotal() + " baseline requests, " + minRequests + " each needed";
        } else if (next.stageCandidate().length < MIN_LOOKS_FOR_PASS) {
            missing = "too few looks" + where + ": " + next.stageCandidate().length + ", " + MIN_LOOKS_FOR_PASS
                    + " needed";
        } else if (!ruleOut.rejectsNow(rule)) {
            missing = shares + ": not enough data yet to show the candidate below "
                    + Format.number(ruledOut) + "× the baseline's share (evidence "
                    + Format.evidence(ruleOut.eValue(rule)) + " of the " + Format.number(1 / ruleOut.alpha())
                    + " needed)";
        }
        double median = next.stageCandidate().length == 0 ? Double.NaN : SampleJudge.median(next.stageCandidate());
        if (missing == null && spec.max().isPresent() && median > spec.max().getAsDouble()) {
            return new Assessment(
                    next,
                    look(
                            Outcome.FAIL,
                            candidateQuantile,
                            baselineQuantile,
                            "median " + quantileName() + " " + Format.millis(median) + " over "
                                    + next.stageCandidate().length + " looks is over the limit of "
                                    + Format.millis(spec.max().getAsDouble())),
                    false);
        }
        if (missing != null) {
            return new Assessment(
                    next,
                    look(
                            context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE,
                            candidateQuantile,
                            baselineQuantile,
                            missing + (context.lastChance() ? "" : "; baking on")),
                    false);
        }
        double ratio = (stage.candidateBad() / stage.candidateTotal()) / (stage.baselineBad() / stage.baselineTotal());
        String text = "median " + quantileName() + " " + Format.millis(median) + " vs "
                + Format.millis(SampleJudge.median(next.stageBaseline())) + " over " + next.stageCandidate().length
                + " looks; " + shares + (Double.isFinite(ratio) ? ": " + Format.number(ratio) + "× the baseline" : "")
                + (Double.isFinite(ratio) && ratio > allowed
                        ? ", above " + allowedSentence(allowed) + " but not shown to exceed it"
                        : ", within " + allowedSentence(allowed))
                + levelNote(next, allowed)
                + "; shown below " + Format.number(ruledOut) + "× the baseline's share (evidence "
                + Format.evidence(ruleOut.eValue(rule)) + " ≥ " + Format.number(1 / ruleOut.alpha()) + ")"
                + spec.max().stream()
                        .mapToObj(max -> ", under the limit of " + Format.millis(max))
                        .findFirst()
                        .orElse("");
        return new Assessment(next, look(Outcome.PASS, candidateQuantile, baselineQuantile, text), false);
    }

    /** A look that cannot decide yet: at the end of the bake it bakes on, or holds at the last chance. */
    private Assessment undecided(
            LatencyCounts next, LookContext context, double candidateQuantile, double baselineQuantile, String text) {
        Outcome outcome = !context.end() ? Outcome.CONTINUE : context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE;
        String suffix = context.end() && !context.lastChance() ? "; baking on" : "";
        return new Assessment(next, look(outcome, candidateQuantile, baselineQuantile, text + suffix), false);
    }

    /** The promoted candidate without a held-back baseline: only the absolute limit on its quantile can be judged. */
    private Assessment limitsOnlyLook(LatencyCounts l, Readings readings, LookContext context) {
        if (!(readings.candidate() instanceof Reading.Histogram c)) {
            return noData(l, MetricJudge.whyUnusable(readings.candidate(), null, Reading.Histogram.class));
        }
        double value = quantileOf(c);
        double[] stageCandidate = appendFinite(l.stageCandidate(), value);
        LatencyCounts next = new LatencyCounts(
                l.bounds(),
                l.learning(),
                l.threshold(),
                l.lowerBound(),
                l.theta0(),
                l.sigma(),
                l.relative(),
                l.ruleOut(),
                l.watchRelative(),
                l.stage(),
                stageCandidate,
                l.stageBaseline(),
                0);
        String noBaseline = "no live baseline (promote.holdback: 0), so only the absolute limit is judged";
        String now = quantileName() + " " + Format.value(MetricJudge.finiteOrNull(value), UNIT) + " this interval";
        if (!context.end()) {
            return new Assessment(next, look(Outcome.CONTINUE, value, Double.NaN, now + "; " + noBaseline), false);
        }
        if (stageCandidate.length < MIN_LOOKS_FOR_PASS) {
            return undecided(
                    next,
                    context,
                    value,
                    Double.NaN,
                    "too few looks since promotion: " + stageCandidate.length + ", " + MIN_LOOKS_FOR_PASS + " needed");
        }
        double median = SampleJudge.median(stageCandidate);
        if (spec.max().isPresent() && median > spec.max().getAsDouble()) {
            return new Assessment(
                    next,
                    look(
                            Outcome.FAIL,
                            value,
                            Double.NaN,
                            "median " + quantileName() + " " + Format.millis(median) + " since promotion is over the"
                                    + " limit of " + Format.millis(spec.max().getAsDouble())),
                    false);
        }
        return new Assessment(
                next,
                look(
                        Outcome.PASS,
                        value,
                        Double.NaN,
                        "median " + quantileName() + " " + Format.millis(median) + " since promotion"
                                + spec.max().stream()
                                        .mapToObj(max -> ", under the limit of " + Format.millis(max))
                                        .findFirst()
                                        .orElse(", not judged")
                                + "; " + noBaseline),
                false);
    }

    /**
     * The baseline's recent share above the threshold, as the test that is fed now knows it before this look: the
     * watch's own once it has seen the held-back baseline, else the canary's (which the hour's last minutes start
     * where the hour was kept); null before any.
     */
    private static RateRatioEvidence.RecentCounts baselineLevel(LatencyCounts l, boolean watch) {
        RateRatioEvidence source = watch && knowsALevel(l.watchRelative()) ? l.watchRelative() : l.relative();
        return knowsALevel(source) ? source.recent() : null;
    }

    private static boolean knowsALevel(RateRatioEvidence evidence) {
        return evidence != null
                && evidence.recent() != null
                && evidence.recent().baselineTotal() > 0;
    }

    /** The share ratio the margin test allows at the baseline's level as {@code l} knows it now. */
    static double allowedNow(LatencyCounts l, double maxIncrease, boolean watch) {
        return theta0AtLevel(l, baselineLevel(l, watch), maxIncrease, false);
    }

    /**
     * The share ratio the margin allows at the baseline's {@code level}, for the margin test or, {@code forRuleOut},
     * for the rule-out: θ0 moved to the share above the threshold the baseline shows now ({@link
     * TailThreshold#marginRatio}). A load change scales every latency, so the threshold sits deeper in the tail after
     * the load eases, where a candidate at the margin shows a larger ratio, and shallower after it grows, where it
     * shows a smaller one.
     *
     * <p>The margin test follows the level both ways. Judged against the hour's θ0 after the load eased, 60 of 200
     * candidates at the margin were rolled back at 200 req/s where the load stepped down by 15% ({@code
     * LatencyHourSimulationTest}). Judged against it after the load grew, a regression counted against a margin wider
     * than the policy's: under the benchmark's {@code production} traffic, whose load slows every request by 30% at a
     * random minute of the rollout, a p99 25% higher was caught in 57% of rollouts at 2 req/s, and in 64% with the
     * margin at the level. It goes no narrower than the ratio at the share the fit gives above the lower bound l,
     * where a load that grew has moved l's latencies to t: beyond it the fitted bucket says nothing of the shape.
     * Within it, for the six shapes docs/statistics.md tabulates, the margin it enforces is no stricter than the
     * strictest θ0 gives at the hour's own level.
     *
     * <p>The rule-out follows the level only where the load grew: a pass that ruled out a multiple of θ0 would rule
     * out a larger slowdown than it says. Both take the share one standard deviation of its counting noise toward
     * their test's side, so that a level known from few requests errs toward the candidate in the margin test and
     * toward the baseline in the rule-out.
     *
     * <p>θ0 before the level is known, and in states saved before σ was kept. At most θ0², and the rule-out at least
     * √θ0: far from the share it was fitted at the log-normal is a guess.
     */
    private static double theta0AtLevel(
            LatencyCounts l, RateRatioEvidence.RecentCounts level, double maxIncrease, boolean forRuleOut) {
        if (!(l.sigma() > 0) || level == null) {
            return l.theta0();
        }
        double slow = Math.max(level.baselineBad(), HALF_A_REQUEST);
        double spread = Math.exp((forRuleOut ? 1 : -1) / Math.sqrt(Math.max(slow, 1)));
        double share = Math.min(MOST_REQUESTS, slow * spread / level.baselineTotal());
        double atLevel = TailThreshold.marginRatio(l.sigma(), share, maxIncrease);
        if (forRuleOut) {
            return Math.max(Math.sqrt(l.theta0()), Math.min(l.theta0(), atLevel));
        }
        double atTheLowerBound = TailThreshold.marginRatio(
                l.sigma(),
                TailThreshold.shareAboveTheLowerBound(
                        l.sigma(), l.theta0(), maxIncrease, l.threshold(), l.lowerBound()),
                maxIncrease);
        return Math.min(l.theta0() * l.theta0(), Math.max(atTheLowerBound, atLevel));
    }

    /** Where the baseline's level moved the allowed ratio from θ0, by more than rounding shows: what it was. */
    private static String levelNote(LatencyCounts l, double allowed) {
        return Format.number(allowed).equals(Format.number(l.theta0()))
                ? ""
                : " at the baseline's share now, " + Format.number(l.theta0()) + "× where the threshold was placed";
    }

    private String allowedSentence(double theta0) {
        return "the " + Format.number(theta0) + "× that a " + quantileName() + " " + Format.margin(maxIncrease)
                + " slower allows";
    }

    private static String slowShares(double cSlow, double cTotal, double bSlow, double bTotal, double threshold) {
        return Format.percent(cSlow / cTotal) + " of the candidate's requests slower than " + Format.millis(threshold)
                + " vs " + Format.percent(bSlow / bTotal) + " of the baseline's";
    }

    /** "p99" for 0.99, "p99.9" for 0.999. */
    private String quantileName() {
        return "p" + Format.number(quantile * 100);
    }

    private Assessment noData(LatencyCounts l, String why) {
        int inARow = l.consecutiveNoData() + 1;
        return MetricJudge.noData(
                spec, l.withNoData(inARow), inARow, analysis.limits().noData(), why, UNIT);
    }

    private MetricLook look(Outcome outcome, double candidate, double baseline, String explanation) {
        return new MetricLook(
                spec.name(),
                outcome,
                MetricJudge.finiteOrNull(candidate),
                MetricJudge.finiteOrNull(baseline),
                UNIT,
                explanation);
    }

    private double quantileOf(Reading reading) {
        return reading instanceof Reading.Histogram h && h.upperBounds().length >= 2
                ? HistogramQuantile.of(quantile, h.upperBounds(), h.counts())
                : Double.NaN;
    }

    /** Whether no canary request was counted yet: what was learned came from the baseline's history alone. */
    private static boolean nothingCountedYet(LatencyCounts l) {
        return l.relative() == null || l.relative().canaryTotal() == 0 && l.watchRelative() == null;
    }

    private static boolean hasInfBucket(double[] bounds) {
        return bounds.length >= 2 && bounds[bounds.length - 1] == Double.POSITIVE_INFINITY;
    }

    /** Requests in the buckets above {@code threshold} (a bound of {@code bounds}). */
    static double above(double[] counts, double[] bounds, double threshold) {
        double slow = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (bounds[i] > threshold) {
                slow += counts[i];
            }
        }
        return slow;
    }

    private static double share(double[] counts, double[] bounds, double threshold) {
        return above(counts, bounds, threshold) / Arrays.stream(counts).sum();
    }

    private static double[] plus(double[] pooled, double[] counts) {
        if (pooled.length == 0) {
            return counts.clone();
        }
        double[] sum = pooled.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += counts[i];
        }
        return sum;
    }

    private static double[] appendFinite(double[] values, double value) {
        if (!Double.isFinite(value)) {
            return values;
        }
        double[] longer = Arrays.copyOf(values, values.length + 1);
        longer[values.length] = value;
        return longer;
    }
}
