package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Samples;
import io.mlrollout.core.analysis.stats.AlphaSpending;
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
 * Judges a quantile or value metric from one number per look and version. The relative margins are tested with
 * Mann-Whitney U over all looks so far, each look at its share of the budget ({@link AlphaSpending}); the absolute
 * bounds ({@code max}, {@code min}) apply to the median of the stage's values when the stage ends. After promotion
 * the candidate's values are compared with the baseline's values from the canary.
 */
final class SampleJudge implements MetricJudge {

    /** Fewer values than this cannot support a pass. */
    static final int MIN_VALUES_FOR_PASS = 3;

    private final MetricSpec spec;
    private final String unit;
    private final List<MarginMannWhitneyTest> tests;
    private final double alpha;
    private final int plannedLooks;
    private final double watchAlpha;
    private final int plannedWatchLooks;
    private final int noDataLimit;

    /**
     * @param alpha each relative test's share of the budget during the canary
     * @param plannedLooks looks the canary plans (the spending schedule's horizon)
     */
    SampleJudge(
            MetricSpec spec,
            double alpha,
            int plannedLooks,
            double watchAlpha,
            int plannedWatchLooks,
            int noDataLimit) {
        this.spec = spec;
        this.unit = spec.kind() == MetricSpec.Kind.QUANTILE ? "ms" : "";
        this.tests = relativeTests(spec);
        this.alpha = alpha;
        this.plannedLooks = plannedLooks;
        this.watchAlpha = watchAlpha;
        this.plannedWatchLooks = plannedWatchLooks;
        this.noDataLimit = noDataLimit;
    }

    static List<MarginMannWhitneyTest> relativeTests(MetricSpec spec) {
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
        return new Samples(new double[0], new double[0], 0, new double[0], 0);
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Samples s = (Samples) evidence;
        return new Samples(s.candidate(), s.baseline(), s.candidate().length, s.watch(), s.consecutiveNoData());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Samples s = (Samples) evidence;
        return new Samples(s.candidate(), s.baseline(), s.candidate().length, new double[0], 0);
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Samples s = (Samples) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(s, MetricJudge.check(spec, readings, unit, SampleJudge::valueOf), false);
            case CANARY -> canaryLook(s, readings, context.end());
            case WATCH -> watchLook(s, readings, context.end());
        };
    }

    private Assessment canaryLook(Samples s, Readings readings, boolean stageEnd) {
        if (!(readings.candidate() instanceof Reading.Scalar c) || !(readings.baseline() instanceof Reading.Scalar b)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        Samples next = new Samples(
                append(s.candidate(), c.value()), append(s.baseline(), b.value()), s.stageStart(), s.watch(), 0);
        double[] stageValues = next.stageCandidate();
        Judgement judgement =
                judge(next.candidate(), next.baseline(), stageValues, alpha, plannedLooks, stageEnd, "the baseline");
        return new Assessment(
                next,
                new MetricLook(spec.name(), judgement.outcome, c.value(), b.value(), unit, judgement.text),
                false);
    }

    private Assessment watchLook(Samples s, Readings readings, boolean watchEnd) {
        if (!(readings.candidate() instanceof Reading.Scalar c)) {
            int inARow = s.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), null, Reading.Scalar.class);
            return MetricJudge.noData(spec, s.withNoData(inARow), inARow, noDataLimit, why, unit);
        }
        Samples next = new Samples(s.candidate(), s.baseline(), s.stageStart(), append(s.watch(), c.value()), 0);
        Judgement judgement = judge(
                next.watch(),
                next.baseline(),
                next.watch(),
                watchAlpha,
                plannedWatchLooks,
                watchEnd,
                "the baseline before promotion");
        Double reference = s.baseline().length == 0 ? null : median(s.baseline());
        return new Assessment(
                next,
                new MetricLook(spec.name(), judgement.outcome, c.value(), reference, unit, judgement.text),
                false);
    }

    private record Judgement(Outcome outcome, String text) {}

    /**
     * @param candidate every candidate value the relative tests see
     * @param reference the baseline values they are compared with
     * @param period the values the absolute bounds and the pass rule look at (the stage's, or the watch's)
     */
    private Judgement judge(
            double[] candidate,
            double[] reference,
            double[] period,
            double budget,
            int planned,
            boolean end,
            String against) {
        double level =
                budget > 0 ? AlphaSpending.of(budget, Math.max(1, planned)).levelAt(candidate.length) : 0;
        for (MarginMannWhitneyTest test : tests) {
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
                        Format.number(evidence.ratio()) + "× " + against + " (median of " + candidate.length + "×"
                                + reference.length + " pairwise ratios), beyond the allowed "
                                + allowed(test) + " (p=" + Format.number(evidence.pValue()) + " ≤ "
                                + Format.number(level) + " at this look)");
            }
        }
        if (!end) {
            return new Judgement(Outcome.CONTINUE, ongoing(candidate, reference, against));
        }
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
                        + (tests.isEmpty() || reference.length == 0 ? "" : ", within the allowed " + allowedAll())
                        + bounds());
    }

    private String ongoing(double[] candidate, double[] reference, String against) {
        if (reference.length == 0) {
            return Format.value(candidate[candidate.length - 1], unit) + " this interval";
        }
        return Format.value(candidate[candidate.length - 1], unit) + " vs "
                + Format.value(reference[reference.length - 1], unit) + " this interval; median "
                + Format.value(median(candidate), unit) + " vs " + Format.value(median(reference), unit)
                + " so far against " + against + ", no regression shown";
    }

    private String allowedAll() {
        return String.join(" / ", tests.stream().map(SampleJudge::allowed).toList());
    }

    private static String allowed(MarginMannWhitneyTest test) {
        return test.worse() == Worse.HIGHER ? Format.margin(test.margin()) : Format.margin(-test.margin());
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
