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
 * apply to the median of the stage's values when the stage ends. After promotion no baseline runs beside the candidate,
 * so its values are compared with the baseline's values from the canary by Mann-Whitney U, each look at its share of
 * the budget ({@link AlphaSpending}).
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

    private final int plannedWatchLooks;
    private final int noDataLimit;

    /**
     * @param alpha each relative test's share of the budget during the canary
     * @param watchAlpha each relative test's share after promotion
     * @param plannedWatchLooks looks the watch plans (the horizon of its spending schedule)
     * @param maxAutocorrelation the correlation between consecutive looks the canary's tests stay valid for
     */
    SampleJudge(
            MetricSpec spec,
            double alpha,
            double watchAlpha,
            int plannedWatchLooks,
            int noDataLimit,
            double maxAutocorrelation) {
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
        this.plannedWatchLooks = plannedWatchLooks;
        this.noDataLimit = noDataLimit;
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
        return new Samples(new double[0], new double[0], 0, new double[0], relative, 0, List.of());
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
                s.watchRelative());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Samples s = (Samples) evidence;
        List<LogRatioEvidence> paired =
                pairedWatchTests.stream().map(LogRatioTest::empty).toList();
        return new Samples(s.candidate(), s.baseline(), s.candidate().length, new double[0], s.relative(), 0, paired);
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Samples s = (Samples) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(s, MetricJudge.check(spec, readings, unit, SampleJudge::valueOf), false);
            case CANARY -> canaryLook(s, readings, context.end());
            case WATCH ->
                readings.baseline() instanceof Reading.Scalar
                                && !s.watchRelative().isEmpty()
                        ? pairedWatchLook(s, readings, context.end())
                        : watchLook(s, readings, context.end());
        };
    }

    private Assessment canaryLook(Samples s, Readings readings, boolean stageEnd) {
        if (!(readings.candidate() instanceof Reading.Scalar c) || !(readings.baseline() instanceof Reading.Scalar b)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        List<LogRatioEvidence> previous = relativeEvidence(s);
        List<LogRatioEvidence> relative = new ArrayList<>();
        for (int j = 0; j < canaryTests.size(); j++) {
            try {
                relative.add(canaryTests.get(j).add(previous.get(j), c.value(), b.value()));
            } catch (IllegalArgumentException e) {
                int inARow = s.consecutiveNoData() + 1;
                String why = "values cannot be compared: " + e.getMessage();
                return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
            }
        }
        Samples next = new Samples(
                append(s.candidate(), c.value()),
                append(s.baseline(), b.value()),
                s.stageStart(),
                s.watch(),
                relative,
                0,
                s.watchRelative());
        Judgement judgement = canaryJudgement(next, stageEnd, c.value(), b.value());
        return new Assessment(
                next,
                new MetricLook(spec.name(), judgement.outcome, c.value(), b.value(), unit, judgement.text),
                false);
    }

    /**
     * The relative tests' evidence so far. A state saved before this judge kept it holds only the values, and one saved
     * before the test allowed for autocorrelated looks holds evidence its tests no longer accept; since the canary's
     * looks are stored in pairs, the evidence is rebuilt from them, exactly as it would have grown.
     */
    private List<LogRatioEvidence> relativeEvidence(Samples s) {
        if (s.relative().size() == canaryTests.size() && allAccepted(s.relative())) {
            return s.relative();
        }
        List<LogRatioEvidence> rebuilt = new ArrayList<>();
        for (LogRatioTest test : canaryTests) {
            LogRatioEvidence evidence = test.empty();
            for (int k = 0; k < s.candidate().length; k++) {
                evidence = test.add(evidence, s.candidate()[k], s.baseline()[k]);
            }
            rebuilt.add(evidence);
        }
        return rebuilt;
    }

    private boolean allAccepted(List<LogRatioEvidence> relative) {
        for (int j = 0; j < canaryTests.size(); j++) {
            if (!canaryTests.get(j).accepts(relative.get(j))) {
                return false;
            }
        }
        return true;
    }

    private Judgement canaryJudgement(Samples next, boolean stageEnd, double candidate, double baseline) {
        return pairedJudgement(canaryTests, next.relative(), next.stageCandidate(), stageEnd, candidate, baseline);
    }

    /** A paired look's outcome: a relative test that rejects fails it, the end of the period decides on the rest. */
    private Judgement pairedJudgement(
            List<LogRatioTest> tests,
            List<LogRatioEvidence> evidenceByTest,
            double[] period,
            boolean end,
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
                                + " (evidence " + Format.number(Math.exp(evidence.maxLogEValue())) + " ≥ "
                                + Format.number(1 / test.alpha()) + ")");
            }
        }
        if (!end) {
            String interval = Format.value(candidate, unit) + " vs " + Format.value(baseline, unit) + " this interval";
            if (tests.isEmpty()) {
                return new Judgement(Outcome.CONTINUE, interval);
            }
            LogRatioEvidence evidence = evidenceByTest.get(0);
            return new Judgement(
                    Outcome.CONTINUE,
                    interval + "; " + Format.number(evidence.ratio()) + "× the baseline so far (geometric mean over "
                            + evidence.looks() + " looks, allowed " + allowedAll() + "), no regression shown");
        }
        return endOfPeriod(period, !tests.isEmpty());
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
                s.watchRelative());
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
    private Assessment pairedWatchLook(Samples s, Readings readings, boolean watchEnd) {
        if (!(readings.candidate() instanceof Reading.Scalar c)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        double baseline = ((Reading.Scalar) readings.baseline()).value();
        List<LogRatioEvidence> paired = new ArrayList<>();
        for (int j = 0; j < pairedWatchTests.size(); j++) {
            try {
                paired.add(pairedWatchTests.get(j).add(s.watchRelative().get(j), c.value(), baseline));
            } catch (IllegalArgumentException e) {
                int inARow = s.consecutiveNoData() + 1;
                String why = "values cannot be compared: " + e.getMessage();
                return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
            }
        }
        Samples next = new Samples(
                s.candidate(), s.baseline(), s.stageStart(), append(s.watch(), c.value()), s.relative(), 0, paired);
        Judgement judgement = pairedJudgement(pairedWatchTests, paired, next.watch(), watchEnd, c.value(), baseline);
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
        return endOfPeriod(candidate, !watchTests.isEmpty() && reference.length > 0);
    }

    /**
     * The decision at the end of a stage or of the watch, once no relative test has failed: too few values hold, the
     * absolute bounds apply to the median of the period's values, and otherwise the metric passes.
     *
     * @param period the values of the stage, or of the watch
     * @param relativeTested whether a relative test ran (so the pass can say the margins held)
     */
    private Judgement endOfPeriod(double[] period, boolean relativeTested) {
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
                Outcome.PASS,
                "median " + Format.value(median, unit) + " over " + period.length
                        + " looks"
                        + (relativeTested ? ", within the allowed " + allowedAll() : "")
                        + bounds());
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
