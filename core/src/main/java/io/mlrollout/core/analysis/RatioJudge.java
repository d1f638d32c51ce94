package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Counts;
import io.mlrollout.core.analysis.MetricEvidence.Ratio;
import io.mlrollout.core.analysis.stats.ProportionBoundTest;
import io.mlrollout.core.analysis.stats.ProportionEvidence;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.MetricSpec;

/**
 * Judges a ratio metric (errors, slow requests) on its bad and total counts. Canary against baseline: a sequential
 * rate-ratio test (the margin {@code maxIncrease}) and a sequential bound test (the SLO {@code max}), both valid however
 * often the judge looks, with evidence pooled over the whole canary. After promotion the candidate is held to the
 * baseline's canary-phase rate (plus the margin) and the SLO, whichever is lower.
 */
final class RatioJudge implements MetricJudge {

    private static final String UNIT = "%";

    private final MetricSpec spec;
    private final RateRatioTest relative;
    private final ProportionBoundTest absolute;
    private final double watchAlpha;
    private final long minRequests;
    private final int noDataLimit;

    /**
     * @param alpha each of this metric's tests' share of the false-rollback budget during the canary
     * @param watchAlpha this metric's share after promotion
     */
    RatioJudge(MetricSpec spec, double alpha, double watchAlpha, long minRequests, int noDataLimit) {
        this.spec = spec;
        this.relative = spec.maxIncrease().isPresent()
                ? new RateRatioTest(1 + spec.maxIncrease().getAsDouble(), alpha)
                : null;
        this.absolute =
                spec.max().isPresent() ? new ProportionBoundTest(spec.max().getAsDouble(), alpha) : null;
        this.watchAlpha = watchAlpha;
        this.minRequests = minRequests;
        this.noDataLimit = noDataLimit;
    }

    /** How many sequential tests this metric runs during the canary (its share of the budget is split among them). */
    static int canaryTests(MetricSpec spec) {
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
                Counts.ZERO,
                Counts.ZERO,
                null,
                null,
                0);
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Ratio r = (Ratio) evidence;
        return new Ratio(r.relative(), r.absolute(), Counts.ZERO, r.canary(), null, null, r.consecutiveNoData());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Ratio r = (Ratio) evidence;
        Double bound = watchBound(r.canary());
        ProportionEvidence watch = bound == null ? null : new ProportionBoundTest(bound, watchAlpha).empty();
        return new Ratio(r.relative(), r.absolute(), Counts.ZERO, r.canary(), bound, watch, 0);
    }

    /**
     * The bound on the promoted candidate: the baseline's rate during the canary plus the margin, and the SLO, whichever
     * is lower. A baseline without bad events is taken as one bad event in its traffic, so that a clean baseline does not
     * make a single error a regression. Null when no bound below 100% applies.
     */
    private Double watchBound(Counts canary) {
        double bound = Double.POSITIVE_INFINITY;
        if (spec.maxIncrease().isPresent() && canary.baselineTotal() > 0) {
            double reference = Math.max(canary.baselineBad(), 1) / canary.baselineTotal();
            bound = reference * (1 + spec.maxIncrease().getAsDouble());
        }
        if (spec.max().isPresent()) {
            bound = Math.min(bound, spec.max().getAsDouble());
        }
        return bound < 1 ? bound : null;
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Ratio r = (Ratio) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(r, MetricJudge.check(spec, readings, UNIT, RatioJudge::ratioOf), false);
            case CANARY -> canaryLook(r, readings, context.end());
            case WATCH -> watchLook(r, readings, context.end());
        };
    }

    private Assessment canaryLook(Ratio r, Readings readings, boolean stageEnd) {
        if (!(readings.candidate() instanceof Reading.Counts c) || !(readings.baseline() instanceof Reading.Counts b)) {
            int inARow = r.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), readings.baseline(), Reading.Counts.class);
            return MetricJudge.noData(spec, r.withNoData(inARow), inARow, noDataLimit, why, UNIT);
        }
        RateRatioEvidence rel =
                relative == null ? null : relative.add(r.relative(), c.bad(), c.total(), b.bad(), b.total());
        ProportionEvidence abs = absolute == null ? null : absolute.add(r.absolute(), c.bad(), c.total());
        Counts stage = r.stage().plus(c.bad(), c.total(), b.bad(), b.total());
        Counts canary = r.canary().plus(c.bad(), c.total(), b.bad(), b.total());
        Ratio next = new Ratio(rel, abs, stage, canary, null, null, 0);

        boolean regression = relative != null && relative.rejects(rel);
        boolean overLimit = absolute != null && absolute.rejects(abs);
        boolean enoughSoFar = canary.candidateTotal() >= minRequests && canary.baselineTotal() >= minRequests;
        boolean enoughInStage = stage.candidateTotal() >= minRequests && stage.baselineTotal() >= minRequests;

        Outcome outcome;
        String explanation;
        if ((regression || overLimit) && enoughSoFar) {
            outcome = Outcome.FAIL;
            explanation = regression ? regressionSentence(canary, rel) : overLimitSentence(canary, abs);
        } else if (stageEnd ? !enoughInStage : !enoughSoFar) {
            outcome = Outcome.HOLD;
            explanation = tooLittleTraffic(stageEnd ? stage : canary, stageEnd ? "in this stage" : "so far");
        } else if (stageEnd) {
            outcome = Outcome.PASS;
            explanation = passSentence(stage, rel, abs);
        } else {
            outcome = Outcome.CONTINUE;
            explanation = ongoingSentence(c, b, rel);
        }
        return new Assessment(next, look(outcome, c.ratio(), b.ratio(), explanation), false);
    }

    private Assessment watchLook(Ratio r, Readings readings, boolean watchEnd) {
        if (!(readings.candidate() instanceof Reading.Counts c)) {
            int inARow = r.consecutiveNoData() + 1;
            String why = MetricJudge.whyUnusable(readings.candidate(), null, Reading.Counts.class);
            return MetricJudge.noData(spec, r.withNoData(inARow), inARow, noDataLimit, why, UNIT);
        }
        ProportionBoundTest test = r.watchBound() == null ? null : new ProportionBoundTest(r.watchBound(), watchAlpha);
        ProportionEvidence watch = test == null ? null : test.add(r.watch(), c.bad(), c.total());
        Counts stage = r.stage().plus(c.bad(), c.total(), 0, 0);
        Ratio next = new Ratio(r.relative(), r.absolute(), stage, r.canary(), r.watchBound(), watch, 0);

        double reference = r.canary().baselineTotal() > 0
                ? r.canary().baselineBad() / r.canary().baselineTotal()
                : Double.NaN;
        boolean enough = stage.candidateTotal() >= minRequests;
        Outcome outcome;
        String explanation;
        if (test != null && test.rejects(watch) && enough) {
            outcome = Outcome.FAIL;
            explanation = Format.percent(watch.fraction()) + " on the promoted candidate is over its bound of "
                    + Format.percent(r.watchBound()) + " (the baseline showed " + Format.percent(reference)
                    + " before promotion; evidence " + Format.number(test.eValue(watch)) + " ≥ "
                    + Format.number(1 / watchAlpha) + ")";
        } else if (!enough) {
            outcome = Outcome.HOLD;
            explanation = "too little traffic yet: " + (long) stage.candidateTotal() + " requests of the " + minRequests
                    + " needed";
        } else if (watchEnd) {
            outcome = Outcome.PASS;
            explanation = Format.percent(stage.candidateBad() / stage.candidateTotal())
                    + " on the promoted candidate, within its bound of "
                    + (r.watchBound() == null ? "100%" : Format.percent(r.watchBound()));
        } else {
            outcome = Outcome.CONTINUE;
            explanation = Format.percent(c.ratio()) + " this interval against a bound of "
                    + (r.watchBound() == null ? "100%" : Format.percent(r.watchBound()));
        }
        return new Assessment(next, look(outcome, c.ratio(), reference, explanation), false);
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

    private String regressionSentence(Counts canary, RateRatioEvidence rel) {
        return pooled(canary) + ": " + Format.number(rel.estimate()) + "× the baseline, more than the allowed "
                + Format.margin(spec.maxIncrease().getAsDouble()) + " (evidence " + Format.number(relative.eValue(rel))
                + " ≥ " + Format.number(1 / relative.alpha()) + ")";
    }

    private String overLimitSentence(Counts canary, ProportionEvidence abs) {
        return Format.percent(abs.fraction()) + " on the candidate is over the limit of "
                + Format.percent(spec.max().getAsDouble()) + " (evidence " + Format.number(absolute.eValue(abs)) + " ≥ "
                + Format.number(1 / absolute.alpha()) + "; baseline "
                + Format.percent(canary.baselineBad() / canary.baselineTotal()) + ")";
    }

    /**
     * Why a stage passed: no test showed a regression. With little traffic that can happen while the stage's rates are
     * beyond a bound, and then the sentence says so instead of calling them within it.
     */
    private String passSentence(Counts stage, RateRatioEvidence rel, ProportionEvidence abs) {
        StringBuilder text = new StringBuilder(pooled(stage) + " in this stage");
        double candidateRate = stage.candidateBad() / stage.candidateTotal();
        if (rel != null) {
            double allowed = 1 + spec.maxIncrease().getAsDouble();
            double ratio = candidateRate / (stage.baselineBad() / stage.baselineTotal());
            String margin = Format.margin(spec.maxIncrease().getAsDouble());
            text.append(
                    ratio > allowed
                            ? ": " + Format.number(ratio) + "× the baseline, above the allowed " + margin
                                    + " but not shown to exceed it (evidence " + Format.number(relative.eValue(rel))
                                    + " < " + Format.number(1 / relative.alpha()) + ")"
                            : ", within the allowed " + margin);
        }
        if (abs != null) {
            double max = spec.max().getAsDouble();
            text.append(rel != null ? " and" : ",")
                    .append(
                            candidateRate > max
                                    ? " over the limit of " + Format.percent(max) + " but not shown to exceed it"
                                            + " (evidence " + Format.number(absolute.eValue(abs)) + " < "
                                            + Format.number(1 / absolute.alpha()) + ")"
                                    : " under the limit of " + Format.percent(max));
        }
        return text.toString();
    }

    private String ongoingSentence(Reading.Counts c, Reading.Counts b, RateRatioEvidence rel) {
        String interval = Format.percent(c.ratio()) + " vs " + Format.percent(b.ratio()) + " this interval";
        if (rel == null || Double.isNaN(rel.estimate())) {
            return interval + ", no regression shown";
        }
        return interval + "; " + Format.number(rel.estimate()) + "× the baseline so far (allowed "
                + Format.margin(spec.maxIncrease().getAsDouble()) + "), no regression shown";
    }

    private static String pooled(Counts counts) {
        return Format.percent(counts.candidateBad() / counts.candidateTotal()) + " on the candidate vs "
                + Format.percent(counts.baselineBad() / counts.baselineTotal()) + " on the baseline";
    }

    private String tooLittleTraffic(Counts counts, String when) {
        return "too little traffic " + when + ": " + (long) counts.candidateTotal() + " candidate and "
                + (long) counts.baselineTotal() + " baseline requests, " + minRequests + " each needed";
    }

    private static double ratioOf(Reading reading) {
        return reading instanceof Reading.Counts c ? c.ratio() : Double.NaN;
    }
}
