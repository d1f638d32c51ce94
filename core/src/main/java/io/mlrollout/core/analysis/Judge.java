package io.mlrollout.core.analysis;

import io.mlrollout.core.metrics.Presets;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The judge: classifies each metric at each look (kept apart, per metric, in a {@link MetricJudge}) and scores the
 * stage from those outcomes.
 *
 * <p><b>The false-rollback budget.</b> The policy's {@code falseRollbackRate} covers the whole rollout. It is split
 * evenly (Bonferroni) over every statistical test the policy implies: per ratio metric one test for the margin and one
 * for the SLO, per quantile or value metric one per relative margin, per distribution metric one per drift bound.
 * Each test is valid however often it looks (sequential tests for counts and for the paired per-look ratios of
 * quantiles and values; spending across looks for Mann-Whitney after promotion and for drift bounds), so the union
 * of all of them stays within the budget. When the policy watches the promoted candidate, a fifth of the budget is
 * kept for that watch. A sliced metric (a ratio, or a latency quantile read from a histogram) counts its tests once for
 * the aggregate and once per slice it may judge ({@code slices.max}), fixed before any data is seen.
 *
 * <p><b>Scoring.</b> A failed critical metric fails the stage at once (score 0). Otherwise the score is the weighted
 * share of metrics that did not fail; a score under {@code marginal} fails at once. At the end of the bake, a stage
 * passes only when no metric lacks data or traffic and the score reaches {@code pass}; otherwise it is inconclusive.
 * A metric without data for {@code limits.noData} looks in a row makes the stage inconclusive at once.
 *
 * <p><b>A pass needs evidence.</b> A metric whose data do not yet show the candidate within its bounds at the end of
 * the bake says CONTINUE, and the stage bakes on one interval at a time up to its {@code maxBake}; at the last chance
 * such a metric says HOLD and the stage is inconclusive. No data, too little traffic and "not shown" never pass.
 *
 * <p><b>Observed metrics</b> ({@code observe: true}) are judged, logged and reported like the others, each as if it
 * were the policy's only metric (its tests take the whole budget, not a share of it), and never decide: their
 * outcomes count neither in the score nor in what holds a stage, and their sentences say "observed only".
 *
 * <p><b>No data at the end of the bake.</b> A look without data for a metric decides nothing before the {@code noData}
 * limit, at the end of the bake as much as before it: the stage is looked at again one interval later (its bake runs
 * over), so one failed read cannot turn a healthy stage into an inconclusive one, and a source that stays down still
 * ends it at the limit.
 */
public final class Judge {

    /** The share of the budget kept for watching the promoted candidate, when the policy watches it. */
    static final double WATCH_SHARE = 0.2;

    /** Said of a look whose counts Prometheus estimated with increase() instead of counting exactly. */
    static final String EXTRAPOLATED =
            "counts extrapolated with increase(): a series began or a counter was reset in this window";

    private final AnalysisSettings analysis;
    private final Map<String, MetricJudge> judges = new LinkedHashMap<>();

    public Judge(Policy policy) {
        this.analysis = policy.analysis();
        boolean watches = !policy.promote().bake().isZero();
        List<MetricSpec> deciding =
                policy.metrics().stream().filter(m -> !m.observe()).toList();
        Budget shared = Budget.over(deciding, analysis.falseRollbackRate(), watches);
        for (MetricSpec metric : policy.metrics()) {
            Budget budget =
                    metric.observe() ? Budget.over(List.of(metric), analysis.falseRollbackRate(), watches) : shared;
            judges.put(metric.name(), judgeFor(metric, policy, budget.perCanaryTest(), budget.perWatchTest()));
        }
    }

    /**
     * Each test's share of the false-rollback budget, during the canary and during the watch: split evenly over the
     * tests of {@code metrics}, a fifth kept for the watch when the policy watches.
     */
    private record Budget(double perCanaryTest, double perWatchTest) {

        static Budget over(List<MetricSpec> metrics, double budget, boolean watches) {
            int canaryTests = 0;
            int watchTests = 0;
            for (MetricSpec metric : metrics) {
                canaryTests += testsDuringCanary(metric);
                watchTests += testsDuringWatch(metric);
            }
            double canaryBudget = watches && watchTests > 0 ? budget * (1 - WATCH_SHARE) : budget;
            double watchBudget = budget - canaryBudget;
            return new Budget(canaryBudget / Math.max(1, canaryTests), watchBudget / Math.max(1, watchTests));
        }
    }

    private MetricJudge judgeFor(MetricSpec metric, Policy policy, double perCanaryTest, double perWatchTest) {
        int plannedWatchLooks = looksIn(policy.promote().bake(), analysis.interval());
        int noDataLimit = analysis.limits().noData();
        return switch (metric.kind()) {
            case RATIO ->
                metric.slices().isPresent()
                        ? SlicedJudge.ratio(metric, perCanaryTest, perWatchTest, analysis, canaryLooks(policy))
                        : new RatioJudge(metric, perCanaryTest, perWatchTest, analysis, canaryLooks(policy));
            case QUANTILE, VALUE ->
                judgesOnCounts(metric)
                        ? metric.slices().isPresent()
                                ? SlicedJudge.latency(
                                        metric, perCanaryTest, perWatchTest, analysis, canaryLooks(policy))
                                : new LatencyCountJudge(
                                        metric, perCanaryTest, perWatchTest, analysis, canaryLooks(policy))
                        : new SampleJudge(
                                metric,
                                perCanaryTest,
                                perWatchTest,
                                plannedWatchLooks,
                                noDataLimit,
                                analysis.maxAutocorrelation(),
                                analysis.missedRegressionRate());
            case DISTRIBUTION ->
                new DistributionJudge(
                        metric,
                        perCanaryTest,
                        perWatchTest,
                        analysis.minRequests(),
                        noDataLimit,
                        analysis.missedRegressionRate(),
                        canaryLooks(policy),
                        plannedWatchLooks);
        };
    }

    /** Whether a quantile metric is judged on its histogram's counts ({@link LatencyCountJudge}). */
    static boolean judgesOnCounts(MetricSpec metric) {
        return LatencyCountJudge.applies(metric, readsHistogram(metric));
    }

    /** Whether the metric's queries read a histogram (a quantile preset that gives bucket counts). */
    private static boolean readsHistogram(MetricSpec metric) {
        try {
            return Presets.resolve(metric).histogram().isPresent();
        } catch (IllegalArgumentException unresolvable) {
            return false; // the source says why when it reads
        }
    }

    private static int testsDuringCanary(MetricSpec metric) {
        return switch (metric.kind()) {
            case RATIO -> RatioJudge.tests(metric) * testSets(metric);
            case QUANTILE, VALUE -> SampleJudge.relativeTests(metric) * testSets(metric);
            case DISTRIBUTION -> DistributionJudge.tests(metric);
        };
    }

    private static int testsDuringWatch(MetricSpec metric) {
        return switch (metric.kind()) {
            case RATIO ->
                RatioJudge.tests(metric) * testSets(metric); // against the held-back baseline, or the SLO alone
            case QUANTILE, VALUE -> SampleJudge.relativeTests(metric) * testSets(metric);
            case DISTRIBUTION -> DistributionJudge.tests(metric);
        };
    }

    /** The aggregate's tests, and a set per slice that may be judged (Bonferroni over the slices). */
    private static int testSets(MetricSpec metric) {
        return metric.slices().map(SlicedJudge::testSets).orElse(1);
    }

    private static int looksIn(Duration bake, Duration interval) {
        if (bake.isZero()) {
            return 0;
        }
        return (int) Math.max(1, (bake.toMillis() + interval.toMillis() - 1) / interval.toMillis());
    }

    /** The judge of a ratio metric, with the very tests (levels, envelope, horizon) it runs: for the planner. */
    Optional<RatioJudge> ratioJudge(String metric) {
        MetricJudge judge = judges.get(metric);
        if (judge instanceof SlicedJudge sliced && sliced.aggregate() instanceof RatioJudge ratio) {
            return Optional.of(ratio);
        }
        return judge instanceof RatioJudge ratio ? Optional.of(ratio) : Optional.empty();
    }

    /** The judge of one metric, by name: for tests of the tests it runs. */
    Optional<MetricJudge> judgeOf(String metric) {
        return Optional.ofNullable(judges.get(metric));
    }

    /** Evidence before anything was seen. */
    public JudgeState begin() {
        return begin(BaselineHistory.none());
    }

    /** Evidence before the rollout's first look, with what the baseline's history teaches each metric's tests. */
    public JudgeState begin(BaselineHistory history) {
        Map<String, MetricEvidence> evidence = new LinkedHashMap<>();
        judges.forEach((name, judge) -> evidence.put(name, judge.learnBaseline(judge.begin(), history)));
        return new JudgeState(evidence);
    }

    /** Starts a stage: per-stage counts restart, the rollout-wide evidence carries on. */
    public JudgeState beginStage(JudgeState state) {
        Map<String, MetricEvidence> evidence = new LinkedHashMap<>();
        judges.forEach((name, judge) -> evidence.put(name, judge.beginStage(state.of(name))));
        return new JudgeState(evidence);
    }

    /** Starts the watch after promotion: against the held-back baseline where the policy keeps one. */
    public JudgeState beginWatch(JudgeState state) {
        Map<String, MetricEvidence> evidence = new LinkedHashMap<>();
        judges.forEach((name, judge) -> evidence.put(name, judge.beginWatch(state.of(name))));
        return new JudgeState(evidence);
    }

    /** Judges one look. A metric missing from {@code readings} counts as no data. */
    public LookResult look(JudgeState state, Map<String, Readings> readings, LookContext context) {
        Map<String, MetricEvidence> evidence = new LinkedHashMap<>();
        List<MetricJudge.Assessment> assessments = new ArrayList<>();
        for (Map.Entry<String, MetricJudge> entry : judges.entrySet()) {
            String name = entry.getKey();
            Readings pair = readings.getOrDefault(
                    name, new Readings(new Reading.NoData("not read"), new Reading.NoData("not read")));
            MetricJudge.Assessment assessment =
                    noteObserved(noteExtrapolated(entry.getValue().look(state.of(name), pair, context), pair));
            evidence.put(name, assessment.evidence());
            assessments.add(assessment);
        }
        List<MetricLook> looks =
                assessments.stream().map(MetricJudge.Assessment::look).toList();
        Optional<StageVerdict> verdict =
                context.mode() == LookContext.Mode.CHECK ? Optional.empty() : verdict(assessments, context.end());
        return new LookResult(new JudgeState(evidence), looks, verdict);
    }

    /**
     * Adds to the look's sentence that its counts were extrapolated, so the log and the evidence tell estimates from
     * exact counts.
     */
    private static MetricJudge.Assessment noteExtrapolated(MetricJudge.Assessment assessment, Readings pair) {
        boolean extrapolated = pair.candidate().extrapolated()
                || (pair.baseline() != null && pair.baseline().extrapolated());
        MetricLook look = assessment.look();
        if (!extrapolated || look.outcome() == Outcome.NODATA) {
            return assessment;
        }
        MetricLook noted = look.withNote(EXTRAPOLATED);
        return new MetricJudge.Assessment(assessment.evidence(), noted, assessment.noDataLimitReached());
    }

    /** Said of an observed metric's look, so the log, the report and the evidence tell it from a deciding one. */
    static final String OBSERVED = "observed only: never decides the stage";

    private MetricJudge.Assessment noteObserved(MetricJudge.Assessment assessment) {
        MetricLook look = assessment.look();
        if (!judges.get(look.metric()).spec().observe()) {
            return assessment;
        }
        MetricLook noted = look.withNote(OBSERVED);
        return new MetricJudge.Assessment(assessment.evidence(), noted, assessment.noDataLimitReached());
    }

    private Optional<StageVerdict> verdict(List<MetricJudge.Assessment> assessments, boolean end) {
        double totalWeight = 0;
        double standingWeight = 0;
        boolean criticalFailure = false;
        boolean anyFailure = false;
        boolean undecided = false;
        boolean noDataTooLong = false;
        boolean noDataNow = false;
        boolean awaitingEvidence = false;
        for (MetricJudge.Assessment a : assessments) {
            MetricSpec spec = judges.get(a.look().metric()).spec();
            if (spec.observe()) {
                continue; // reported, never deciding
            }
            Outcome outcome = a.look().outcome();
            totalWeight += spec.weight();
            if (outcome == Outcome.FAIL) {
                anyFailure = true;
                criticalFailure |= spec.critical();
            } else {
                standingWeight += spec.weight();
            }
            undecided |= outcome == Outcome.NODATA || outcome == Outcome.HOLD;
            noDataNow |= outcome == Outcome.NODATA;
            awaitingEvidence |= outcome == Outcome.CONTINUE;
            noDataTooLong |= a.noDataLimitReached();
        }
        double score = criticalFailure ? 0 : totalWeight == 0 ? 0 : 100 * standingWeight / totalWeight;
        List<String> reasons = reasons(assessments, judges);
        AnalysisSettings.ScoreThresholds thresholds = analysis.score();
        if (criticalFailure || (anyFailure && score < thresholds.marginal())) {
            return Optional.of(new StageVerdict(Verdict.FAIL, score, reasons));
        }
        if (noDataTooLong) {
            return Optional.of(new StageVerdict(Verdict.INCONCLUSIVE, score, reasons));
        }
        if (!end || noDataNow || awaitingEvidence) {
            return Optional.empty(); // the bake runs on: the next look may bring what is missing
        }
        boolean passes = !undecided && score >= thresholds.pass();
        return Optional.of(new StageVerdict(passes ? Verdict.PASS : Verdict.INCONCLUSIVE, score, reasons));
    }

    /** One sentence per metric: failures first, then what is undecided, then the rest; observed metrics last. */
    private static List<String> reasons(List<MetricJudge.Assessment> assessments, Map<String, MetricJudge> judges) {
        List<String> reasons = new ArrayList<>();
        for (boolean observed : new boolean[] {false, true}) {
            reasonsOf(assessments, judges, observed, reasons);
        }
        return reasons;
    }

    private static void reasonsOf(
            List<MetricJudge.Assessment> assessments,
            Map<String, MetricJudge> judges,
            boolean observed,
            List<String> reasons) {
        for (Outcome wanted : List.of(Outcome.FAIL, Outcome.NODATA, Outcome.HOLD, Outcome.CONTINUE, Outcome.PASS)) {
            for (MetricJudge.Assessment a : assessments) {
                if (judges.get(a.look().metric()).spec().observe() == observed
                        && a.look().outcome() == wanted) {
                    reasons.add(
                            a.look().metric() + " " + wanted + ": " + a.look().explanation());
                }
            }
        }
    }

    /** The most looks the canary may take: every stage baking to its maxBake. */
    private static int canaryLooks(Policy policy) {
        int looks = 0;
        for (Stage stage : policy.stages()) {
            looks += looksIn(stage.maxBake(), policy.analysis().interval());
        }
        return Math.max(1, looks);
    }
}
