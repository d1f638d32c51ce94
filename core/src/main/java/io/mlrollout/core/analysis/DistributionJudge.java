package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.MetricEvidence.Distribution;
import io.mlrollout.core.analysis.stats.Drift;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.MetricSpec;
import java.util.Arrays;

/**
 * Judges a distribution metric (e.g. prediction scores) by how far the candidate's histogram drifts from the
 * baseline's: the population stability index and the Kolmogorov-Smirnov distance over the stage's pooled counts. Both
 * are bounds, not tests, so they need enough events ({@code minRequests}) before they may fail or pass.
 */
final class DistributionJudge implements MetricJudge {

    private static final String UNIT = "";

    private final MetricSpec spec;
    private final long minRequests;
    private final int noDataLimit;

    DistributionJudge(MetricSpec spec, long minRequests, int noDataLimit) {
        this.spec = spec;
        this.minRequests = minRequests;
        this.noDataLimit = noDataLimit;
    }

    @Override
    public MetricSpec spec() {
        return spec;
    }

    @Override
    public MetricEvidence begin() {
        double[] none = new double[0];
        return new Distribution(none, none, none, none, none, 0);
    }

    @Override
    public MetricEvidence beginStage(MetricEvidence evidence) {
        Distribution d = (Distribution) evidence;
        double[] zero = new double[d.bounds().length];
        return new Distribution(d.bounds(), zero, zero, d.baseline(), d.watch(), d.consecutiveNoData());
    }

    @Override
    public MetricEvidence beginWatch(MetricEvidence evidence) {
        Distribution d = (Distribution) evidence;
        return new Distribution(
                d.bounds(), d.stageCandidate(), d.stageBaseline(), d.baseline(), new double[d.bounds().length], 0);
    }

    @Override
    public Assessment look(MetricEvidence evidence, Readings readings, LookContext context) {
        Distribution d = (Distribution) evidence;
        return switch (context.mode()) {
            case CHECK -> new Assessment(d, MetricJudge.check(spec, readings, UNIT, DistributionJudge::total), false);
            case CANARY -> canaryLook(d, readings, context.end());
            case WATCH -> watchLook(d, readings, context.end());
        };
    }

    private Assessment canaryLook(Distribution d, Readings readings, boolean stageEnd) {
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
                0);
        return judge(next, next.stageCandidate(), next.stageBaseline(), stageEnd, "the baseline", "in this stage");
    }

    private Assessment watchLook(Distribution d, Readings readings, boolean watchEnd) {
        if (!(readings.candidate() instanceof Reading.Histogram c)) {
            return noData(d, MetricJudge.whyUnusable(readings.candidate(), null, Reading.Histogram.class));
        }
        if (!Arrays.equals(d.bounds(), c.upperBounds())) {
            return noData(d, "the histogram's buckets changed during the rollout");
        }
        Distribution next = new Distribution(
                d.bounds(), d.stageCandidate(), d.stageBaseline(), d.baseline(), add(d.watch(), c.counts()), 0);
        return judge(next, next.watch(), next.baseline(), watchEnd, "the baseline before promotion", "since promotion");
    }

    private Assessment judge(
            Distribution next, double[] candidate, double[] reference, boolean end, String against, String when) {
        double candidateEvents = sum(candidate);
        double referenceEvents = sum(reference);
        if (candidateEvents < minRequests || referenceEvents < minRequests) {
            String text = "too few events " + when + ": " + (long) candidateEvents + " candidate and "
                    + (long) referenceEvents + " reference events, " + minRequests + " each needed";
            return new Assessment(next, new MetricLook(spec.name(), Outcome.HOLD, null, null, UNIT, text), false);
        }
        Drift drift = Drift.between(candidate, reference);
        double psi = drift.psi();
        double ks = drift.ks();
        String numbers = "PSI " + Format.number(psi) + limit(spec.maxPsi()) + ", KS distance " + Format.number(ks)
                + limit(spec.maxKs()) + " " + when + " against " + against;
        boolean drifted = (spec.maxPsi().isPresent() && psi > spec.maxPsi().getAsDouble())
                || (spec.maxKs().isPresent() && ks > spec.maxKs().getAsDouble());
        Outcome outcome = drifted ? Outcome.FAIL : end ? Outcome.PASS : Outcome.CONTINUE;
        String text = drifted ? "the candidate's distribution drifted: " + numbers : numbers;
        // The chart shows the drift statistic the policy bounds (PSI when given, else KS).
        double shown = spec.maxPsi().isPresent() ? psi : ks;
        return new Assessment(next, new MetricLook(spec.name(), outcome, shown, null, UNIT, text), false);
    }

    private Assessment noData(Distribution d, String why) {
        int inARow = d.consecutiveNoData() + 1;
        return MetricJudge.noData(spec, d.withNoData(inARow), inARow, noDataLimit, why, UNIT);
    }

    private static String limit(java.util.OptionalDouble bound) {
        return bound.isPresent() ? " (limit " + Format.number(bound.getAsDouble()) + ")" : "";
    }

    private static double[] add(double[] sums, double[] counts) {
        double[] total = sums.length == 0 ? new double[counts.length] : sums.clone();
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
