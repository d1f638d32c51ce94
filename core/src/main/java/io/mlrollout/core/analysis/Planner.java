package io.mlrollout.core.analysis;

import io.mlrollout.core.analysis.stats.HistoryStep;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * The pre-flight plan: from what the baseline showed over a recent window, how long each stage needs to catch the
 * regression the policy must not pass (the rule-out level, {@code 1 + analysis.ruleOut}) with 95% power, and to rule
 * it out for a healthy candidate (the evidence a pass needs), and whether that fits the stage's {@code maxBake}.
 *
 * <p>Nothing is approximated by a formula: each stage and ratio metric is simulated with the very tests the
 * {@link Judge} runs for that metric (its share of the budget, the envelope, the horizon, {@code minRequests}), fed
 * Poisson bad counts whose rate wanders from interval to interval with the CV the baseline showed (a gamma factor per
 * version and interval), or with its long-run CV when it drifts. The plan reports the 95th percentile of the time to
 * decide over seeded runs. Before each run the margin test learns from a simulated window of the baseline alone, as
 * long as the one the plan read, as the judge learns from the real one; each stage is then simulated from no evidence,
 * although the judge carries evidence over from earlier stages: later stages are planned conservatively. Quantile, value and distribution metrics, and ratio metrics with an
 * absolute bound only, are not planned.
 */
public final class Planner {

    /** The share of runs that must have decided: 95% power, or a pass in 95 stages of 100. */
    public static final double POWER = 0.95;

    /** Seeded runs per stage, metric and question: enough for a stable 95th percentile, fast enough for a CLI. */
    public static final int RUNS = 400;

    /** Runs are simulated up to this many times the stage's maxBake, so "not within maxBake" still has a number. */
    static final int HORIZON_FACTOR = 2;

    /** How much more than the interval-to-interval wander the long-run wander must be for the plan to call it drift. */
    private static final double DRIFT_SHOWN = 0.1;

    private final Policy policy;
    private final Judge judge;
    private final int runs;

    /** Runs simulated by this planner's plans so far: what a plan costs, which a cell cut short keeps small. */
    private long simulatedRuns;

    public Planner(Policy policy) {
        this(policy, RUNS);
    }

    Planner(Policy policy, int runs) {
        this.policy = policy;
        this.judge = new Judge(policy);
        this.runs = runs;
    }

    /** Runs simulated by this planner's plans so far, every stage, metric and question. */
    long simulatedRuns() {
        return simulatedRuns;
    }

    /** One stage and metric of the plan. */
    public record Row(
            int stageNumber,
            Stage stage,
            String metric,
            Optional<String> notPlanned,
            double canaryRequestsPerMinute,
            double regression,
            Optional<Duration> toCatch,
            Optional<Duration> toRuleOut,
            Duration simulatedUpTo) {

        /** Whether a candidate at the rule-out level is caught within maxBake in 95% of runs. */
        public boolean catchesInTime() {
            return notPlanned.isPresent()
                    || toCatch.filter(d -> d.compareTo(stage.maxBake()) <= 0).isPresent();
        }

        /** Whether a healthy candidate has the evidence a pass needs within maxBake in 95% of runs. */
        public boolean rulesOutInTime() {
            return notPlanned.isPresent()
                    || toRuleOut.filter(d -> d.compareTo(stage.maxBake()) <= 0).isPresent();
        }
    }

    /**
     * The plan: a row per stage and metric, and what the baseline showed per metric.
     *
     * @param otherEnvelopeRemedies per metric, the advice a warning gives after "raise maxDispersion" (absent for most)
     * @param slicedBy per sliced metric that is planned, the label it is sliced by
     */
    public record Plan(
            List<Row> rows,
            Map<String, BaselineTraffic> baseline,
            double maxDispersion,
            Map<String, String> otherEnvelopeRemedies,
            Map<String, String> slicedBy) {

        /**
         * What the numbers leave out, without being a warning: a sliced metric is simulated over all traffic, while a
         * slice whose estimate stays beyond the bounds keeps a stage baking, which the plan cannot see.
         */
        public List<String> notes() {
            List<String> notes = new ArrayList<>();
            slicedBy.forEach((metric, label) -> notes.add(metric + " is judged per " + label + " as well: planned over"
                    + " all traffic only; a judged " + label
                    + " whose estimate stays beyond the bounds holds a stage up"
                    + " to its maxBake, so a healthy candidate may need longer than planned or end inconclusive"));
            return notes;
        }

        /** One sentence per stage and metric that cannot decide within its maxBake, and per metric beyond the envelope. */
        public List<String> warnings() {
            List<String> warnings = new ArrayList<>();
            baseline.forEach((metric, traffic) -> {
                if (traffic.intervals() == 0) {
                    warnings.add(metric + ": the baseline had no traffic in the window: nothing to plan from, and"
                            + " a stage without data never passes");
                } else if (traffic.wanderCv() > maxDispersion) {
                    warnings.add(
                            metric + ": the baseline's bad rate wanders from interval to interval with a CV of about "
                                    + Format.percent(traffic.wanderCv()) + ", more than analysis.maxDispersion ("
                                    + Format.percent(maxDispersion)
                                    + ") allows for: a healthy candidate may be rolled back; raise maxDispersion"
                                    + otherEnvelopeRemedies.getOrDefault(metric, ""));
                } else if (traffic.longRunCv() > maxDispersion) {
                    warnings.add(
                            metric + ": the baseline's bad rate drifts: it stays high or low for several intervals,"
                                    + " so over a stage it wanders as much as a CV of about "
                                    + Format.percent(traffic.longRunCv()) + " per interval would, more than"
                                    + " analysis.maxDispersion (" + Format.percent(maxDispersion)
                                    + ") allows for: a healthy candidate may be rolled back; raise maxDispersion"
                                    + otherEnvelopeRemedies.getOrDefault(metric, ""));
                }
            });
            for (Row row : rows) {
                String where = "stage " + row.stageNumber() + " (" + row.stage().label() + "): " + row.metric();
                String maxBake = ", maxBake is " + minutes(row.stage().maxBake());
                String level = Format.number(row.regression()) + "×";
                if (!row.rulesOutInTime()) {
                    warnings.add(where + " needs " + needs(row.toRuleOut(), row.simulatedUpTo()) + " to rule out "
                            + level + maxBake + ": it will end inconclusive; raise the weight or the bake");
                }
                if (!row.catchesInTime()) {
                    warnings.add(where + " needs " + needs(row.toCatch(), row.simulatedUpTo()) + " to catch "
                            + level + " with 95% power" + maxBake
                            + ": such a regression may end the stage inconclusive rather than roll it back");
                }
            }
            return warnings;
        }

        private static String needs(Optional<Duration> time, Duration simulatedUpTo) {
            return time.map(t -> "~" + minutes(t)).orElse("more than " + minutes(simulatedUpTo));
        }
    }

    /**
     * ", drifting: long-run CV 95%" when the baseline's long-run wander exceeds its interval-to-interval wander by more
     * than ten points of CV (it drifts, beyond what a short series shows by chance), so the plan's baseline line shows
     * what the judge will allow for; empty otherwise.
     */
    public static String longRun(BaselineTraffic traffic) {
        return drifts(traffic) ? ", drifting: long-run CV " + Format.percent(traffic.longRunCv()) : "";
    }

    /**
     * ", stepped ×2.00 after interval 25 of 60 (a change that moves both versions alike; the wander is measured on
     * either side)" when the baseline's rate stepped once in the window and the judge learns it as a step, not drift;
     * empty otherwise.
     */
    public static String step(BaselineTraffic traffic) {
        return traffic.step() == null ? "" : stepped(traffic.step(), traffic.intervals());
    }

    /** How the plan says where a rate or share stepped: ", stepped ×2.00 after interval 25 of 60 (…)". */
    static String stepped(HistoryStep step, int intervals) {
        return ", stepped ×" + Format.number(step.factor()) + " after interval " + step.index() + " of " + intervals
                + " (a change that moves both versions alike; the wander is measured on either side)";
    }

    /** "48 min", "30 s": how the plan prints a time. */
    public static String minutes(Duration time) {
        if (time.toSeconds() % 60 != 0) {
            return time.toSeconds() + " s";
        }
        return time.toMinutes() + " min";
    }

    /**
     * Plans every stage for every metric.
     *
     * @param baseline per ratio metric, what the baseline showed over the window, in the order to report it; a metric
     *     missing here is not planned
     */
    public Plan plan(Map<String, BaselineTraffic> baseline) {
        List<Row> rows = new ArrayList<>();
        List<MetricSpec> metrics = policy.metrics();
        for (int s = 0; s < policy.stageCount(); s++) {
            Stage stage = policy.stage(s);
            for (int m = 0; m < metrics.size(); m++) {
                rows.add(row(
                        s, stage, metrics.get(m), m, baseline.get(metrics.get(m).name())));
            }
        }
        Map<String, String> remedies = new LinkedHashMap<>();
        Map<String, String> slicedBy = new LinkedHashMap<>();
        for (MetricSpec metric : metrics) {
            String remedy = RatioJudge.otherEnvelopeRemedy(metric);
            if (!remedy.isEmpty()) {
                remedies.put(metric.name(), remedy);
            }
            boolean planned = rows.stream()
                    .anyMatch(row -> row.metric().equals(metric.name())
                            && row.notPlanned().isEmpty());
            if (planned) {
                metric.slices().ifPresent(slices -> slicedBy.put(metric.name(), slices.label()));
            }
        }
        return new Plan(
                rows,
                Collections.unmodifiableMap(new LinkedHashMap<>(baseline)),
                policy.analysis().maxDispersion(),
                Collections.unmodifiableMap(remedies),
                Collections.unmodifiableMap(slicedBy));
    }

    private Row row(int s, Stage stage, MetricSpec metric, int m, BaselineTraffic traffic) {
        Duration interval = policy.analysis().interval();
        double perMinute = Duration.ofMinutes(1).toMillis() / (double) interval.toMillis();
        double regression = 1 + policy.analysis().ruleOut();
        Optional<String> why = whyNotPlanned(metric, traffic);
        double canaryPerMinute =
                traffic == null ? Double.NaN : traffic.requestsPerInterval() * stage.candidateShare() * perMinute;
        int horizon = HORIZON_FACTOR * looksIn(stage.maxBake(), interval);
        Duration upTo = interval.multipliedBy(horizon);
        if (why.isPresent()) {
            return new Row(
                    s + 1,
                    stage,
                    metric.name(),
                    why,
                    canaryPerMinute,
                    regression,
                    Optional.empty(),
                    Optional.empty(),
                    upTo);
        }
        RatioJudge ratio = judge.ratioJudge(metric.name()).orElseThrow();
        double cv = simulatedWander(traffic, policy.analysis().maxDispersion());
        StageSimulation simulation = new StageSimulation(ratio, traffic, stage, cv, horizon);
        long seed = 1_000_003L * (s + 1) + 7919L * m;
        Optional<Duration> toCatch =
                simulation.percentile(seed, regression, true).map(interval::multipliedBy);
        Optional<Duration> toRuleOut = simulation.percentile(seed + 1, 1, false).map(interval::multipliedBy);
        return new Row(
                s + 1, stage, metric.name(), Optional.empty(), canaryPerMinute, regression, toCatch, toRuleOut, upTo);
    }

    /**
     * The CV of the independent wander a stage is simulated with: the baseline's interval-to-interval wander, or its
     * long-run wander when it {@linkplain #drifts drifts}, since a drift weighs over a stage as independent wander of
     * that size would (the judge learns the drift and allows for it); the envelope when the wander is unknown.
     */
    static double simulatedWander(BaselineTraffic traffic, double maxDispersion) {
        if (drifts(traffic)) {
            return traffic.longRunCv();
        }
        return Double.isNaN(traffic.wanderCv()) ? maxDispersion : traffic.wanderCv();
    }

    /**
     * Whether the baseline's long-run wander exceeds its interval-to-interval wander by more than {@link #DRIFT_SHOWN}
     * of CV: more than a short series shows by chance.
     */
    static boolean drifts(BaselineTraffic traffic) {
        double wander = Double.isNaN(traffic.wanderCv()) ? 0 : traffic.wanderCv();
        return traffic.longRunCv() > wander + DRIFT_SHOWN;
    }

    private static Optional<String> whyNotPlanned(MetricSpec metric, BaselineTraffic traffic) {
        if (metric.observe()) {
            return Optional.of("observed only: never decides");
        }
        if (metric.kind() != MetricSpec.Kind.RATIO) {
            return Optional.of("not planned: only ratio metrics are (a "
                    + metric.kind().name().toLowerCase(java.util.Locale.ROOT) + " metric)");
        }
        if (metric.maxIncrease().isEmpty()) {
            return Optional.of("not planned: no maxIncrease (an absolute bound only)");
        }
        if (traffic == null || traffic.intervals() == 0) {
            return Optional.of("not planned: the baseline had no traffic in the window");
        }
        return Optional.empty();
    }

    private static int looksIn(Duration span, Duration interval) {
        return (int) Math.max(1, (span.toMillis() + interval.toMillis() - 1) / interval.toMillis());
    }

    /** One stage of one metric, simulated interval by interval with the judge's own tests. */
    private final class StageSimulation {
        private final RateRatioTest margin;
        private final RateRatioTest ruleOut;
        private final long minRequests;
        private final double canaryRequests;
        private final double baselineRequests;
        private final double badFraction;
        private final double cv;
        private final int horizon;
        private final double endpointRequests;
        private final int window;

        StageSimulation(RatioJudge judge, BaselineTraffic traffic, Stage stage, double cv, int horizon) {
            this.margin = judge.marginTest();
            this.ruleOut = judge.ruleOutTest();
            this.minRequests = judge.minRequests();
            this.canaryRequests = traffic.requestsPerInterval() * stage.candidateShare();
            this.baselineRequests = traffic.requestsPerInterval() * stage.baselineShare();
            this.badFraction = traffic.badFraction();
            this.cv = cv;
            this.horizon = horizon;
            this.endpointRequests = traffic.requestsPerInterval();
            this.window = traffic.intervals();
        }

        /**
         * The 95th percentile, over seeded runs, of the intervals until the judge decides: caught (the margin test
         * rejects, the canary with a bad rate {@code theta} times the baseline's) or ruled out (the rule-out test shows
         * a healthy candidate below the level); empty when more than 5% of runs had not decided within the horizon.
         */
        Optional<Integer> percentile(long seed, double theta, boolean catching) {
            UniformRandomProvider rng = new SplittableRandom(seed)::nextLong;
            int[] intervals = new int[runs];
            // once more runs than the percentile leaves out have not decided, the answer is empty whatever the rest do:
            // stop there, rather than simulate a long maxBake's every look for hundreds of runs that cannot change it
            int mayNotDecide = runs - (int) Math.ceil(POWER * runs);
            int undecided = 0;
            for (int run = 0; run < runs; run++) {
                simulatedRuns++;
                intervals[run] = catching ? untilCaught(rng, theta) : untilRuledOut(rng);
                if (intervals[run] > horizon && ++undecided > mayNotDecide) {
                    return Optional.empty();
                }
            }
            Arrays.sort(intervals);
            int at = intervals[(int) Math.ceil(POWER * runs) - 1];
            return at > horizon ? Optional.empty() : Optional.of(at);
        }

        private int untilCaught(UniformRandomProvider rng, double theta) {
            RateRatioEvidence evidence = afterTheWindow(rng);
            for (int t = 1; t <= horizon; t++) {
                double canaryBad = bad(rng, canaryRequests, theta);
                double baselineBad = bad(rng, baselineRequests, 1);
                evidence = margin.add(evidence, canaryBad, canaryRequests, baselineBad, baselineRequests);
                if (margin.rejects(evidence) && enough(t)) {
                    return t;
                }
            }
            return horizon + 1;
        }

        private int untilRuledOut(UniformRandomProvider rng) {
            RateRatioEvidence evidence = ruleOut.empty();
            for (int t = 1; t <= horizon; t++) {
                double canaryBad = bad(rng, canaryRequests, 1);
                double baselineBad = bad(rng, baselineRequests, 1);
                // roles swapped, as the judge feeds it: see RateRatioTest.ruleOut
                evidence = ruleOut.add(evidence, baselineBad, baselineRequests, canaryBad, canaryRequests);
                if (ruleOut.rejectsNow(evidence) && enough(t)) {
                    return t;
                }
            }
            return horizon + 1;
        }

        /**
         * What the margin test learns before the rollout from the baseline alone serving the endpoint, over a window as
         * long as the one the plan read: how much the baseline wanders, and so where its allowance starts.
         */
        private RateRatioEvidence afterTheWindow(UniformRandomProvider rng) {
            RateRatioEvidence evidence = margin.empty();
            for (int i = 0; i < window; i++) {
                evidence = margin.learnBaseline(evidence, bad(rng, endpointRequests, 1), endpointRequests);
            }
            return evidence;
        }

        /** Whether each version has served minRequests after {@code t} intervals, as a verdict needs. */
        private boolean enough(int t) {
            return canaryRequests * t >= minRequests && baselineRequests * t >= minRequests;
        }

        /** One version's bad events in one interval: Poisson at a rate that wanders with the measured CV. */
        private double bad(UniformRandomProvider rng, double requests, double theta) {
            double factor = 1;
            if (cv > 0) {
                double shape = 1 / (cv * cv);
                factor = GammaDistribution.of(shape, 1 / shape)
                        .createSampler(rng)
                        .sample();
            }
            double mean = requests * Math.min(1, badFraction * theta * factor);
            return mean <= 0
                    ? 0
                    : Math.min(
                            requests,
                            PoissonDistribution.of(mean).createSampler(rng).sample());
        }
    }
}
