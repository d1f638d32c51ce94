package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Samples;
import io.mlrollout.core.analysis.stats.AlphaSpending;
import io.mlrollout.core.analysis.stats.EffectPrior;
import io.mlrollout.core.analysis.stats.LogRatioEvidence;
import io.mlrollout.core.analysis.stats.LogRatioTest;
import io.mlrollout.core.analysis.stats.MannWhitneyEvidence;
import io.mlrollout.core.analysis.stats.MarginMannWhitneyTest;
import io.mlrollout.core.analysis.stats.Worse;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.MetricSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Judges a quantile or value metric from one number per look and version. During the canary the relative margins are
 * tested on the paired per-look ratio of canary to baseline with a sequential test ({@link LogRatioTest}), valid
 * however often it looks, with evidence pooled over the whole canary; the absolute bounds ({@code max}, {@code min})
 * apply to the median of the stage's values when the stage ends. A pass needs evidence: the same test turned round
 * must rule out a regression of {@linkplain #ruleOutRatio twice the margin} at {@code analysis.missedRegressionRate},
 * over the canary and the watch against a held-back baseline; until it does, the stage bakes on. After promotion
 * without a holdback no baseline runs beside the candidate, so its values are compared with the baseline's values
 * from the canary by Mann-Whitney U, each look at its share of the budget ({@link AlphaSpending}).
 */
final class SampleJudge implements MetricJudge {

    /** Fewer values than this cannot support a pass. */
    static final int MIN_VALUES_FOR_PASS = 3;

    private final MetricSpec spec;
    private final String unit;
    private final List<LogRatioTest> canaryTests;
    private final List<MarginMannWhitneyTest> watchTests;
    private final double watchAlpha;
    /** The canary's test, fresh and at the watch's share, against the baseline held back during the watch. */
    private final List<LogRatioTest> pairedWatchTests;
    /** The rule-outs a pass needs, one per margin. */
    private final List<LogRatioTest> ruleOutTests;

    private final int plannedWatchLooks;
    private final int noDataLimit;

    /**
     * @param alpha each relative test's share of the budget during the canary
     * @param watchAlpha each relative test's share after promotion
     * @param plannedWatchLooks looks the watch plans (the horizon of its spending schedule)
     * @param maxAutocorrelation the correlation between consecutive looks the canary's tests stay valid for
     * @param missedRegressionRate the chance that a stage passes a candidate at the rule-out level
     */
    SampleJudge(
            MetricSpec spec,
            double alpha,
            double watchAlpha,
            int plannedWatchLooks,
            int noDataLimit,
            double maxAutocorrelation,
            double missedRegressionRate) {
        this.spec = spec;
        this.unit = spec.kind() == MetricSpec.Kind.QUANTILE ? "ms" : "";
        this.watchTests = watchTests(spec);
        this.canaryTests = watchTests.stream()
                .map(t -> new LogRatioTest(t.worse(), t.margin(), alpha, EffectPrior.calibrated(), maxAutocorrelation))
                .toList();
        this.watchAlpha = watchAlpha;
        this.pairedWatchTests = watchTests.stream()
                .map(t -> new LogRatioTest(
                        t.worse(), t.margin(), watchAlpha, EffectPrior.calibrated(), maxAutocorrelation))
                .toList();
        this.ruleOutTests = watchTests.stream()
                .map(t -> LogRatioTest.ruleOut(
                        t.worse(),
                        ruleOutRatio(t.worse(), t.margin()),
                        missedRegressionRate,
                        EffectPrior.calibrated(),
                        maxAutocorrelation))
                .toList();
        this.plannedWatchLooks = plannedWatchLooks;
        this.noDataLimit = noDataLimit;
    }

    /** A regression smaller than a step of 1% beyond the margin is not one a pass has to rule out. */
    private static final double MIN_RULE_OUT_STEP = Math.log(1.01);

    /**
     * The regression a pass must rule out, canary over baseline: twice the margin on the log scale ((1 + m)², or
     * (1 − m)² where lower is worse), so p99 +15% allowed rules out +32%, accuracy −2% allowed rules out −4%; at least a
     * step of 1% beyond the margin, so a margin of 0 asks to rule out 1% rather than the impossible 0.
     */
    static double ruleOutRatio(Worse worse, double margin) {
        double allowed = Math.abs(worse == Worse.HIGHER ? Math.log1p(margin) : Math.log1p(-margin));
        double ruledOut = Math.max(2 * allowed, allowed + MIN_RULE_OUT_STEP);
        return worse == Worse.HIGHER ? Math.exp(ruledOut) : Math.exp(-ruledOut);
    }

    /** How many relative tests the metric runs (one per margin, in the canary and again in the watch). */
    static int relativeTests(MetricSpec spec) {
        return watchTests(spec).size();
    }

    private static List<MarginMannWhitneyTest> watchTests(MetricSpec spec) {
        List<MarginMannWhitneyTest> tests = new ArrayList<>();
        spec.maxIncrease().ifPresent(m -> tests.add(new MarginMannWhitneyTest(Worse.HIGHER, m)));
        spec.maxDecrease().ifPresent(m -> tests.add(new MarginMannWhitneyTest(Worse.LOWER, m)));
        return List.copyOf(tests);
    }

    @Override
    public MetricSpec spec() {
        return spec;
    }

    @Override
    public MetricEvidence begin() {
        List<LogRatioEvidence> relative =
                canaryTests.stream().map(LogRatioTest::empty).toList();
        List<LogRatioEvidence> ruleOut =
                ruleOutTests.stream().map(LogRatioTest::empty).toList();
        return new Samples(new double[0], new double[0], 0, new double[0], relative, 0, List.of(), ruleOut);
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Samples s = (Samples) evidence;
        return new Samples(
                s.candidate(),
                s.baseline(),
                s.candidate().length,
                s.watch(),
                s.relative(),
                s.consecutiveNoData(),
                s.watchRelative(),
                s.ruleOut());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Samples s = (Samples) evidence;
        List<LogRatioEvidence> paired =
                pairedWatchTests.stream().map(LogRatioTest::empty).toList();
        return new Samples(
                s.candidate(),
                s.baseline(),
                s.candidate().length,
                new double[0],
                s.relative(),
                0,
                paired,
                ruleOutEvidence(s));
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Samples s = (Samples) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(s, MetricJudge.check(spec, readings, unit, SampleJudge::valueOf), false);
            case CANARY -> canaryLook(s, readings, context);
            case WATCH ->
                readings.baseline() instanceof Reading.Scalar
                                && !s.watchRelative().isEmpty()
                        ? pairedWatchLook(s, readings, context)
                        : watchLook(s, readings, context.end());
        };
    }

    private Assessment canaryLook(Samples s, Readings readings, LookContext context) {
        if (!(readings.candidate() instanceof Reading.Scalar c) || !(readings.baseline() instanceof Reading.Scalar b)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        List<LogRatioEvidence> relative;
        List<LogRatioEvidence> ruleOut;
        try {
            relative = added(canaryTests, relativeEvidence(s), c.value(), b.value());
            ruleOut = added(ruleOutTests, ruleOutEvidence(s), c.value(), b.value());
        } catch (IllegalArgumentException e) {
            int inARow = s.consecutiveNoData() + 1;
            String why = "values cannot be compared: " + e.getMessage();
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        Samples next = new Samples(
                append(s.candidate(), c.value()),
                append(s.baseline(), b.value()),
                s.stageStart(),
                s.watch(),
                relative,
                0,
                s.watchRelative(),
                ruleOut);
        Judgement judgement = pairedJudgement(
                canaryTests, next.relative(), next.ruleOut(), next.stageCandidate(), context, c.value(), b.value());
        return new Assessment(
                next,
                new MetricLook(spec.name(), judgement.outcome, c.value(), b.value(), unit, judgement.text),
                false);
    }

    private static List<LogRatioEvidence> added(
            List<LogRatioTest> tests, List<LogRatioEvidence> evidence, double candidate, double baseline) {
        List<LogRatioEvidence> next = new ArrayList<>();
        for (int j = 0; j < tests.size(); j++) {
            next.add(tests.get(j).add(evidence.get(j), candidate, baseline));
        }
        return next;
    }

    /**
     * The relative tests' evidence so far. A state saved before this judge kept it holds only the values, and one saved
     * before the test allowed for autocorrelated looks holds evidence its tests no longer accept; since the canary's
     * looks are stored in pairs, the evidence is rebuilt from them, exactly as it would have grown.
     */
    private List<LogRatioEvidence> relativeEvidence(Samples s) {
        return current(canaryTests, s.relative(), s);
    }

    /** The rule-outs' evidence so far; a state saved before they existed rebuilds them from the canary's pairs. */
    private List<LogRatioEvidence> ruleOutEvidence(Samples s) {
        return current(ruleOutTests, s.ruleOut(), s);
    }

    private static List<LogRatioEvidence> current(List<LogRatioTest> tests, List<LogRatioEvidence> saved, Samples s) {
        if (saved.size() == tests.size() && allAccepted(tests, saved)) {
            return saved;
        }
        List<LogRatioEvidence> rebuilt = new ArrayList<>();
        for (LogRatioTest test : tests) {
            LogRatioEvidence evidence = test.empty();
            for (int k = 0; k < s.candidate().length; k++) {
                evidence = test.add(evidence, s.candidate()[k], s.baseline()[k]);
            }
            rebuilt.add(evidence);
        }
        return rebuilt;
    }

    private static boolean allAccepted(List<LogRatioTest> tests, List<LogRatioEvidence> evidence) {
        for (int j = 0; j < tests.size(); j++) {
            if (!tests.get(j).accepts(evidence.get(j))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A paired look's outcome: a relative test that rejects fails it; at the end of the period the absolute bounds
     * decide, and a pass needs every rule-out shown, or the stage bakes on (inconclusive at its last chance).
     */
    private Judgement pairedJudgement(
            List<LogRatioTest> tests,
            List<LogRatioEvidence> evidenceByTest,
            List<LogRatioEvidence> ruleOut,
            double[] period,
            LookContext context,
            double candidate,
            double baseline) {
        for (int j = 0; j < tests.size(); j++) {
            LogRatioTest test = tests.get(j);
            LogRatioEvidence evidence = evidenceByTest.get(j);
            if (test.rejects(evidence)) {
                return new Judgement(
                        Outcome.FAIL,
                        Format.number(evidence.ratio()) + "× the baseline (geometric mean over " + evidence.looks()
                                + " looks), beyond the allowed " + allowed(test.worse(), test.margin())
                                + " (evidence " + Format.evidence(Math.exp(evidence.maxLogEValue())) + " ≥ "
                                + Format.number(1 / test.alpha()) + ")");
            }
        }
        if (!context.end()) {
            String interval = Format.value(candidate, unit) + " vs " + Format.value(baseline, unit) + " this interval";
            if (tests.isEmpty()) {
                return new Judgement(Outcome.CONTINUE, interval);
            }
            LogRatioEvidence evidence = evidenceByTest.get(0);
            return new Judgement(
                    Outcome.CONTINUE,
                    interval + "; " + Format.number(evidence.ratio()) + "× the baseline so far (geometric mean over "
                            + evidence.looks() + (evidence.looks() == 1 ? " look" : " looks") + ", allowed "
                            + allowedAll() + ")"
                            + MetricJudge.notShownYet(beyondAnAllowance(tests, evidenceByTest)));
        }
        Judgement bounds = endOfPeriod(period);
        if (bounds.outcome != Outcome.PASS || tests.isEmpty()) {
            return bounds;
        }
        String margins = marginsSentence(tests, evidenceByTest);
        for (int j = 0; j < ruleOutTests.size(); j++) {
            LogRatioTest test = ruleOutTests.get(j);
            LogRatioEvidence evidence = ruleOut.get(j);
            if (!test.rejects(evidence)) {
                return new Judgement(
                        context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE,
                        margins + ": not enough data yet to show the candidate " + ruleOutLevel(test) + " (evidence "
                                + Format.evidence(test.eValue(evidence)) + " of the " + Format.number(1 / test.alpha())
                                + " needed)" + (context.lastChance() ? "" : "; baking on"));
            }
        }
        StringBuilder shown = new StringBuilder(margins);
        for (int j = 0; j < ruleOutTests.size(); j++) {
            LogRatioTest test = ruleOutTests.get(j);
            shown.append(j == 0 ? "; shown " : " and ")
                    .append(ruleOutLevel(test))
                    .append(" (evidence ")
                    .append(Format.evidence(Math.exp(ruleOut.get(j).maxLogEValue())))
                    .append(" ≥ ")
                    .append(Format.number(1 / test.alpha()))
                    .append(")");
        }
        return new Judgement(Outcome.PASS, shown + "; " + bounds.text);
    }

    /** Where the canary stands against each margin, never calling a ratio beyond its margin "within". */
    private String marginsSentence(List<LogRatioTest> tests, List<LogRatioEvidence> evidenceByTest) {
        LogRatioEvidence first = evidenceByTest.get(0);
        StringBuilder text = new StringBuilder(
                Format.number(first.ratio()) + "× the baseline (geometric mean over " + first.looks() + " looks)");
        for (int j = 0; j < tests.size(); j++) {
            LogRatioTest test = tests.get(j);
            double ratio = evidenceByTest.get(j).ratio();
            boolean beyond = test.worse() == Worse.HIGHER ? ratio > 1 + test.margin() : ratio < 1 - test.margin();
            text.append(j == 0 ? ", " : " and ")
                    .append(beyond ? "beyond the allowed " : "within the allowed ")
                    .append(allowed(test.worse(), test.margin()))
                    .append(beyond ? " but not shown to exceed it" : "");
        }
        return text.toString();
    }

    /** "below 1.32× the baseline", or "above 0.96× the baseline" where lower is worse. */
    private static String ruleOutLevel(LogRatioTest ruleOut) {
        // a rule-out is the metric's test turned round: its boundary ratio is 1 + margin where it looks for "lower"
        boolean higherIsWorse = ruleOut.worse() == Worse.LOWER;
        double ratio = higherIsWorse ? 1 - ruleOut.margin() : 1 + ruleOut.margin();
        return (higherIsWorse ? "below " : "above ") + Format.number(ratio) + "× the baseline";
    }

    private Assessment watchLook(Samples s, Readings readings, boolean watchEnd) {
        if (!(readings.candidate() instanceof Reading.Scalar c)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), null, Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        Samples next = new Samples(
                s.candidate(),
                s.baseline(),
                s.stageStart(),
                append(s.watch(), c.value()),
                s.relative(),
                0,
                s.watchRelative(),
                s.ruleOut());
        Judgement judgement = watchJudgement(next.watch(), next.baseline(), watchEnd);
        Double reference = s.baseline().length == 0 ? null : median(s.baseline());
        return new Assessment(
                next,
                new MetricLook(spec.name(), judgement.outcome, c.value(), reference, unit, judgement.text),
                false);
    }

    /**
     * The promoted candidate against the baseline held back beside it: the canary's paired test, fresh, so a load that
     * slows both versions during the watch cancels as it does during the canary.
     */
    private Assessment pairedWatchLook(Samples s, Readings readings, LookContext context) {
        if (!(readings.candidate() instanceof Reading.Scalar c)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        double baseline = ((Reading.Scalar) readings.baseline()).value();
        List<LogRatioEvidence> paired;
        List<LogRatioEvidence> ruleOut;
        try {
            paired = added(pairedWatchTests, s.watchRelative(), c.value(), baseline);
            ruleOut = added(ruleOutTests, ruleOutEvidence(s), c.value(), baseline);
        } catch (IllegalArgumentException e) {
            int inARow = s.consecutiveNoData() + 1;
            String why = "values cannot be compared: " + e.getMessage();
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        Samples next = new Samples(
                s.candidate(),
                s.baseline(),
                s.stageStart(),
                append(s.watch(), c.value()),
                s.relative(),
                0,
                paired,
                ruleOut);
        Judgement judgement =
                pairedJudgement(pairedWatchTests, paired, ruleOut, next.watch(), context, c.value(), baseline);
        return new Assessment(
                next, new MetricLook(spec.name(), judgement.outcome, c.value(), baseline, unit, judgement.text), false);
    }

    private record Judgement(Outcome outcome, String text) {}

    /**
     * @param candidate the promoted candidate's values so far
     * @param reference the baseline's values from the canary
     */
    private Judgement watchJudgement(double[] candidate, double[] reference, boolean end) {
        double level = watchAlpha > 0
                ? AlphaSpending.of(watchAlpha, Math.max(1, plannedWatchLooks)).levelAt(candidate.length)
                : 0;
        for (MarginMannWhitneyTest test : watchTests) {
            if (reference.length == 0 || level == 0) {
                continue;
            }
            MannWhitneyEvidence evidence;
            try {
                evidence = test.test(candidate, reference);
            } catch (IllegalArgumentException e) {
                return new Judgement(Outcome.NODATA, "values cannot be compared: " + e.getMessage());
            }
            if (evidence.rejectsAt(level)) {
                return new Judgement(
                        Outcome.FAIL,
                        Format.number(evidence.ratio()) + "× the baseline before promotion (median of "
                                + candidate.length + "×" + reference.length + " pairwise ratios), beyond the allowed "
                                + allowed(test.worse(), test.margin()) + " (p=" + Format.number(evidence.pValue())
                                + " ≤ " + Format.number(level) + " at this look)");
            }
        }
        if (!end) {
            String now = Format.value(candidate[candidate.length - 1], unit) + " this interval";
            if (reference.length == 0) {
                return new Judgement(Outcome.CONTINUE, now);
            }
            return new Judgement(
                    Outcome.CONTINUE,
                    now + "; median " + Format.value(median(candidate), unit) + " vs "
                            + Format.value(median(reference), unit)
                            + " so far against the baseline before promotion, no regression shown");
        }
        Judgement bounds = endOfPeriod(candidate);
        if (bounds.outcome != Outcome.PASS || watchTests.isEmpty() || reference.length == 0) {
            return bounds;
        }
        return new Judgement(
                Outcome.PASS,
                bounds.text + "; no regression beyond the allowed " + allowedAll()
                        + " shown against the baseline before promotion (no live baseline: promote.holdback is 0)");
    }

    /**
     * The absolute bounds at the end of a stage or of the watch, once no relative test has failed: too few values hold,
     * the bounds apply to the median of the period's values, and otherwise they pass (what the margins need is the
     * caller's).
     *
     * @param period the values of the stage, or of the watch
     */
    private Judgement endOfPeriod(double[] period) {
        if (period.length < MIN_VALUES_FOR_PASS) {
            return new Judgement(
                    Outcome.HOLD,
                    "too few values: " + period.length + " look(s) with data, " + MIN_VALUES_FOR_PASS + " needed");
        }
        double median = median(period);
        if (spec.max().isPresent() && median > spec.max().getAsDouble()) {
            return new Judgement(
                    Outcome.FAIL,
                    "median " + Format.value(median, unit) + " over " + period.length + " looks is over the limit of "
                            + Format.value(spec.max().getAsDouble(), unit));
        }
        if (spec.min().isPresent() && median < spec.min().getAsDouble()) {
            return new Judgement(
                    Outcome.FAIL,
                    "median " + Format.value(median, unit) + " over " + period.length + " looks is under the limit of "
                            + Format.value(spec.min().getAsDouble(), unit));
        }
        return new Judgement(
                Outcome.PASS, "median " + Format.value(median, unit) + " over " + period.length + " looks" + bounds());
    }

    /** Whether the candidate's geometric mean so far is beyond any of the tests' margins. */
    private static boolean beyondAnAllowance(List<LogRatioTest> tests, List<LogRatioEvidence> evidenceByTest) {
        for (int j = 0; j < tests.size(); j++) {
            LogRatioTest test = tests.get(j);
            double ratio = evidenceByTest.get(j).ratio();
            if (test.worse() == Worse.HIGHER ? ratio > 1 + test.margin() : ratio < 1 - test.margin()) {
                return true;
            }
        }
        return false;
    }

    private String allowedAll() {
        return String.join(
                " / ",
                watchTests.stream().map(t -> allowed(t.worse(), t.margin())).toList());
    }

    private static String allowed(Worse worse, double margin) {
        return worse == Worse.HIGHER ? Format.margin(margin) : Format.margin(-margin);
    }

    private String bounds() {
        StringBuilder text = new StringBuilder();
        spec.max().ifPresent(max -> text.append(", under ").append(Format.value(max, unit)));
        spec.min().ifPresent(min -> text.append(", over ").append(Format.value(min, unit)));
        return text.toString();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double[] append(double[] values, double value) {
        double[] longer = Arrays.copyOf(values, values.length + 1);
        longer[values.length] = value;
        return longer;
    }

    private static double valueOf(Reading reading) {
        return reading instanceof Reading.Scalar s ? s.value() : Double.NaN;
    }
}
