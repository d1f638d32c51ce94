package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.simulator.traffic.Minutes;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A latency quantile judged on counts after an hour of the baseline's histograms, on simulated traffic as production
 * has it: each minute's buckets are Poisson draws of log-normal latencies (median 50 ms, σ 0.5: p99 160 ms), every
 * latency multiplied by a load factor both versions share (5% a minute) and by each version's own factor from the
 * simulator's traffic model (jitter, drift, shared steps and cycles). 20 requests/s to a 25% canary, a 60-minute stage.
 * The hour must not make healthy candidates fail beyond the budget where latency drifts, and where it is calm it must
 * let a slower candidate fail sooner than the first looks alone would.
 */
class LatencyHourSimulationTest {

    private static final String POLICY = """
            stages:
              - {weight: 25, bake: 60m}
            analysis: {interval: 1m, minRequests: 500, falseRollbackRate: 1%}
            metrics:
              - {name: p99, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 5%}
            """;

    private static final double ENDPOINT_PER_MINUTE = 4800;
    private static final double CANARY_SHARE = 0.25;
    private static final double LOAD_SIGMA = 0.05;
    private static final int LOOKS = 60;
    private static final int NOT_WITHIN_THE_STAGE = LOOKS + 1;

    private final Judge judge = new Judge(JudgeTest.parse(POLICY));

    @ParameterizedTest
    @ValueSource(strings = {"poisson", "overdispersed", "shared-shift", "autocorrelated", "production"})
    void healthyCandidatesAfterTheHourFailNoMoreOftenThanTheBudgetAllows(String name) {
        assertFailsWithinTheBudget(TrafficModel.named(name), 1.0, 1000, "A/A");
    }

    /** At the margin, a candidate exactly 5% slower, where a test that allows too little for wander fails most. */
    @ParameterizedTest
    @ValueSource(strings = {"overdispersed", "autocorrelated"})
    void candidatesAtTheMarginAfterTheHourFailNoMoreOftenThanTheBudgetAllows(String name) {
        assertFailsWithinTheBudget(TrafficModel.named(name), 1.05, 3000, "at the margin");
    }

    /**
     * At the margin, at 200 requests/s to the canary, where the load eases: both versions' latency steps down by 15%
     * once in the hour and once in the stage (one timeline, as the benchmark draws it). The threshold placed in the
     * hour then sits deeper in the tail, where the margin's slowdown multiplies the share above it by more than the
     * hour's θ0; judged against that θ0, 60 of these 200 candidates failed.
     */
    @org.junit.jupiter.api.Test
    void candidatesAtTheMarginFailNoMoreOftenThanTheBudgetAllowsWhereTheLoadEases() {
        TrafficModel easing = new TrafficModel("load-eases", "a shared step down", 0, 0, 1, 0.5, 0, 0, 0, 0);
        assertAtTheMarginOnOneTimelineWithinTheBudget(easing, 7000, 200);
    }

    /**
     * At the margin, at 200 requests/s to the canary, where the load grows: both versions' latency steps up by 30% once
     * in the hour and once in the stage. The threshold then sits shallower in the tail, where the margin's slowdown
     * multiplies the share above it by less than the hour's θ0, and the margin test follows it there.
     */
    @org.junit.jupiter.api.Test
    void candidatesAtTheMarginFailNoMoreOftenThanTheBudgetAllowsWhereTheLoadGrows() {
        TrafficModel growing = new TrafficModel("load-grows", "a shared step up", 0, 0, 1, 2, 0, 0, 0, 0);
        assertAtTheMarginOnOneTimelineWithinTheBudget(growing, 8000, 200);
    }

    /**
     * At the margin, at 200 requests/s to the canary, where the load leaps: both versions' latency steps up by 60% once
     * in the hour and once in the stage. The pooled hour then holds two levels of latency, and the log-normal fitted
     * through it is wider than either's: moved to the baseline's level through that σ, the margin came out too narrow,
     * and 10 of these 200 candidates failed (125 of 2000). With σ fitted on either side of the hour's step, where one
     * step explains it: none (none of 2000; 1 with σ fitted after the step alone).
     */
    @org.junit.jupiter.api.Test
    void candidatesAtTheMarginFailNoMoreOftenThanTheBudgetAllowsWhereTheLoadLeaps() {
        TrafficModel leaping = new TrafficModel("load-leaps", "a shared step far up", 0, 0, 1, 3, 0, 0, 0, 0);
        assertAtTheMarginOnOneTimelineWithinTheBudget(leaping, 10_000, 200);
    }

    /**
     * At the margin, at 200 requests/s, where each version's latency drifts: a slow spell of the candidate's over half an
     * hour adds to its 5%, and the test must allow for such spells from the first look. Learned only from the stage's
     * own minutes (from the twentieth), they were under-allowed for at first: 24 of these 1000 candidates failed under
     * {@code autocorrelated} (15 under {@code production}). The hour before the rollout now teaches the drift: 15 (10;
     * 8 before the margin followed the load up).
     */
    @ParameterizedTest
    @ValueSource(strings = {"autocorrelated", "production"})
    void candidatesAtTheMarginFailNoMoreOftenThanTheBudgetAllowsWhereLatencyDrifts(String name) {
        assertAtTheMarginOnOneTimelineWithinTheBudget(TrafficModel.named(name), 9000, 1000);
    }

    /**
     * Candidates exactly at the margin, on {@code runs} timelines of {@code model} (the hour and the stage one run of
     * it) at 200 requests/s to the canary, fail within the budget's tolerance.
     */
    private void assertAtTheMarginOnOneTimelineWithinTheBudget(TrafficModel model, long firstSeed, int runs) {
        int failed = 0;
        for (int run = 0; run < runs; run++) {
            failed += looksToFailOnOneTimeline(model, firstSeed + run, 1.05, 10 * ENDPOINT_PER_MINUTE) <= LOOKS ? 1 : 0;
        }
        System.out.printf("%s at the margin, 200 req/s: %d of %d failed%n", model.name(), failed, runs);
        assertThat(failed / (double) runs).isLessThanOrEqualTo(0.01 + 3 * Math.sqrt(0.01 * 0.99 / runs));
    }

    /**
     * {@link #looksToFail} with the hour and the stage one run of the traffic model, the hour's step leading up to the
     * level the stage starts at, at {@code endpointPerMinute} requests.
     */
    private int looksToFailOnOneTimeline(TrafficModel model, long seed, double slower, double endpointPerMinute) {
        SplittableRandom random = new SplittableRandom(seed);
        UniformRandomProvider rng = random::nextLong;
        Minutes timeline = model.generateInSegments(seed, 60, LOOKS);
        List<Reading.Histogram> hour = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double load = Math.exp(LOAD_SIGMA * random.nextGaussian());
            hour.add(drawn(rng, endpointPerMinute * timeline.traffic(i), load * timeline.baselineLatency(i)));
        }
        JudgeState begun = judge.begin(new BaselineHistory(Map.of(), Map.of("p99", hour)));
        return lookToFail(begun, random, timeline.slice(60, 60 + LOOKS), endpointPerMinute, slower);
    }

    /** 200 seeded runs of a candidate {@code slower} than the baseline fail within the budget's tolerance. */
    private void assertFailsWithinTheBudget(TrafficModel model, double slower, long firstSeed, String what) {
        int runs = 200;
        int failed = 0;
        for (int run = 0; run < runs; run++) {
            failed += looksToFail(model, firstSeed + run, slower, true) <= LOOKS ? 1 : 0;
        }
        double budget = 0.01;
        double tolerance = budget + 3 * Math.sqrt(budget * (1 - budget) / runs);
        System.out.printf("%s %s after the hour: %d of %d failed%n", model.name(), what, failed, runs);
        assertThat(failed / (double) runs).isLessThanOrEqualTo(tolerance);
    }

    @ParameterizedTest
    @ValueSource(strings = {"poisson", "overdispersed"})
    void aCalmHourCatchesAQuarterSlowerCandidateSooner(String name) {
        TrafficModel model = TrafficModel.named(name);
        int runs = 60;
        int[] withTheHour = new int[runs];
        int[] withoutIt = new int[runs];
        for (int run = 0; run < runs; run++) {
            withTheHour[run] = looksToFail(model, 5000 + run, 1.25, true);
            withoutIt[run] = looksToFail(model, 5000 + run, 1.25, false);
        }
        System.out.printf(
                "%s +25%%: median %d looks after the hour, %d without%n", name, median(withTheHour), median(withoutIt));
        assertThat(median(withoutIt)).isLessThan(NOT_WITHIN_THE_STAGE);
        assertThat(median(withTheHour)).isLessThanOrEqualTo(median(withoutIt) - 2);
    }

    /** The look at which the stage failed, or {@link #NOT_WITHIN_THE_STAGE}. */
    private int looksToFail(TrafficModel model, long seed, double slower, boolean withTheHour) {
        SplittableRandom random = new SplittableRandom(seed);
        UniformRandomProvider rng = random::nextLong;
        JudgeState begun = judge.begin(withTheHour ? hour(model, seed, rng) : BaselineHistory.none());
        return lookToFail(begun, random, model.generate(seed, LOOKS), ENDPOINT_PER_MINUTE, slower);
    }

    /**
     * The look at which a stage begun from {@code begun} failed, or {@link #NOT_WITHIN_THE_STAGE}: each minute's buckets
     * drawn from {@code random} under {@code minutes}' factors and a shared load jitter.
     */
    private int lookToFail(
            JudgeState begun, SplittableRandom random, Minutes minutes, double endpointPerMinute, double slower) {
        UniformRandomProvider rng = random::nextLong;
        JudgeState state = judge.beginStage(begun);
        for (int look = 1; look <= LOOKS; look++) {
            int i = look - 1;
            double load = Math.exp(LOAD_SIGMA * random.nextGaussian());
            double requests = endpointPerMinute * minutes.traffic(i);
            Reading.Histogram canary = drawn(rng, requests * CANARY_SHARE, slower * load * minutes.canaryLatency(i));
            Reading.Histogram baseline = drawn(rng, requests * (1 - CANARY_SHARE), load * minutes.baselineLatency(i));
            LookResult result =
                    judge.look(state, Map.of("p99", new Readings(canary, baseline)), LookContext.canary(0, false));
            if (result.verdict().isPresent() && result.verdict().get().verdict() == Verdict.FAIL) {
                return look;
            }
            state = result.state();
        }
        return NOT_WITHIN_THE_STAGE;
    }

    /** The baseline alone over the hour before, serving the whole endpoint, from streams of its own. */
    private static BaselineHistory hour(TrafficModel model, long seed, UniformRandomProvider rng) {
        Minutes before = model.generate(seed + 1_000_000, 60);
        SplittableRandom loads = new SplittableRandom(seed + 2_000_000);
        List<Reading.Histogram> intervals = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double load = Math.exp(LOAD_SIGMA * loads.nextGaussian());
            intervals.add(drawn(rng, ENDPOINT_PER_MINUTE * before.traffic(i), load * before.baselineLatency(i)));
        }
        return new BaselineHistory(Map.of(), Map.of("p99", intervals));
    }

    private static Reading.Histogram drawn(UniformRandomProvider rng, double requests, double slower) {
        Reading.Histogram expected = LatencyCountJudgeTest.latencies(requests, slower);
        double[] counts = expected.counts().clone();
        for (int b = 0; b < counts.length; b++) {
            counts[b] = counts[b] > 0
                    ? PoissonDistribution.of(counts[b]).createSampler(rng).sample()
                    : 0;
        }
        return new Reading.Histogram(expected.upperBounds(), counts);
    }

    private static int median(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
