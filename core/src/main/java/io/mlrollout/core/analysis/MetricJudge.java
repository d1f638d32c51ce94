package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.MetricSpec;

/** Judges one metric: keeps its evidence and classifies each look. Scoring across metrics is the {@link Judge}'s. */
sealed interface MetricJudge permits RatioJudge, SlicedJudge, SampleJudge, DistributionJudge, LatencyCountJudge {

    /** A metric's outcome at one look, with its evidence after the look. */
    record Assessment(MetricEvidence evidence, MetricLook look, boolean noDataLimitReached) {}

    MetricSpec spec();

    MetricEvidence begin();

    /**
     * The evidence after the baseline's intervals from before the rollout ({@link BaselineHistory}): what this metric's
     * tests learn from the baseline alone. Most learn nothing from it.
     */
    default MetricEvidence learnBaseline(MetricEvidence evidence, BaselineHistory history) {
        return evidence;
    }

    MetricEvidence beginStage(MetricEvidence evidence);

    MetricEvidence beginWatch(MetricEvidence evidence);

    Assessment look(MetricEvidence evidence, Readings readings, LookContext context);

    /** Why a pair of readings cannot be used; names the side that failed. */
    static String whyUnusable(Reading candidate, Reading baseline, Class<? extends Reading> expected) {
        if (candidate instanceof Reading.NoData noData) {
            return "candidate: " + noData.reason();
        }
        if (baseline instanceof Reading.NoData noData) {
            return "baseline: " + noData.reason();
        }
        return "the query returned "
                + (expected.isInstance(candidate) ? baseline : candidate)
                        .getClass()
                        .getSimpleName()
                        .toLowerCase(java.util.Locale.ROOT)
                + " data where " + expected.getSimpleName().toLowerCase(java.util.Locale.ROOT)
                + " data was expected";
    }

    /** A NODATA assessment; reaching the policy's limit of looks in a row makes the stage inconclusive. */
    static Assessment noData(MetricSpec spec, MetricEvidence next, int inARow, int limit, String reason, String unit) {
        boolean limitReached = inARow >= limit;
        String explanation = "no data: " + reason
                + (inARow > 1 ? " (" + inARow + " looks in a row; the limit is " + limit + ")" : "");
        return new Assessment(
                next, new MetricLook(spec.name(), Outcome.NODATA, null, null, unit, explanation), limitReached);
    }

    /** What a dry run says about a metric's readings. */
    static MetricLook check(
            MetricSpec spec, Readings readings, String unit, java.util.function.ToDoubleFunction<Reading> value) {
        Reading candidate = readings.candidate();
        Reading baseline = readings.baseline();
        if (candidate instanceof Reading.NoData || baseline instanceof Reading.NoData || baseline == null) {
            String why = baseline == null ? "baseline: not read" : whyUnusable(candidate, baseline, Reading.class);
            return new MetricLook(spec.name(), Outcome.NODATA, null, null, unit, "no data: " + why);
        }
        Double c = finiteOrNull(value.applyAsDouble(candidate));
        Double b = finiteOrNull(value.applyAsDouble(baseline));
        return new MetricLook(
                spec.name(),
                Outcome.CONTINUE,
                c,
                b,
                unit,
                "read ok: candidate " + Format.value(c, unit) + ", baseline " + Format.value(b, unit));
    }

    /**
     * Said of a count test's look when {@code what} (the rates, the slow shares) wander or drift beyond the envelope,
     * where the test allows for the wander it has seen but the guarantee is not proven; empty otherwise. Where the
     * baseline's own series stays within the envelope, it is the candidate's {@code one} (rate, share of slow requests)
     * that moved: a step up, as a regression makes, reads as wander around a recent ratio until that ratio catches up,
     * and advice to raise the envelope would be advice to let such a candidate through. Otherwise the traffic itself
     * wanders beyond it, and {@code otherRemedy} (e.g. ", or …", often empty) follows the advice to raise the envelope,
     * for a metric whose own definition can be changed to wander less.
     */
    static String envelopeNote(
            String what, String one, RateRatioTest test, RateRatioEvidence evidence, String otherRemedy) {
        if (test == null || evidence == null || !test.beyondEnvelope(evidence)) {
            return "";
        }
        String beyond = " [" + what + " wander or drift beyond the envelope (long-run CV about "
                + Format.percent(test.estimatedDispersion(evidence)) + " against analysis.maxDispersion "
                + Format.percent(test.maxDispersion()) + ")";
        double baselines = test.baselineLongRunDispersion(evidence);
        if (baselines <= test.maxDispersion()) { // false while NaN: the baseline's series is too short to tell
            return beyond + ", the baseline's alone within it (about " + Format.percent(baselines)
                    + "): the candidate's "
                    + one + " moved on its own, as it does when it steps up (a regression) or wanders alone;"
                    + " the test allows for the wander it has seen, an estimate rather than a bound]";
        }
        return beyond + ": the test allows for the wander it has seen, but false rollbacks may exceed the budget;"
                + " raise maxDispersion" + otherRemedy + "]";
    }

    /**
     * How a look that decided nothing ends: a candidate beyond its allowance so far is not called free of regression,
     * only not yet shown to be one (a rollback needs evidence, and a step up needs a few looks to give it).
     */
    static String notShownYet(boolean beyondTheAllowance) {
        return beyondTheAllowance ? BEYOND_SO_FAR : ", no regression shown";
    }

    /** How {@link #notShownYet} ends a look whose candidate is beyond its allowance so far. */
    String BEYOND_SO_FAR = ": beyond it so far, not yet shown to be a regression";

    static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
