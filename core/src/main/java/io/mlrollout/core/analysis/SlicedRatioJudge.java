package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Ratio;
import io.mlrollout.core.analysis.MetricEvidence.Sliced;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.SliceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Judges a sliced ratio metric: over all traffic as an unsliced metric is judged, and each slice (each value of the
 * slice label) canary against baseline with the very same tests, each at the same share of the false-rollback budget.
 * The {@link Judge} counts one set of tests for the aggregate and one per slice up to {@code slices.max} (Bonferroni),
 * so the slices' multiplicity is paid for in advance, whatever slices show up.
 *
 * <ul>
 *   <li>A slice is judged once each version has served {@code slices.minRequests} requests in it; a smaller slice is
 *       listed as "too few requests" and decides nothing: the aggregate covers its traffic.
 *   <li>A slice shown worse than the policy allows fails the metric, and the sentence names the slice.
 *   <li>A judged slice whose rate is beyond the bounds, not shown to be, and not shown below the rule-out level
 *       either keeps the stage baking at its end, up to its maxBake, then makes it inconclusive: a regression in one
 *       slice gets the time to show.
 *   <li>Otherwise the aggregate decides, evidence for a pass included: the slices add ways to fail, not a way to
 *       pass, and a slice too small ever to be judged never holds the rollout.
 * </ul>
 */
final class SlicedRatioJudge implements MetricJudge {

    private final MetricSpec spec;
    private final SliceSpec slicing;
    private final RatioJudge aggregate;
    private final RatioJudge perSlice;

    /** @param alpha each test's share of the budget, the same for the aggregate's tests and each slice's */
    SlicedRatioJudge(MetricSpec spec, double alpha, double watchAlpha, AnalysisSettings analysis, int horizon) {
        this.spec = spec;
        this.slicing = spec.slices().orElseThrow();
        this.aggregate = new RatioJudge(spec, alpha, watchAlpha, analysis, horizon);
        this.perSlice =
                new RatioJudge(spec, alpha, watchAlpha, withMinRequests(analysis, slicing.minRequests()), horizon);
    }

    /** The tests over all traffic: what the planner simulates. */
    RatioJudge aggregate() {
        return aggregate;
    }

    /** How many sets of the metric's tests run: the aggregate's, and one per slice that may be judged. */
    static int testSets(SliceSpec slices) {
        return 1 + slices.max();
    }

    private static AnalysisSettings withMinRequests(AnalysisSettings a, long minRequests) {
        return new AnalysisSettings(
                a.interval(),
                a.falseRollbackRate(),
                a.maxAutocorrelation(),
                a.maxDispersion(),
                a.ruleOut(),
                a.missedRegressionRate(),
                minRequests,
                a.onInconclusive(),
                a.limits(),
                a.score(),
                a.plan());
    }

    @Override
    public MetricSpec spec() {
        return spec;
    }

    @Override
    public MetricEvidence begin() {
        return new Sliced(aggregate.begin(), Map.of(), Set.of());
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Sliced s = (Sliced) evidence;
        return new Sliced(aggregate.beginStage(s.aggregate()), each(s.slices(), perSlice::beginStage), s.overMax());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Sliced s = (Sliced) evidence;
        return new Sliced(aggregate.beginWatch(s.aggregate()), each(s.slices(), perSlice::beginWatch), s.overMax());
    }

    private static Map<String, MetricEvidence> each(
            Map<String, MetricEvidence> slices, UnaryOperator<MetricEvidence> step) {
        Map<String, MetricEvidence> next = new TreeMap<>();
        slices.forEach((slice, evidence) -> next.put(slice, step.apply(evidence)));
        return next;
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Sliced s = (Sliced) evidence;
        Assessment overall = aggregate.look(s.aggregate(), readings, context);
        Reading.Counts baseline = readings.baseline() instanceof Reading.Counts b ? b : null;
        if (context.mode() == LookContext.Mode.CHECK
                || !(readings.candidate() instanceof Reading.Counts candidate)
                || (readings.baseline() != null && baseline == null)) {
            // no usable counts (the aggregate says why) or a dry run: the slices wait for the next look
            return new Assessment(
                    new Sliced(overall.evidence(), s.slices(), s.overMax()),
                    overall.look(),
                    overall.noDataLimitReached());
        }
        Map<String, MetricEvidence> slices = new TreeMap<>(s.slices());
        Set<String> overMax = new TreeSet<>(s.overMax());
        admitNewSlices(candidate, baseline, slices, overMax, context);

        List<SliceLook> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, MetricEvidence> slice : slices.entrySet()) {
            String name = slice.getKey();
            Readings pair = new Readings(countsOf(candidate, name), baseline == null ? null : countsOf(baseline, name));
            Assessment assessed = perSlice.look(slice.getValue(), pair, context);
            slice.setValue(assessed.evidence());
            SliceLook row = row(name, (Ratio) assessed.evidence(), assessed.look(), context, baseline != null);
            rows.add(row);
            if (row.verdict() == SliceLook.Verdict.FAIL) {
                failures.add(spec.name() + " in " + row.name() + ": "
                        + assessed.look().explanation());
            }
        }
        for (String name : overMax) {
            Reading.Counts c = countsOf(candidate, name);
            Reading.Counts b = baseline == null ? null : countsOf(baseline, name);
            rows.add(new SliceLook(
                    slicing.label(),
                    name,
                    c.total(),
                    b == null ? 0 : b.total(),
                    MetricJudge.finiteOrNull(c.ratio()),
                    b == null ? null : MetricJudge.finiteOrNull(b.ratio()),
                    SliceLook.Verdict.OVER_MAX));
        }
        rows.sort(Comparator.comparing((SliceLook r) -> r.verdict() != SliceLook.Verdict.FAIL)
                .thenComparing(r -> -r.candidateRequests() - r.baselineRequests()));

        MetricLook look = overall.look();
        List<String> suspects =
                context.end() && failures.isEmpty() && look.outcome() != Outcome.FAIL ? suspects(rows) : List.of();
        Outcome outcome;
        String explanation;
        if (!failures.isEmpty()) {
            outcome = Outcome.FAIL;
            explanation = String.join("; ", failures) + "; over all traffic: " + look.explanation();
        } else if (!suspects.isEmpty()) {
            outcome = context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE;
            explanation = String.join("; ", suspects) + (context.lastChance() ? "" : "; baking on")
                    + "; over all traffic: " + look.explanation();
        } else {
            outcome = look.outcome();
            explanation = look.explanation() + "; " + summary(rows);
        }
        MetricLook sliced = new MetricLook(
                look.metric(), outcome, look.candidate(), look.baseline(), look.unit(), explanation, rows);
        return new Assessment(new Sliced(overall.evidence(), slices, overMax), sliced, overall.noDataLimitReached());
    }

    /**
     * Gives each slice seen for the first time its own tests while fewer than {@code slices.max} have them, the largest
     * first; the others are listed, not judged. Which slices are judged never depends on their error rates.
     */
    private void admitNewSlices(
            Reading.Counts candidate,
            Reading.Counts baseline,
            Map<String, MetricEvidence> slices,
            Set<String> overMax,
            LookContext context) {
        Set<String> seen = new TreeSet<>(candidate.slices().keySet());
        if (baseline != null) {
            seen.addAll(baseline.slices().keySet());
        }
        seen.removeAll(slices.keySet());
        seen.removeAll(overMax);
        List<String> newcomers = seen.stream()
                .sorted(Comparator.comparingDouble((String n) -> -requests(candidate, baseline, n))
                        .thenComparing(n -> n))
                .toList();
        for (String name : newcomers) {
            if (slices.size() < slicing.max()) {
                MetricEvidence fresh = perSlice.begin();
                slices.put(name, context.mode() == LookContext.Mode.WATCH ? perSlice.beginWatch(fresh) : fresh);
            } else {
                overMax.add(name);
            }
        }
    }

    private static double requests(Reading.Counts candidate, Reading.Counts baseline, String slice) {
        return countsOf(candidate, slice).total()
                + (baseline == null ? 0 : countsOf(baseline, slice).total());
    }

    /** A slice's counts this look; none when its series are absent (no traffic in it). */
    private static Reading.Counts countsOf(Reading.Counts counts, String slice) {
        return counts.slices().getOrDefault(slice, new Reading.Counts(0, 0));
    }

    /** The slice's row: the requests its tests have judged (the canary so far, or the watch) and its verdict. */
    private SliceLook row(String name, Ratio evidence, MetricLook look, LookContext context, boolean paired) {
        MetricEvidence.Counts judged = context.mode() == LookContext.Mode.WATCH ? evidence.stage() : evidence.canary();
        boolean enough = judged.candidateTotal() >= slicing.minRequests()
                && (!paired || judged.baselineTotal() >= slicing.minRequests());
        SliceLook.Verdict verdict;
        if (look.outcome() == Outcome.FAIL) {
            verdict = SliceLook.Verdict.FAIL;
        } else if (!enough) {
            verdict = SliceLook.Verdict.TOO_FEW_REQUESTS;
        } else if (look.outcome() == Outcome.PASS) {
            verdict = SliceLook.Verdict.SHOWN_WITHIN;
        } else {
            verdict = SliceLook.Verdict.NO_REGRESSION_SHOWN;
        }
        return new SliceLook(
                slicing.label(),
                name,
                judged.candidateTotal(),
                judged.baselineTotal(),
                MetricJudge.finiteOrNull(judged.candidateBad() / judged.candidateTotal()),
                paired ? MetricJudge.finiteOrNull(judged.baselineBad() / judged.baselineTotal()) : null,
                verdict);
    }

    /**
     * The judged slices that have not shown the candidate within their bounds (the rule-out of a large regression) and
     * whose rate is beyond them, though not shown to be: at the end of the bake they keep the stage baking (up to its
     * maxBake, then inconclusive), so a regression in one slice gets the time to show. A slice whose estimate is merely
     * noisy but that has ruled out a large regression does not hold the stage.
     */
    private List<String> suspects(List<SliceLook> rows) {
        List<String> suspects = new ArrayList<>();
        for (SliceLook row : rows) {
            if (row.verdict() != SliceLook.Verdict.NO_REGRESSION_SHOWN) {
                continue; // failed, too small, or shown within: nothing to wait for
            }
            boolean overMargin = spec.maxIncrease().isPresent()
                    && row.candidate() != null
                    && row.baseline() != null
                    && row.candidate()
                            > row.baseline() * (1 + spec.maxIncrease().getAsDouble());
            boolean overLimit = spec.max().isPresent()
                    && row.candidate() != null
                    && row.candidate() > spec.max().getAsDouble();
            if (overMargin || overLimit) {
                suspects.add(spec.name() + " in " + row.name() + ": " + Format.percent(row.candidate())
                        + (row.baseline() == null ? "" : " vs " + Format.percent(row.baseline()))
                        + (overMargin
                                ? ", above the allowed "
                                        + Format.margin(spec.maxIncrease().getAsDouble())
                                : ", over the limit of "
                                        + Format.percent(spec.max().getAsDouble()))
                        + " but not shown to exceed it");
            }
        }
        return suspects;
    }

    /** "by region: no regression shown in eu-west, us-east; too few requests in ap-south". */
    private String summary(List<SliceLook> rows) {
        if (rows.isEmpty()) {
            return "by " + slicing.label() + ": no slice seen yet";
        }
        Map<SliceLook.Verdict, List<String>> byVerdict = new TreeMap<>();
        for (SliceLook row : rows) {
            byVerdict.computeIfAbsent(row.verdict(), v -> new ArrayList<>()).add(row.slice());
        }
        List<String> parts = new ArrayList<>();
        byVerdict.forEach((verdict, names) -> parts.add(verdict + " in " + String.join(", ", names)));
        return "by " + slicing.label() + ": " + String.join("; ", parts)
                + (byVerdict.containsKey(SliceLook.Verdict.TOO_FEW_REQUESTS)
                        ? " (" + slicing.minRequests() + " requests per version needed; such slices are covered by"
                                + " the aggregate only)"
                        : "");
    }
}
