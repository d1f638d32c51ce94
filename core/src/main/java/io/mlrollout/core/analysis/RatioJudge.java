package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Counts;
import io.mlrollout.core.analysis.MetricEvidence.Ratio;
import io.mlrollout.core.analysis.stats.MixturePrior;
import io.mlrollout.core.analysis.stats.ProportionBoundTest;
import io.mlrollout.core.analysis.stats.ProportionEvidence;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.AnalysisSettings;
import io.mlrollout.core.policy.MetricSpec;
import java.util.List;

/**
 * Judges a ratio metric (errors, slow requests) on its bad and total counts, canary against baseline side by side.
 *
 * <ul>
 *   <li><b>Fail</b>: a sequential test shows the candidate's rate beyond the margin ({@code maxIncrease}), or over the
 *       SLO ({@code max}); both valid however often the judge looks, and the margin's test valid while the rates
 *       wander up to the policy's {@code maxDispersion}.
 *   <li><b>Pass</b> needs evidence: the data must rule out a candidate {@code analysis.ruleOut} worse than the baseline
 *       (a sequential test of its own, at {@code missedRegressionRate}), and the stage's rate must be under the SLO.
 *       Until then the stage bakes on, up to its {@code maxBake}; then it is inconclusive.
 *   <li><b>The promotion watch</b> compares with the share of traffic held back on the baseline, with a fresh margin test
 *       (its share of the budget) while the rule-out evidence carries on. Without a holdback only the SLO is judged,
 *       and the sentences say so.
 * </ul>
 */
final class RatioJudge implements MetricJudge {

    private static final String UNIT = "%";

    private final MetricSpec spec;
    private final RateRatioTest relative;
    private final ProportionBoundTest absolute;
    private final RateRatioTest ruleOut;
    private final RateRatioTest watchRelative;
    private final ProportionBoundTest watchAbsolute;
    private final long minRequests;
    private final int noDataLimit;

    /**
     * @param alpha each of this metric's tests' share of the false-rollback budget during the canary
     * @param watchAlpha each test's share after promotion
     * @param horizon the looks the canary may last, for the margin test's mixture over when a regression starts
     */
    RatioJudge(MetricSpec spec, double alpha, double watchAlpha, AnalysisSettings analysis, int horizon) {
        this.spec = spec;
        double dispersion = analysis.maxDispersion();
        if (spec.maxIncrease().isPresent()) {
            double allowed = 1 + spec.maxIncrease().getAsDouble();
            // a regression that starts late (a higher stage, a bad batch) is not held back by the evidence for the
            // candidate that earlier looks gathered
            this.relative = new RateRatioTest(allowed, alpha, defaultPrior(), dispersion, horizon);
            this.watchRelative = new RateRatioTest(allowed, watchAlpha, defaultPrior(), dispersion);
            this.ruleOut = RateRatioTest.ruleOut(1 + analysis.ruleOut(), analysis.missedRegressionRate(), dispersion);
        } else {
            this.relative = null;
            this.watchRelative = null;
            this.ruleOut = null;
        }
        this.absolute = spec.max().isPresent()
                ? new ProportionBoundTest(spec.max().getAsDouble(), alpha, defaultPrior(), dispersion)
                : null;
        this.watchAbsolute = spec.max().isPresent()
                ? new ProportionBoundTest(spec.max().getAsDouble(), watchAlpha, defaultPrior(), dispersion)
                : null;
        this.minRequests = analysis.minRequests();
        this.noDataLimit = analysis.limits().noData();
    }

    /** The margin test the canary runs ({@code maxIncrease}), or null without a margin: what the planner simulates. */
    RateRatioTest marginTest() {
        return relative;
    }

    /** The rule-out test a pass needs (roles swapped, see {@link RateRatioTest#ruleOut}), or null without a margin. */
    RateRatioTest ruleOutTest() {
        return ruleOut;
    }

    long minRequests() {
        return minRequests;
    }

    private static MixturePrior defaultPrior() {
        return MixturePrior.calibrated();
    }

    /** How many sequential tests this metric runs during the canary, and again during the watch. */
    static int tests(MetricSpec spec) {
        return (spec.maxIncrease().isPresent() ? 1 : 0) + (spec.max().isPresent() ? 1 : 0);
    }

    @Override
    public MetricSpec spec() {
        return spec;
    }

    @Override
    public MetricEvidence begin() {
        return new Ratio(
                relative == null ? null : relative.empty(),
                absolute == null ? null : absolute.empty(),
                ruleOut == null ? null : ruleOut.empty(),
                Counts.ZERO,
                Counts.ZERO,
                null,
                null,
                0);
    }

    /** The margin test learns the baseline's drift from its history; the other tests need the canary beside it. */
    @Override
    public MetricEvidence learnBaseline(MetricEvidence evidence, BaselineHistory history) {
        Ratio r = (Ratio) evidence;
        List<Reading.Counts> intervals = history.of(spec.name());
        if (relative == null || intervals.isEmpty()) {
            return r;
        }
        return new Ratio(
                learnedFrom(relative, r.relative(), intervals),
                r.absolute(),
                r.ruleOut(),
                r.stage(),
                r.canary(),
                r.watchRelative(),
                r.watchAbsolute(),
                r.consecutiveNoData());
    }

    /** {@code evidence} after what {@code test} learns from the baseline's intervals with traffic, oldest first. */
    private static RateRatioEvidence learnedFrom(
            RateRatioTest test, RateRatioEvidence evidence, List<Reading.Counts> history) {
        List<Reading.Counts> withTraffic =
                history.stream().filter(interval -> interval.total() > 0).toList();
        return test.learnBaselineHistory(
                        evidence,
                        withTraffic.stream().mapToDouble(Reading.Counts::bad).toArray(),
                        withTraffic.stream().mapToDouble(Reading.Counts::total).toArray())
                .evidence();
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Ratio r = (Ratio) evidence;
        return new Ratio(
                r.relative(), r.absolute(), ruleOutOf(r), Counts.ZERO, r.canary(), null, null, r.consecutiveNoData());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Ratio r = (Ratio) evidence;
        return new Ratio(
                r.relative(),
                r.absolute(),
                ruleOutOf(r),
                Counts.ZERO,
                r.canary(),
                watchStart(r),
                watchAbsolute == null ? null : watchAbsolute.empty(),
                0);
    }

    /**
     * The watch's margin evidence before its first look: the holdback is the baseline the canary stages were compared
     * with, so the watch starts knowing how it drifts.
     */
    private RateRatioEvidence watchStart(Ratio r) {
        if (watchRelative == null) {
            return null;
        }
        return r.relative() == null ? watchRelative.empty() : watchRelative.emptyKnowingTheBaseline(r.relative());
    }

    /** The rule-out evidence; a state saved before it existed starts it now. */
    private RateRatioEvidence ruleOutOf(Ratio r) {
        return r.ruleOut() != null || ruleOut == null ? r.ruleOut() : ruleOut.empty();
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Ratio r = (Ratio) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(r, MetricJudge.check(spec, readings, UNIT, RatioJudge::ratioOf), false);
            case CANARY -> pairedLook(r, readings, context, false);
            case WATCH ->
                readings.baseline() == null
                        ? limitsOnlyLook(r, readings, context)
                        : pairedLook(r, readings, context, true);
        };
    }

    /** Candidate against baseline: during the canary, or during the watch against the held-back baseline. */
    private Assessment pairedLook(Ratio r, Readings readings, LookContext context, boolean watch) {
        if (!(readings.candidate() instanceof Reading.Counts c) || !(readings.baseline() instanceof Reading.Counts b)) {
            return noData(r, readings);
        }
        RateRatioTest marginTest = watch ? watchRelative : relative;
        ProportionBoundTest limitTest = watch ? watchAbsolute : absolute;
        RateRatioEvidence margin = watch ? r.watchRelative() : r.relative();
        ProportionEvidence limit = watch ? r.watchAbsolute() : r.absolute();
        if (marginTest != null && margin == null) {
            margin = marginTest.empty(); // a watch saved before the held-back baseline existed starts its test now
        }
        if (limitTest != null && limit == null) {
            limit = limitTest.empty();
        }
        if (limitTest != null) {
            // the wandering the margin test has learned from both versions so far, or the envelope without one
            limit = marginTest == null
                    ? limitTest.add(limit, c.bad(), c.total())
                    : limitTest.add(limit, c.bad(), c.total(), marginTest.dispersionAllowance(margin));
        }
        if (marginTest != null) {
            margin = marginTest.add(margin, c.bad(), c.total(), b.bad(), b.total());
        }
        RateRatioEvidence rule = ruleOutOf(r);
        if (ruleOut != null) {
            rule = ruleOut.add(
                    rule, b.bad(), b.total(), c.bad(), c.total()); // roles swapped: see RateRatioTest.ruleOut
        }
        Counts stage = r.stage().plus(c.bad(), c.total(), b.bad(), b.total());
        Counts canary = watch ? r.canary() : r.canary().plus(c.bad(), c.total(), b.bad(), b.total());
        Ratio next = watch
                ? new Ratio(r.relative(), r.absolute(), rule, stage, canary, margin, limit, 0)
                : new Ratio(margin, limit, rule, stage, canary, null, null, 0);

        boolean regression = marginTest != null && marginTest.rejects(margin);
        boolean overLimit = limitTest != null && limitTest.rejects(limit);
        Counts judged = watch ? stage : canary;
        boolean enoughSoFar = judged.candidateTotal() >= minRequests && judged.baselineTotal() >= minRequests;
        boolean enoughInStage = stage.candidateTotal() >= minRequests && stage.baselineTotal() >= minRequests;

        String where = watch ? " since promotion" : " in this stage";
        Outcome outcome;
        String explanation;
        if ((regression || overLimit) && enoughSoFar) {
            outcome = Outcome.FAIL;
            explanation = regression
                    ? regressionSentence(judged, margin, marginTest)
                    : overLimitSentence(judged, limit, limitTest);
        } else if (!context.end()) {
            outcome = Outcome.CONTINUE;
            explanation = ongoingSentence(c, b, margin);
        } else if (!enoughInStage) {
            outcome = context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE;
            explanation = tooLittleTraffic(stage, where) + (context.lastChance() ? "" : "; baking on");
        } else {
            String missing = missingEvidence(stage, rule);
            if (missing == null) {
                outcome = Outcome.PASS;
                explanation = passSentence(stage, where, rule);
            } else {
                outcome = context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE;
                explanation = pooled(stage) + where + ": " + missing + (context.lastChance() ? "" : "; baking on");
            }
        }
        String envelope = MetricJudge.envelopeNote(
                "the rates", "rate", marginTest, watch ? margin : next.relative(), otherEnvelopeRemedy(spec));
        return new Assessment(next, look(outcome, c.ratio(), b.ratio(), explanation + envelope), false);
    }

    /**
     * Advice after "raise maxDispersion" for a metric beyond the envelope: for a count of requests slower than a
     * threshold, a lower threshold. The share over a bound far in the tail multiplies every drift of latency (latency
     * wandering with a CV of 10% around a median of 50 ms moves the share over 250 ms with a CV of 74%, the share over
     * 100 ms with 36%). Empty for other ratio metrics.
     */
    static String otherEnvelopeRemedy(MetricSpec spec) {
        return spec.queries()
                .threshold()
                .map(threshold -> ", or count slow requests over a lower bucket bound than "
                        + Format.millis(threshold.toNanos() / 1e6) + ", where a drift of latency moves the share less")
                .orElse("");
    }

    /**
     * What the data have not shown yet for a pass, or null when they have shown all of it: the rule-out of a large
     * regression, and the stage's rate under the SLO.
     */
    private String missingEvidence(Counts stage, RateRatioEvidence rule) {
        if (ruleOut != null && !ruleOut.rejectsNow(rule)) {
            return "not enough data yet to show the candidate below " + ruleOutLevel() + " (evidence "
                    + Format.evidence(ruleOut.eValue(rule)) + " of the " + Format.number(1 / ruleOut.alpha())
                    + " needed)";
        }
        if (spec.max().isPresent()
                && stage.candidateBad() / stage.candidateTotal() > spec.max().getAsDouble()) {
            return "over the limit of " + Format.percent(spec.max().getAsDouble())
                    + " but not shown to exceed it: not enough data to show it is under the limit";
        }
        return null;
    }

    /** The promoted candidate without a held-back baseline: its absolute limit is all that can be judged. */
    private Assessment limitsOnlyLook(Ratio r, Readings readings, LookContext context) {
        if (!(readings.candidate() instanceof Reading.Counts c)) {
            return noData(r, readings);
        }
        ProportionEvidence limit = watchAbsolute == null
                ? null
                : watchAbsolute.add(
                        r.watchAbsolute() == null ? watchAbsolute.empty() : r.watchAbsolute(),
                        c.bad(),
                        c.total(),
                        canaryPhaseDispersion(r));
        Counts stage = r.stage().plus(c.bad(), c.total(), 0, 0);
        Ratio next = new Ratio(r.relative(), r.absolute(), r.ruleOut(), stage, r.canary(), r.watchRelative(), limit, 0);
        boolean enough = stage.candidateTotal() >= minRequests;
        String noBaseline = "no live baseline (promote.holdback: 0), so only the absolute limit is judged";
        Outcome outcome;
        String explanation;
        if (watchAbsolute != null && watchAbsolute.rejects(limit) && enough) {
            outcome = Outcome.FAIL;
            explanation = overLimitSentence(stage, limit, watchAbsolute) + "; " + noBaseline;
        } else if (!context.end()) {
            outcome = Outcome.CONTINUE;
            explanation = Format.percent(c.ratio()) + " this interval; " + noBaseline;
        } else if (!enough) {
            outcome = context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE;
            explanation = "too little traffic since promotion: " + (long) stage.candidateTotal() + " requests of the "
                    + minRequests + " needed";
        } else if (watchAbsolute == null) {
            outcome = Outcome.PASS;
            explanation = Format.percent(stage.candidateBad() / stage.candidateTotal())
                    + " since promotion, not judged: no live baseline (promote.holdback: 0) and no absolute limit";
        } else if (stage.candidateBad() / stage.candidateTotal() > spec.max().getAsDouble()) {
            outcome = context.lastChance() ? Outcome.HOLD : Outcome.CONTINUE;
            explanation = Format.percent(stage.candidateBad() / stage.candidateTotal())
                    + " since promotion, over the limit of "
                    + Format.percent(spec.max().getAsDouble())
                    + " but not shown to exceed it; " + noBaseline;
        } else {
            outcome = Outcome.PASS;
            explanation = Format.percent(stage.candidateBad() / stage.candidateTotal())
                    + " since promotion, under the limit of "
                    + Format.percent(spec.max().getAsDouble()) + "; "
                    + noBaseline;
        }
        return new Assessment(next, look(outcome, c.ratio(), Double.NaN, explanation), false);
    }

    /** Without a live baseline, the wandering learned during the canary, or the envelope without a margin test. */
    private double canaryPhaseDispersion(Ratio r) {
        if (relative != null && r.relative() != null) {
            return relative.dispersionAllowance(r.relative());
        }
        return watchAbsolute.maxDispersion() * watchAbsolute.maxDispersion();
    }

    private Assessment noData(Ratio r, Readings readings) {
        int inARow = r.consecutiveNoData() + 1;
        String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Counts.class);
        return MetricJudge.noData(spec, r.withNoData(inARow), inARow, noDataLimit, why, UNIT);
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

    private String regressionSentence(Counts counts, RateRatioEvidence margin, RateRatioTest test) {
        double ratio = ratioOf(counts);
        return pooled(counts) + ": " + Format.number(ratio) + "× the baseline, more than the allowed "
                + Format.margin(spec.maxIncrease().getAsDouble()) + " (evidence " + Format.evidence(test.eValue(margin))
                + " ≥ " + Format.number(1 / test.alpha()) + ", the level at which the chance of a false rollback is "
                + Format.percent(test.alpha()) + ")";
    }

    private String overLimitSentence(Counts counts, ProportionEvidence limit, ProportionBoundTest test) {
        return Format.percent(limit.fraction()) + " on the candidate is over the limit of "
                + Format.percent(spec.max().getAsDouble()) + " (evidence " + Format.evidence(test.eValue(limit)) + " ≥ "
                + Format.number(1 / test.alpha()) + ")"
                + (counts.baselineTotal() > 0
                        ? "; baseline " + Format.percent(counts.baselineBad() / counts.baselineTotal())
                        : "");
    }

    /** Why a metric passed: what the data showed, and where the stage's rates stand against the margin and the SLO. */
    private String passSentence(Counts stage, String where, RateRatioEvidence rule) {
        StringBuilder text = new StringBuilder(pooled(stage) + where);
        if (ruleOut != null) {
            double ratio = ratioOf(stage);
            String margin = Format.margin(spec.maxIncrease().getAsDouble());
            if (Double.isFinite(ratio)) {
                text.append(": ").append(Format.number(ratio)).append("× the baseline");
                text.append(
                        ratio > 1 + spec.maxIncrease().getAsDouble()
                                ? ", above the allowed " + margin + " but not shown to exceed it"
                                : ", within the allowed " + margin);
            }
            text.append("; shown below ")
                    .append(ruleOutLevel())
                    .append(" (evidence ")
                    .append(Format.evidence(ruleOut.eValue(rule)))
                    .append(" ≥ ")
                    .append(Format.number(1 / ruleOut.alpha()))
                    .append(")");
        }
        if (spec.max().isPresent()) {
            text.append(ruleOut != null ? " and" : ",")
                    .append(" under the limit of ")
                    .append(Format.percent(spec.max().getAsDouble()));
        }
        return text.toString();
    }

    private String ruleOutLevel() {
        return Format.number(1 / ruleOut.theta0()) + "× the baseline";
    }

    private String ongoingSentence(Reading.Counts c, Reading.Counts b, RateRatioEvidence margin) {
        String interval = Format.percent(c.ratio()) + " vs " + Format.percent(b.ratio()) + " this interval";
        if (margin == null || Double.isNaN(margin.estimate())) {
            return interval + MetricJudge.notShownYet(false);
        }
        double allowed = spec.maxIncrease().getAsDouble();
        return interval + "; " + Format.number(margin.estimate()) + "× the baseline so far (allowed "
                + Format.margin(allowed) + ")" + MetricJudge.notShownYet(margin.estimate() > 1 + allowed);
    }

    private static double ratioOf(Counts counts) {
        return (counts.candidateBad() / counts.candidateTotal()) / (counts.baselineBad() / counts.baselineTotal());
    }

    private static String pooled(Counts counts) {
        return Format.percent(counts.candidateBad() / counts.candidateTotal()) + " on the candidate vs "
                + Format.percent(counts.baselineBad() / counts.baselineTotal()) + " on the baseline";
    }

    private String tooLittleTraffic(Counts counts, String where) {
        return "too little traffic" + where + ": " + (long) counts.candidateTotal() + " candidate and "
                + (long) counts.baselineTotal() + " baseline requests, " + minRequests + " each needed";
    }

    private static double ratioOf(Reading reading) {
        return reading instanceof Reading.Counts c ? c.ratio() : Double.NaN;
    }
}
