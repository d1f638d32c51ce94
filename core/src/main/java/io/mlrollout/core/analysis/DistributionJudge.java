package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Distribution;
import io.mlrollout.core.analysis.stats.AlphaSpending;
import io.mlrollout.core.analysis.stats.Drift;
import io.mlrollout.core.analysis.stats.DriftBounds;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.MetricSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Judges a distribution metric (e.g. prediction scores) by testing whether the candidate's histogram drifts from the
 * baseline's beyond the policy's bounds ({@code maxPsi}, {@code maxKs}), over the stage's pooled counts.
 *
 * <p>Each bound is one test charged its share of the false-rollback budget: at every look the budget's share for that
 * look ({@link AlphaSpending} over the canary's planned looks) gives confidence bounds on the drift ({@link
 * DriftBounds}), and the metric fails only when the lower bound is beyond the policy's bound. By the union bound over
 * looks a candidate whose drift is within the bound is failed with probability at most the test's share. A pass needs
 * the upper bound within the bound, at the confidence {@code analysis.missedRegressionRate} gives, spent over the looks
 * the same way; otherwise the stage bakes on, then is inconclusive.
 *
 * <p>After promotion the promoted candidate is compared with the baseline held back beside it when the router reads
 * one, otherwise with the baseline's counts from the canary, by fresh tests at the watch's share.
 */
final class DistributionJudge implements MetricJudge {

    private static final String UNIT = "";

    private final MetricSpec spec;
    private final long minRequests;
    private final int noDataLimit;
    private final AlphaSpending canaryFail;
    private final AlphaSpending canaryPass;
    private final AlphaSpending watchFail;
    private final AlphaSpending watchPass;

    /**
     * @param perCanaryTest each bound's share of the budget during the canary
     * @param perWatchTest each bound's share during the watch after promotion (unused when 0: no watch)
     * @param missedRegressionRate the chance of showing a drifted candidate within its bound, per bound
     * @param canaryLooks the looks the canary plans, the horizon of the spending
     * @param watchLooks the looks the watch plans
     */
    DistributionJudge(
            MetricSpec spec,
            double perCanaryTest,
            double perWatchTest,
            long minRequests,
            int noDataLimit,
            double missedRegressionRate,
            int canaryLooks,
            int watchLooks) {
        this.spec = spec;
        this.minRequests = minRequests;
        this.noDataLimit = noDataLimit;
        this.canaryFail = AlphaSpending.of(perCanaryTest, canaryLooks);
        this.canaryPass = AlphaSpending.of(missedRegressionRate, canaryLooks);
        this.watchFail = perWatchTest > 0 ? AlphaSpending.of(perWatchTest, Math.max(1, watchLooks)) : null;
        this.watchPass = AlphaSpending.of(missedRegressionRate, Math.max(1, watchLooks));
    }

    /** How many tests the metric runs: one per bound. */
    static int tests(MetricSpec spec) {
        return (spec.maxPsi().isPresent() ? 1 : 0) + (spec.maxKs().isPresent() ? 1 : 0);
    }

    @Override
    public MetricSpec spec() {
        return spec;
    }

    @Override
    public MetricEvidence begin() {
        double[] none = new double[0];
        return new Distribution(none, none, none, none, none, none, 0, 0);
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Distribution d = (Distribution) evidence;
        double[] zero = new double[d.bounds().length];
        return new Distribution(
                d.bounds(), zero, zero, d.baseline(), d.watch(), d.watchBaseline(), d.looks(), d.consecutiveNoData());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Distribution d = (Distribution) evidence;
        double[] zero = new double[d.bounds().length];
        return new Distribution(d.bounds(), d.stageCandidate(), d.stageBaseline(), d.baseline(), zero, zero, 0, 0);
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Distribution d = (Distribution) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(d, MetricJudge.check(spec, readings, UNIT, DistributionJudge::total), false);
            case CANARY -> canaryLook(d, readings, context);
            case WATCH -> watchLook(d, readings, context);
        };
    }

    private Assessment canaryLook(Distribution d, Readings readings, LookContext context) {
        if (!(readings.candidate() instanceof Reading.Histogram c)
                || !(readings.baseline() instanceof Reading.Histogram b)) {
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Histogram.class);
            return noData(d, why);
        }
        double[] bounds = d.bounds().length == 0 ? c.upperBounds() : d.bounds();
        if (!Arrays.equals(bounds, c.upperBounds()) || !Arrays.equals(bounds, b.upperBounds())) {
            return noData(d, "the histogram's buckets differ between versions or changed during the rollout");
        }
        Distribution next = new Distribution(
                bounds,
                add(d.stageCandidate(), c.counts()),
                add(d.stageBaseline(), b.counts()),
                add(d.baseline(), b.counts()),
                d.watch(),
                d.watchBaseline(),
                d.looks(),
                0);
        return judge(
                next,
                next.stageCandidate(),
                next.stageBaseline(),
                context,
                canaryFail,
                canaryPass,
                "the baseline",
                "in this stage");
    }

    private Assessment watchLook(Distribution d, Readings readings, LookContext context) {
        if (!(readings.candidate() instanceof Reading.Histogram c)) {
            return noData(d, MetricJudge.whyUnusable(readings.candidate(), null, Reading.Histogram.class));
        }
        if (!Arrays.equals(d.bounds(), c.upperBounds())) {
            return noData(d, "the histogram's buckets changed during the rollout");
        }
        boolean heldBack =
                readings.baseline() instanceof Reading.Histogram b && Arrays.equals(d.bounds(), b.upperBounds());
        double[] watchBaseline = d.watchBaseline() == null ? new double[d.bounds().length] : d.watchBaseline();
        if (heldBack) {
            watchBaseline = add(watchBaseline, ((Reading.Histogram) readings.baseline()).counts());
        }
        Distribution next = new Distribution(
                d.bounds(),
                d.stageCandidate(),
                d.stageBaseline(),
                d.baseline(),
                add(d.watch(), c.counts()),
                watchBaseline,
                d.looks(),
                0);
        if (watchFail == null) {
            return new Assessment(
                    next,
                    new MetricLook(spec.name(), Outcome.CONTINUE, null, null, UNIT, "no watch planned: not judged"),
                    false);
        }
        return heldBack
                ? judge(
                        next,
                        next.watch(),
                        watchBaseline,
                        context,
                        watchFail,
                        watchPass,
                        "the held-back baseline",
                        "since promotion")
                : judge(
                        next,
                        next.watch(),
                        next.baseline(),
                        context,
                        watchFail,
                        watchPass,
                        "the baseline before promotion",
                        "since promotion");
    }

    /** One drift measure the policy bounds, with its confidence bounds at this look. */
    private record Measure(
            String name, double estimate, double limit, DriftBounds.Interval failing, DriftBounds.Interval passing) {}

    private Assessment judge(
            Distribution next,
            double[] candidate,
            double[] reference,
            LookContext context,
            AlphaSpending fail,
            AlphaSpending pass,
            String against,
            String when) {
        double candidateEvents = sum(candidate);
        double referenceEvents = sum(reference);
        if (candidateEvents < minRequests || referenceEvents < minRequests) {
            String text = "too few events " + when + ": " + (long) candidateEvents + " candidate and "
                    + (long) referenceEvents + " reference events, " + minRequests + " each needed";
            return new Assessment(next, new MetricLook(spec.name(), Outcome.HOLD, null, null, UNIT, text), false);
        }
        int look = next.looks() + 1;
        Distribution judged = new Distribution(
                next.bounds(),
                next.stageCandidate(),
                next.stageBaseline(),
                next.baseline(),
                next.watch(),
                next.watchBaseline(),
                look,
                0);
        Drift drift = Drift.between(candidate, reference);
        List<Measure> measures = measures(drift, candidate, reference, fail.levelAt(look), pass.levelAt(look));
        String whenAgainst = " " + when + " against " + against;
        // The chart shows the drift statistic the policy bounds (PSI when given, else KS).
        double shown = spec.maxPsi().isPresent() ? drift.psi() : drift.ks();
        List<Measure> drifted =
                measures.stream().filter(m -> m.failing().lower() > m.limit()).toList();
        if (!drifted.isEmpty()) {
            StringBuilder text = new StringBuilder("the candidate's scores drifted beyond the limit: ");
            for (Measure m : drifted) {
                text.append(m.name())
                        .append(" at least ")
                        .append(Format.number(m.failing().lower()))
                        .append(" (estimate ")
                        .append(Format.number(m.estimate()))
                        .append(", limit ")
                        .append(Format.number(m.limit()))
                        .append(") ");
            }
            text.append(whenAgainst.strip());
            return look(judged, Outcome.FAIL, shown, text.toString());
        }
        String estimates = estimates(measures) + whenAgainst;
        if (!context.end()) {
            return look(judged, Outcome.CONTINUE, shown, estimates + ", no drift beyond the limit shown");
        }
        boolean within = measures.stream().allMatch(m -> m.passing().upper() <= m.limit());
        if (within) {
            return look(judged, Outcome.PASS, shown, estimates + "; shown within: " + upperBounds(measures));
        }
        return look(
                judged,
                context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE,
                shown,
                estimates + "; not enough data yet to show it is within the limit (" + upperBounds(measures) + ")"
                        + (context.lastChance() ? "" : "; baking on"));
    }

    private List<Measure> measures(
            Drift drift, double[] candidate, double[] reference, double failLevel, double passLevel) {
        List<Measure> measures = new ArrayList<>();
        OptionalDouble maxPsi = spec.maxPsi();
        if (maxPsi.isPresent()) {
            measures.add(new Measure(
                    "PSI",
                    drift.psi(),
                    maxPsi.getAsDouble(),
                    DriftBounds.psi(candidate, reference, failLevel),
                    DriftBounds.psi(candidate, reference, passLevel)));
        }
        OptionalDouble maxKs = spec.maxKs();
        if (maxKs.isPresent()) {
            measures.add(new Measure(
                    "KS distance",
                    drift.ks(),
                    maxKs.getAsDouble(),
                    DriftBounds.ks(candidate, reference, failLevel),
                    DriftBounds.ks(candidate, reference, passLevel)));
        }
        return measures;
    }

    private static String estimates(List<Measure> measures) {
        List<String> parts = new ArrayList<>();
        for (Measure m : measures) {
            parts.add(m.name() + " " + Format.number(m.estimate()) + " (limit " + Format.number(m.limit()) + ")");
        }
        return String.join(", ", parts);
    }

    private static String upperBounds(List<Measure> measures) {
        List<String> parts = new ArrayList<>();
        for (Measure m : measures) {
            parts.add(m.name() + " at most " + Format.number(m.passing().upper()));
        }
        return String.join(", ", parts);
    }

    private Assessment look(Distribution next, Outcome outcome, double shown, String text) {
        return new Assessment(next, new MetricLook(spec.name(), outcome, shown, null, UNIT, text), false);
    }

    private Assessment noData(Distribution d, String why) {
        int inARow = d.consecutiveNoData() + 1;
        return MetricJudge.noData(spec, d.withNoData(inARow), inARow, noDataLimit, why, UNIT);
    }

    private static double[] add(double[] sums, double[] counts) {
        double[] total = sums == null || sums.length == 0 ? new double[counts.length] : sums.clone();
        for (int i = 0; i < counts.length; i++) {
            total[i] += counts[i];
        }
        return total;
    }

    private static double sum(double[] counts) {
        return Arrays.stream(counts).sum();
    }

    private static double total(Reading reading) {
        return reading instanceof Reading.Histogram h ? h.total() : Double.NaN;
    }
}
