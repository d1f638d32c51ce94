package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.core.analysis.stats.MixturePrior;
import io.mlrollout.core.analysis.stats.RateRatioEvidence;
import io.mlrollout.core.analysis.stats.RateRatioTest;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.policy.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static final Policy POLICY = JudgeTest.parse("""
            stages:
              - {weight: 5, bake: 10m, maxBake: 30m}
              - {weight: 25, bake: 10m, maxBake: 30m}
            analysis: {interval: 1m, minRequests: 500, falseRollbackRate: 1%}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%}
              - name: p99
                kind: quantile
                query: histogram_quantile(0.99, sum by (le) (rate(latency_ms_bucket{version="${version}"}[${interval}])))
                maxIncrease: 15%
            """);

    /** A baseline at {@code perMinute} requests a minute to the endpoint, 1% of them bad, wandering 20%. */
    private static BaselineTraffic baseline(double perMinute) {
        return new BaselineTraffic(perMinute, perMinute * 0.01, 0.2, 60);
    }

    private static Planner.Row row(Planner.Plan plan, int stage, String metric) {
        return plan.rows().stream()
                .filter(r -> r.stageNumber() == stage && r.metric().equals(metric))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void moreTrafficNeedsFewerMinutes() {
        Planner planner = new Planner(POLICY, 200);
        Planner.Row low = row(planner.plan(Map.of("errors", baseline(6_000))), 1, "errors");
        Planner.Row high = row(planner.plan(Map.of("errors", baseline(60_000))), 1, "errors");

        assertThat(high.canaryRequestsPerMinute()).isEqualTo(3_000);
        assertThat(high.toRuleOut().orElseThrow()).isLessThan(low.toRuleOut().orElseThrow());
        assertThat(high.toCatch().orElseThrow()).isLessThan(low.toCatch().orElseThrow());
    }

    @Test
    void aStageThatCannotRuleOutWithinItsMaxBakeIsWarnedAbout() {
        Planner planner = new Planner(POLICY, 200);
        Planner.Plan scarce = planner.plan(Map.of("errors", baseline(1_200))); // 60 requests a minute at 5%

        Planner.Row first = row(scarce, 1, "errors");
        assertThat(first.rulesOutInTime()).isFalse();
        assertThat(scarce.warnings())
                .anySatisfy(w -> assertThat(w)
                        .startsWith("stage 1 (5%): errors needs ")
                        .contains("to rule out 2×, maxBake is 30 min: it will end inconclusive"));

        Planner.Plan ample = planner.plan(Map.of("errors", baseline(60_000)));
        assertThat(row(ample, 1, "errors").rulesOutInTime()).isTrue();
        assertThat(ample.warnings()).noneMatch(w -> w.startsWith("stage 1"));
    }

    @Test
    void quantileMetricsAreNotPlannedAndGetNoNumbers() {
        Planner.Plan plan = new Planner(POLICY, 50).plan(Map.of("errors", baseline(60_000)));

        Planner.Row p99 = row(plan, 1, "p99");
        assertThat(p99.notPlanned()).hasValueSatisfying(why -> assertThat(why).startsWith("not planned"));
        assertThat(p99.toCatch()).isEmpty();
        assertThat(p99.toRuleOut()).isEmpty();
    }

    @Test
    void aBaselineThatWandersBeyondTheEnvelopeIsWarnedAbout() {
        Planner.Plan plan = new Planner(POLICY, 50).plan(Map.of("errors", new BaselineTraffic(60_000, 600, 0.9, 60)));

        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w).startsWith("errors: the baseline's bad rate wanders"));
    }

    /** For a slow-requests count the warning also suggests a lower threshold, whose share wanders less. */
    @Test
    void aSlowRequestsBaselineBeyondTheEnvelopeIsAdvisedALowerThreshold() {
        Policy withSlowRequests = JudgeTest.parse("""
                stages:
                  - {weight: 5, bake: 10m, maxBake: 30m}
                analysis: {interval: 1m, minRequests: 500, falseRollbackRate: 1%}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%}
                  - {name: slow, kind: ratio, preset: istio-latency-over, threshold: 250ms, maxIncrease: 20%}
                """);
        BaselineTraffic wandering = new BaselineTraffic(60_000, 600, 0.9, 60);

        Planner.Plan plan = new Planner(withSlowRequests, 50).plan(Map.of("errors", wandering, "slow", wandering));

        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w)
                        .startsWith("slow: the baseline's bad rate wanders")
                        .endsWith("raise maxDispersion, or count slow requests over a lower bucket bound than 250ms,"
                                + " where a drift of latency moves the share less"))
                .anySatisfy(w -> assertThat(w)
                        .startsWith("errors: the baseline's bad rate wanders")
                        .endsWith("raise maxDispersion"));
    }

    @Test
    void aBaselineThatDriftsBeyondTheEnvelopeIsWarnedAboutThoughEachIntervalWandersWithinIt() {
        UniformRandomProvider rng = new SplittableRandom(9)::nextLong;
        // each interval's rate wanders 30% (within the 50% envelope) but keeps 70% of the last one's deviation, so
        // over a stage it wanders like sqrt(0.09 × 1.7 / 0.3) = 71% a minute would
        double sigma2 = Math.log(1 + 0.3 * 0.3);
        double rho = 0.7;
        double level = 0;
        List<Reading.Counts> drifting = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            level = rho * level + Math.sqrt((1 - rho * rho) * sigma2) * normal(rng);
            drifting.add(new Reading.Counts(poisson(rng, 100 * Math.exp(level - sigma2 / 2)), 10_000));
        }
        BaselineTraffic traffic = BaselineTraffic.of(drifting, 0.5);
        assertThat(traffic.wanderCv()).isBetween(0.2, 0.45);
        assertThat(traffic.longRunCv()).isBetween(0.55, 0.95);
        assertThat(Planner.longRun(traffic)).startsWith(", drifting: long-run CV ");

        Planner.Plan plan = new Planner(POLICY, 50).plan(Map.of("errors", traffic));
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w).startsWith("errors: the baseline's bad rate drifts"))
                .noneSatisfy(w -> assertThat(w).startsWith("errors: the baseline's bad rate wanders"));

        // a stage on the drifting baseline is planned as the judge will meet it: slower than on one that only jitters
        // as much from interval to interval (at ten times the traffic, so that both decide within the plan's horizon)
        BaselineTraffic busyDrift = new BaselineTraffic(100_000, 1000, traffic.wanderCv(), 240, traffic.longRunCv());
        BaselineTraffic busyJitter = new BaselineTraffic(100_000, 1000, traffic.wanderCv(), 240, traffic.wanderCv());
        assertThat(Planner.simulatedWander(busyDrift, 0.5)).isEqualTo(traffic.longRunCv());
        assertThat(Planner.simulatedWander(busyJitter, 0.5)).isEqualTo(traffic.wanderCv());
        Planner.Row drift = secondStageErrors(new Planner(POLICY, 50).plan(Map.of("errors", busyDrift)));
        Planner.Row jitter = secondStageErrors(new Planner(POLICY, 50).plan(Map.of("errors", busyJitter)));
        assertThat(jitter.toCatch()).isPresent();
        assertThat(drift.toCatch().orElse(drift.simulatedUpTo()))
                .isGreaterThan(jitter.toCatch().orElseThrow());
    }

    private static Planner.Row secondStageErrors(Planner.Plan plan) {
        return plan.rows().stream()
                .filter(row -> row.stageNumber() == 2 && row.metric().equals("errors"))
                .findFirst()
                .orElseThrow();
    }

    private static double normal(UniformRandomProvider rng) {
        return NormalDistribution.of(0, 1).inverseCumulativeProbability(rng.nextDouble());
    }

    /**
     * The plan's numbers against a simulation written here from the judge's rules: the margin test at four fifths of
     * the budget (one test; the default promotion watch keeps a fifth) with the horizon of both stages' maxBakes, the
     * rule-out at missedRegressionRate, both with the default envelope. Other seeds: they agree within sampling noise.
     */
    @Test
    void aSlicedMetricIsSaidToBePlannedOverAllTrafficOnly() {
        Policy sliced = JudgeTest.parse("""
                stages:
                  - {weight: 10, bake: 2m, maxBake: 4m}
                analysis: {interval: 5s, minRequests: 200}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%, slices: {label: region}}
                  - {name: slow, kind: ratio, preset: istio-latency-over, threshold: 250ms, maxIncrease: 20%}
                """);

        Planner.Plan plan = new Planner(sliced, 100)
                .plan(Map.of(
                        "errors", new BaselineTraffic(5000, 50, 0, 36), "slow", new BaselineTraffic(5000, 50, 0, 36)));

        assertThat(plan.notes())
                .containsExactly("errors is judged per region as well: planned over all traffic only; a judged region"
                        + " whose estimate stays beyond the bounds holds a stage up to its maxBake, so a healthy"
                        + " candidate may need longer than planned or end inconclusive");
        assertThat(plan.warnings()).noneMatch(warning -> warning.contains("per region"));
    }

    @Test
    void aStageThatCannotDecideInALongMaxBakeStopsSimulatingOnceItsAnswerIsKnown() {
        // a day of 5 s looks is 17,280 looks, simulated to twice that for each of 400 runs unless cut short
        Policy longBake = JudgeTest.parse("""
                stages:
                  - {weight: 1, bake: 10m, maxBake: 1d}
                analysis: {interval: 5s, minRequests: 200}
                metrics:
                  - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                """);

        Planner planner = new Planner(longBake);
        Planner.Row row = row(planner.plan(Map.of("errors", new BaselineTraffic(200, 2, 0.3, 36))), 1, "errors");

        assertThat(row.toCatch()).isEmpty();
        assertThat(row.toRuleOut()).isEmpty();
        assertThat(row.simulatedUpTo()).isEqualTo(java.time.Duration.ofDays(2));
        // each question stops once more runs than its 95th percentile leaves out (20 of 400) have not decided
        int mayNotDecide = Planner.RUNS - (int) Math.ceil(Planner.POWER * Planner.RUNS);
        assertThat(planner.simulatedRuns()).isEqualTo(2L * (mayNotDecide + 1));
    }

    @Test
    void theNumbersAgreeWithADirectSimulation() {
        Planner.Row planned = row(new Planner(POLICY).plan(Map.of("errors", baseline(12_000))), 1, "errors");
        // the judge's own margin test for this policy: four fifths of the 1% over its two metrics' canary tests (a
        // fifth
        // is kept for the watch after promotion), and a horizon of both stages' maxBake
        RateRatioTest margin = new RateRatioTest(1.1, 0.004, MixturePrior.calibrated(), 0.5, 60);
        RateRatioTest ruleOut = RateRatioTest.ruleOut(2, 0.01, 0.5);

        int caught = direct(margin, 2, false);
        int ruledOut = direct(ruleOut, 1, true);

        assertThat(planned.toCatch().orElseThrow().toMinutes()).isCloseTo(caught, within(Math.max(2L, caught / 10)));
        assertThat(planned.toRuleOut().orElseThrow().toMinutes())
                .isCloseTo(ruledOut, within(Math.max(2L, ruledOut / 10)));
    }

    /**
     * The 95th percentile of minutes to a decision at a 5% stage of 12,000 requests a minute, 1% bad, CV 20%; the margin
     * test first learns from an hour of the baseline alone, as the judge does from the window the plan read.
     */
    private static int direct(RateRatioTest test, double theta, boolean swapped) {
        UniformRandomProvider rng = new SplittableRandom(99)::nextLong;
        double canary = 600;
        double baseline = 11_400;
        int runs = 400;
        int[] minutes = new int[runs];
        for (int run = 0; run < runs; run++) {
            RateRatioEvidence e = test.empty();
            for (int i = 0; i < 60 && !swapped; i++) {
                e = test.learnBaseline(e, poisson(rng, 12_000 * 0.01 * gamma(rng, 0.2)), 12_000);
            }
            int t = 1;
            for (; t <= 60; t++) {
                double c = poisson(rng, canary * 0.01 * theta * gamma(rng, 0.2));
                double b = poisson(rng, baseline * 0.01 * gamma(rng, 0.2));
                e = swapped ? test.add(e, b, baseline, c, canary) : test.add(e, c, canary, b, baseline);
                boolean decided = swapped ? test.rejectsNow(e) : test.rejects(e);
                if (decided && canary * t >= 500) {
                    break;
                }
            }
            minutes[run] = t;
        }
        Arrays.sort(minutes);
        return minutes[(int) Math.ceil(0.95 * runs) - 1];
    }

    private static double gamma(UniformRandomProvider rng, double cv) {
        double shape = 1 / (cv * cv);
        return GammaDistribution.of(shape, 1 / shape).createSampler(rng).sample();
    }

    private static double poisson(UniformRandomProvider rng, double mean) {
        return PoissonDistribution.of(mean).createSampler(rng).sample();
    }

    @Test
    void theBaselineIsMeasuredFromItsIntervals() {
        UniformRandomProvider rng = new SplittableRandom(5)::nextLong;
        List<Reading.Counts> steady = new ArrayList<>();
        List<Reading.Counts> wandering = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            steady.add(new Reading.Counts(poisson(rng, 100), 10_000));
            wandering.add(new Reading.Counts(poisson(rng, 100 * gamma(rng, 0.5)), 10_000));
        }

        BaselineTraffic calm = BaselineTraffic.of(steady, 0.5);
        assertThat(calm.requestsPerInterval()).isEqualTo(10_000);
        assertThat(calm.badFraction()).isCloseTo(0.01, within(0.0005));
        assertThat(calm.wanderCv()).isLessThan(0.1);
        assertThat(calm.longRunCv()).isLessThan(0.1);
        assertThat(Planner.longRun(calm)).isEmpty();
        BaselineTraffic jittering = BaselineTraffic.of(wandering, 0.5);
        assertThat(jittering.wanderCv()).isBetween(0.4, 0.6);
        // wander that does not last weighs no more over a stage than interval by interval
        assertThat(jittering.longRunCv()).isBetween(0.4, 0.65);
        assertThat(BaselineTraffic.of(List.of(), 0.5).intervals()).isZero();
    }

    /**
     * A baseline whose error rate doubled a third into the window (an incident that hits both versions alike) and is
     * Poisson on either side: the plan says where it stepped, measures the wander on either side of the step, and does
     * not take the step for drift.
     */
    @Test
    void aBaselineThatSteppedIsMeasuredOnEitherSideOfTheStep() {
        UniformRandomProvider rng = new SplittableRandom(7)::nextLong;
        List<Reading.Counts> stepped = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            stepped.add(new Reading.Counts(poisson(rng, i < 20 ? 100 : 200), 10_000));
        }

        BaselineTraffic traffic = BaselineTraffic.of(stepped, 0.5);

        assertThat(traffic.step()).isNotNull();
        assertThat(traffic.step().index()).isBetween(19, 21);
        assertThat(traffic.step().factor()).isCloseTo(2, within(0.1));
        assertThat(traffic.wanderCv()).isLessThan(0.1);
        assertThat(traffic.longRunCv()).isLessThan(0.1);
        assertThat(Planner.step(traffic))
                .isEqualTo(", stepped ×" + Format.number(traffic.step().factor()) + " after interval "
                        + traffic.step().index() + " of 60 (a change that moves both versions alike; the wander is"
                        + " measured on either side)");
        assertThat(Planner.longRun(traffic)).isEmpty();
        // read as one rate (a test that allows for no wander takes no step), the same window wanders by about 28%
        assertThat(BaselineTraffic.of(stepped, 0).wanderCv()).isBetween(0.25, 0.32);
    }
}
