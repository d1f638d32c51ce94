package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.LatencyCounts;
import io.mlrollout.core.analysis.MetricEvidence.Ratio;
import io.mlrollout.core.analysis.MetricEvidence.Sliced;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.metrics.HistogramQuantile;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.SliceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Judges a sliced metric: over all traffic as an unsliced metric is judged, and each slice (each value of the slice
 * label) canary against baseline with the very same judge, each at the same share of the false-rollback budget. Two
 * kinds of metric can be sliced, because their counts add up across slices: ratio metrics ({@link RatioJudge} on each
 * slice's bad and total counts) and latency quantiles read from a histogram ({@link LatencyCountJudge} on each slice's
 * bucket counts, each slice choosing its own threshold from its own baseline's first looks). The {@link Judge} counts
 * one set of tests for the aggregate and one per slice up to {@code slices.max} (Bonferroni), so the slices'
 * multiplicity is paid for in advance, whatever slices show up.
 *
 * <ul>
 *   <li>A slice is judged once each version has served {@code slices.minRequests} requests in it; a smaller slice is
 *       listed as "too few requests" and decides nothing: the aggregate covers its traffic.
 *   <li>A slice shown worse than the policy allows fails the metric, and the sentence names the slice.
 *   <li>A judged slice whose estimate is beyond the bounds, not shown to be, and not shown below the rule-out level
 *       either keeps the stage baking at its end, up to its maxBake, then makes it inconclusive: a regression in one
 *       slice gets the time to show.
 *   <li>Otherwise the aggregate decides, evidence for a pass included: the slices add ways to fail, not a way to
 *       pass, and a slice too small ever to be judged never holds the rollout.
 * </ul>
 */
final class SlicedJudge implements MetricJudge {

    /**
     * The slices beyond {@code slices.max} listed one by one, the largest first; the rest share one row. A label with
     * thousands of values (a customer id) would otherwise add a row per value to every look's evidence and log.
     */
    static final int UNJUDGED_LISTED = 10;

    private final MetricSpec spec;
    private final SliceSpec slicing;
    private final MetricJudge aggregate;
    private final MetricJudge perSlice;
    private final SliceKind kind;

    private SlicedJudge(MetricSpec spec, MetricJudge aggregate, MetricJudge perSlice, SliceKind kind) {
        this.spec = spec;
        this.slicing = spec.slices().orElseThrow();
        this.aggregate = aggregate;
        this.perSlice = perSlice;
        this.kind = kind;
    }

    /**
     * A sliced ratio metric.
     *
     * @param alpha each test's share of the budget, the same for the aggregate's tests and each slice's
     */
    static SlicedJudge ratio(MetricSpec spec, double alpha, double watchAlpha, AnalysisSettings analysis, int horizon) {
        long minRequests = spec.slices().orElseThrow().minRequests();
        return new SlicedJudge(
                spec,
                new RatioJudge(spec, alpha, watchAlpha, analysis, horizon),
                new RatioJudge(spec, alpha, watchAlpha, withMinRequests(analysis, minRequests), horizon),
                new RatioSlices(spec));
    }

    /**
     * A sliced latency quantile read from a histogram.
     *
     * @param alpha each test's share of the budget, the same for the aggregate's tests and each slice's
     */
    static SlicedJudge latency(
            MetricSpec spec, double alpha, double watchAlpha, AnalysisSettings analysis, int horizon) {
        long minRequests = spec.slices().orElseThrow().minRequests();
        return new SlicedJudge(
                spec,
                new LatencyCountJudge(spec, alpha, watchAlpha, analysis, horizon),
                new LatencyCountJudge(spec, alpha, watchAlpha, withMinRequests(analysis, minRequests), horizon),
                new LatencySlices(spec));
    }

    /** The tests over all traffic: what the planner simulates. */
    MetricJudge aggregate() {
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

    /** The aggregate learns from the baseline's history; the slices were not read before the rollout. */
    @Override
    public MetricEvidence learnBaseline(MetricEvidence evidence, BaselineHistory history) {
        Sliced sliced = (Sliced) evidence;
        return new Sliced(aggregate.learnBaseline(sliced.aggregate(), history), sliced.slices(), sliced.overMax());
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
        Reading candidate = readings.candidate();
        Reading baseline = readings.baseline();
        Map<String, ? extends Reading> candidateSlices = kind.slicesOf(candidate);
        Map<String, ? extends Reading> baselineSlices = baseline == null ? Map.of() : kind.slicesOf(baseline);
        if (context.mode() == LookContext.Mode.CHECK || candidateSlices == null || baselineSlices == null) {
            // no usable readings (the aggregate says why) or a dry run: the slices wait for the next look
            return new Assessment(
                    new Sliced(overall.evidence(), s.slices(), s.overMax()),
                    overall.look(),
                    overall.noDataLimitReached());
        }
        Map<String, MetricEvidence> slices = new TreeMap<>(s.slices());
        Set<String> overMax = new TreeSet<>(s.overMax());
        admitNewSlices(candidateSlices, baselineSlices, slices, overMax, context);

        List<SliceLook> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> suspects = new ArrayList<>();
        for (Map.Entry<String, MetricEvidence> slice : slices.entrySet()) {
            String name = slice.getKey();
            Readings pair = new Readings(
                    sliceOf(candidate, candidateSlices, name),
                    baseline == null ? null : sliceOf(baseline, baselineSlices, name));
            Assessment assessed = perSlice.look(slice.getValue(), pair, context);
            slice.setValue(assessed.evidence());
            SliceLook row = row(name, assessed, context, baseline != null);
            rows.add(row);
            if (row.verdict() == SliceLook.Verdict.FAIL) {
                failures.add(spec.name() + " in " + row.name() + ": "
                        + assessed.look().explanation());
            }
        }
        List<SliceLook> unjudged = new ArrayList<>();
        for (String name : overMax) {
            Reading c = sliceOf(candidate, candidateSlices, name);
            Reading b = baseline == null ? null : sliceOf(baseline, baselineSlices, name);
            unjudged.add(new SliceLook(
                    slicing.label(),
                    name,
                    kind.requests(c),
                    b == null ? 0 : kind.requests(b),
                    kind.value(c),
                    b == null ? null : kind.value(b),
                    SliceLook.Verdict.OVER_MAX));
        }
        rows.sort(Comparator.comparing((SliceLook r) -> r.verdict() != SliceLook.Verdict.FAIL)
                .thenComparing(r -> -r.candidateRequests() - r.baselineRequests()));
        rows.addAll(listed(unjudged)); // after the judged ones, the largest first, the rest last

        MetricLook look = overall.look();
        boolean suspectsHold = context.end() && failures.isEmpty() && look.outcome() != Outcome.FAIL;
        for (SliceLook row : rows) {
            if (suspectsHold
                    && (row.verdict() == SliceLook.Verdict.NO_REGRESSION_SHOWN
                            || row.verdict() == SliceLook.Verdict.BEYOND_SO_FAR)) {
                kind.suspect(row, slices.get(row.slice()), context).ifPresent(suspects::add);
            }
        }
        Outcome outcome;
        String explanation;
        if (!failures.isEmpty()) {
            outcome = Outcome.FAIL;
            explanation = String.join("; ", failures) + "; over all traffic: " + look.explanation();
        } else if (suspectsHold && !suspects.isEmpty()) {
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

    private List<SliceLook> listed(List<SliceLook> unjudged) {
        List<SliceLook> largestFirst = new ArrayList<>(unjudged);
        largestFirst.sort(Comparator.comparing((SliceLook r) -> -r.candidateRequests() - r.baselineRequests()));
        if (largestFirst.size() <= UNJUDGED_LISTED) {
            return largestFirst;
        }
        List<SliceLook> rest = largestFirst.subList(UNJUDGED_LISTED, largestFirst.size());
        List<SliceLook> listed = new ArrayList<>(largestFirst.subList(0, UNJUDGED_LISTED));
        listed.add(SliceLook.unjudgedRest(
                slicing.label(),
                rest.size(),
                rest.stream().mapToDouble(SliceLook::candidateRequests).sum(),
                rest.stream().mapToDouble(SliceLook::baselineRequests).sum()));
        return listed;
    }

    /**
     * Gives each slice seen for the first time its own tests while fewer than {@code slices.max} have them, the largest
     * first; the others are listed, not judged. Which slices are judged never depends on their error rates or latency.
     */
    private void admitNewSlices(
            Map<String, ? extends Reading> candidate,
            Map<String, ? extends Reading> baseline,
            Map<String, MetricEvidence> slices,
            Set<String> overMax,
            LookContext context) {
        Set<String> seen = new TreeSet<>(candidate.keySet());
        seen.addAll(baseline.keySet());
        seen.removeAll(slices.keySet());
        seen.removeAll(overMax);
        List<String> newcomers = seen.stream()
                .sorted(Comparator.comparingDouble((String n) -> -requests(candidate, n) - requests(baseline, n))
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

    private double requests(Map<String, ? extends Reading> slices, String slice) {
        Reading reading = slices.get(slice);
        return reading == null ? 0 : kind.requests(reading);
    }

    /** A slice's reading this look; none requests when its series are absent (no traffic in it). */
    private Reading sliceOf(Reading whole, Map<String, ? extends Reading> slices, String slice) {
        Reading reading = slices.get(slice);
        return reading != null ? reading : kind.absent(whole);
    }

    /** The slice's row: the requests its tests have judged (the canary so far, or the watch) and its verdict. */
    private SliceLook row(String name, Assessment assessed, LookContext context, boolean paired) {
        Judged judged = kind.judged(assessed.evidence(), context, paired);
        boolean enough = judged.candidateRequests() >= slicing.minRequests()
                && (!paired || judged.baselineRequests() >= slicing.minRequests());
        Outcome outcome = assessed.look().outcome();
        SliceLook.Verdict verdict;
        if (outcome == Outcome.FAIL) {
            verdict = SliceLook.Verdict.FAIL;
        } else if (!enough) {
            verdict = SliceLook.Verdict.TOO_FEW_REQUESTS;
        } else if (outcome == Outcome.PASS) {
            verdict = SliceLook.Verdict.SHOWN_WITHIN;
        } else if (assessed.look().explanation().contains(MetricJudge.BEYOND_SO_FAR)) {
            verdict = SliceLook.Verdict.BEYOND_SO_FAR;
        } else {
            verdict = SliceLook.Verdict.NO_REGRESSION_SHOWN;
        }
        return new SliceLook(
                slicing.label(),
                name,
                judged.candidateRequests(),
                judged.baselineRequests(),
                judged.candidate(),
                paired ? judged.baseline() : null,
                verdict);
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

    /**
     * The requests a slice's tests have judged, and the values its row shows for them.
     *
     * @param candidate null without requests
     * @param baseline null without requests
     */
    private record Judged(double candidateRequests, double baselineRequests, Double candidate, Double baseline) {}

    /** What differs between the kinds of metric that can be sliced: how a reading splits, and what a slice shows. */
    private sealed interface SliceKind permits RatioSlices, LatencySlices {

        /** The reading's slices by the label's value, or null when it is not of this kind (the aggregate says why). */
        Map<String, ? extends Reading> slicesOf(Reading reading);

        /** A slice's reading in a look where its series are absent: no requests. */
        Reading absent(Reading whole);

        /** The requests of one slice's reading. */
        double requests(Reading slice);

        /** What a row shows for one slice's reading (a slice beyond {@code slices.max}), or null without requests. */
        Double value(Reading slice);

        /** The requests the slice's tests have judged: over the canary so far, or since promotion during the watch. */
        Judged judged(MetricEvidence evidence, LookContext context, boolean paired);

        /**
         * Why a judged slice that has not shown the candidate within its bounds keeps the stage baking at the end of
         * the bake: its estimate is beyond them, though not shown to be; empty when it is not (an estimate that is
         * merely noisy but within the bounds holds nothing).
         */
        Optional<String> suspect(SliceLook row, MetricEvidence evidence, LookContext context);
    }

    /** Ratio slices: bad and total counts, the rate over the requests judged. */
    private record RatioSlices(MetricSpec spec) implements SliceKind {

        @Override
        public Map<String, ? extends Reading> slicesOf(Reading reading) {
            return reading instanceof Reading.Counts c ? c.slices() : null;
        }

        @Override
        public Reading absent(Reading whole) {
            return new Reading.Counts(0, 0);
        }

        @Override
        public double requests(Reading slice) {
            return ((Reading.Counts) slice).total();
        }

        @Override
        public Double value(Reading slice) {
            return MetricJudge.finiteOrNull(((Reading.Counts) slice).ratio());
        }

        @Override
        public Judged judged(MetricEvidence evidence, LookContext context, boolean paired) {
            Ratio r = (Ratio) evidence;
            MetricEvidence.Counts judged = context.mode() == LookContext.Mode.WATCH ? r.stage() : r.canary();
            return new Judged(
                    judged.candidateTotal(),
                    judged.baselineTotal(),
                    MetricJudge.finiteOrNull(judged.candidateBad() / judged.candidateTotal()),
                    MetricJudge.finiteOrNull(judged.baselineBad() / judged.baselineTotal()));
        }

        @Override
        public Optional<String> suspect(SliceLook row, MetricEvidence evidence, LookContext context) {
            boolean overMargin = spec.maxIncrease().isPresent()
                    && row.candidate() != null
                    && row.baseline() != null
                    && row.candidate()
                            > row.baseline() * (1 + spec.maxIncrease().getAsDouble());
            boolean overLimit = spec.max().isPresent()
                    && row.candidate() != null
                    && row.candidate() > spec.max().getAsDouble();
            if (!overMargin && !overLimit) {
                return Optional.empty();
            }
            return Optional.of(spec.name() + " in " + row.name() + ": " + Format.percent(row.candidate())
                    + (row.baseline() == null ? "" : " vs " + Format.percent(row.baseline()))
                    + (overMargin
                            ? ", above the allowed "
                                    + Format.margin(spec.maxIncrease().getAsDouble())
                            : ", over the limit of " + Format.percent(spec.max().getAsDouble()))
                    + " but not shown to exceed it");
        }
    }

    /**
     * Latency slices: each slice's bucket counts; its row shows the median of the stage's per-look quantiles (what the
     * metric's pass sentence reports), over the requests its count test has judged since its threshold was chosen.
     */
    private record LatencySlices(MetricSpec spec) implements SliceKind {

        private double quantile() {
            return spec.queries().quantile().orElseThrow();
        }

        @Override
        public Map<String, ? extends Reading> slicesOf(Reading reading) {
            return reading instanceof Reading.Histogram h ? h.slices() : null;
        }

        @Override
        public Reading absent(Reading whole) {
            return Reading.Histogram.empty(((Reading.Histogram) whole).upperBounds());
        }

        @Override
        public double requests(Reading slice) {
            return ((Reading.Histogram) slice).total();
        }

        @Override
        public Double value(Reading slice) {
            Reading.Histogram h = (Reading.Histogram) slice;
            return h.upperBounds().length < 2
                    ? null
                    : MetricJudge.finiteOrNull(HistogramQuantile.of(quantile(), h.upperBounds(), h.counts()));
        }

        @Override
        public Judged judged(MetricEvidence evidence, LookContext context, boolean paired) {
            LatencyCounts l = (LatencyCounts) evidence;
            double candidate;
            double baseline;
            if (context.mode() == LookContext.Mode.WATCH) {
                candidate = l.stage().candidateTotal();
                baseline = l.stage().baselineTotal();
            } else {
                candidate = l.relative() == null ? 0 : l.relative().canaryTotal();
                baseline = l.relative() == null ? 0 : l.relative().baselineTotal();
            }
            return new Judged(candidate, baseline, median(l.stageCandidate()), median(l.stageBaseline()));
        }

        private static Double median(double[] values) {
            return values.length == 0 ? null : SampleJudge.median(values);
        }

        @Override
        public Optional<String> suspect(SliceLook row, MetricEvidence evidence, LookContext context) {
            LatencyCounts l = (LatencyCounts) evidence;
            RateRatioEvidence judged = context.mode() == LookContext.Mode.WATCH ? l.watchRelative() : l.relative();
            if (!l.chosen() || judged == null) {
                return Optional.empty(); // no threshold yet, or no live baseline during the watch
            }
            double candidateShare = judged.canaryBad() / judged.canaryTotal();
            double baselineShare = judged.baselineBad() / judged.baselineTotal();
            double ratio = candidateShare / baselineShare;
            double allowed = LatencyCountJudge.allowedNow(
                    l, spec.maxIncrease().orElseThrow(), context.mode() == LookContext.Mode.WATCH);
            if (!(ratio > allowed)) {
                return Optional.empty();
            }
            String quantileName = "p" + Format.number(quantile() * 100);
            return Optional.of(spec.name() + " in " + row.name() + ": " + Format.percent(candidateShare)
                    + " of the candidate's requests slower than " + Format.millis(l.threshold()) + " vs "
                    + Format.percent(baselineShare) + " of the baseline's, " + Format.number(ratio)
                    + "× the baseline, above the " + Format.number(allowed) + "× that a " + quantileName + " "
                    + Format.margin(spec.maxIncrease().orElseThrow()) + " slower allows but not shown to exceed it");
        }
    }
}
