package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.simulator.traffic.Minutes;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded canaries of a sliced p99 read from Istio's latency histogram, through the shipped judge: three regions of
 * unequal size, each region and each version with its own minute-to-minute latency factor drawn from the simulator's
 * traffic models, and every minute's bucket counts drawn as Poisson counts around the log-normal's expected ones
 * (median 50 ms, σ 0.5: p99 160 ms). With no true difference (A/A) the canary must fail no more often than the whole
 * budget allows although every region is tested besides the aggregate; a slowdown confined to the smallest judged
 * region, which over all traffic stays inside the margin, must be caught.
 *
 * <p>Reproduce: {@code mvn -B -q -o -pl simulator,core test -Dtest=SlicedLatencySimulationTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; each run prints its rates.
 */
class SlicedLatencySimulationTest {

    private static final int RUNS = 150;
    private static final double BUDGET = 0.01;
    private static final double PER_MINUTE = 60_000; // 1000 requests/s to the endpoint
    private static final List<String> REGIONS = List.of("us-east", "eu-west", "ap-south");
    private static final double[] SHARES = {0.6, 0.3, 0.1};
    private static final double[] BOUNDS = LatencyCountJudgeTest.ISTIO_MS;
    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    /** The slowdown of the candidate in the 10% region: +20% over all traffic on the share above 100 ms. */
    static final double REGRESSION = 1.3;

    private static final String SLICES = "\n    slices: {label: region, minRequests: 500, max: 4}";
    private static final Policy POLICY = policy(SLICES);
    /** The same metric over all traffic only: what the slices are compared with. */
    private static final Policy AGGREGATE_ONLY = policy("");

    private static Policy policy(String slices) {
        return JudgeTest.parse("""
            stages:
              - {weight: 5, bake: 10m, maxBake: 20m}
              - {weight: 25, bake: 10m, maxBake: 20m}
              - {weight: 50, bake: 10m, maxBake: 20m}
            analysis: {interval: 1m, minRequests: 1000, falseRollbackRate: 1%}
            metrics:
              - name: p99-latency
                kind: quantile
                preset: istio-latency
                quantile: 0.99
                maxIncrease: 10%SLICES
            """.replace("SLICES", slices));
    }

    /** Every traffic model: the count test on latency holds its budget under all of them (docs/benchmarks.md). */
    static Iterable<TrafficModel> models() {
        return TrafficModel.all();
    }

    /** The budget plus three standard errors of a rate measured over {@link #RUNS} runs. */
    private static double tolerance(double rate) {
        return rate + 3 * Math.sqrt(rate * (1 - rate) / RUNS);
    }

    @ParameterizedTest
    @MethodSource("models")
    void aaCanariesFailNoMoreOftenThanTheWholeBudgetAllows(TrafficModel model) {
        int[] outcomes = run(POLICY, model, 1, 1.0);
        int[] aggregate = run(AGGREGATE_ONLY, model, 1, 1.0);
        System.out.printf(
                "sliced p99 %s A/A: %d of %d failed, %d inconclusive, %d passed (tolerance %.1f%%); aggregate alone:"
                        + " %d failed, %d inconclusive%n",
                model.name(),
                outcomes[0],
                RUNS,
                outcomes[1],
                outcomes[2],
                100 * tolerance(BUDGET),
                aggregate[0],
                aggregate[1]);
        assertThat(outcomes[0] / (double) RUNS).isLessThanOrEqualTo(tolerance(BUDGET));
    }

    /**
     * The smallest region 30% slower: never passed under any model, and caught in most canaries where each version's
     * latency does not wander on its own (a wandering latency costs the count test time, and the stage may end
     * inconclusive first: under {@code production} 26 of 150 are caught, 31 before the count test gave a fifth of its
     * e-value to its self-normalized part, which does not help at a small region's counts); over all traffic alone the
     * same slowdown is almost never caught.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aSlowdownInTheSmallestRegionIsCaught(TrafficModel model) {
        int[] outcomes = run(POLICY, model, 10_000, REGRESSION);
        int[] aggregate = run(AGGREGATE_ONLY, model, 10_000, REGRESSION);
        System.out.printf(
                "sliced p99 %s %.2fx slower in ap-south: %d of %d failed, %d inconclusive, %d passed; aggregate alone:"
                        + " %d failed, %d inconclusive, %d passed%n",
                model.name(),
                REGRESSION,
                outcomes[0],
                RUNS,
                outcomes[1],
                outcomes[2],
                aggregate[0],
                aggregate[1],
                aggregate[2]);
        assertThat(outcomes[2] / (double) RUNS).as("passed").isLessThanOrEqualTo(tolerance(0.01));
        assertThat(outcomes[0] / (double) RUNS)
                .as("failed")
                .isGreaterThanOrEqualTo(model.latencyCv() == 0 ? 0.75 : 0.15);
        assertThat(aggregate[0]).as("failed over all traffic alone").isLessThan(outcomes[0] / 2);
    }

    /** {failed, inconclusive, passed} over {@link #RUNS} seeded canaries. */
    private static int[] run(Policy policy, TrafficModel model, long firstSeed, double apSouthSlower) {
        int[] outcomes = new int[3];
        Judge judge = new Judge(policy);
        for (int run = 0; run < RUNS; run++) {
            long seed = firstSeed + run;
            UniformRandomProvider rng = new SplittableRandom(seed)::nextLong;
            Minutes[] regions = new Minutes[REGIONS.size()];
            for (int r = 0; r < regions.length; r++) {
                regions[r] = model.generate(seed * 31 + r, StagedCanary.WEIGHTS.length * StagedCanary.MAX_BAKE);
            }
            Verdict verdict = canary(judge, rng, regions, apSouthSlower);
            outcomes[verdict == Verdict.FAIL ? 0 : verdict == Verdict.INCONCLUSIVE ? 1 : 2]++;
        }
        return outcomes;
    }

    private static Verdict canary(Judge judge, UniformRandomProvider rng, Minutes[] regions, double apSouthSlower) {
        return StagedCanary.run(
                judge, (minute, weight) -> Map.of("p99-latency", minute(rng, regions, minute, weight, apSouthSlower)));
    }

    /** One minute's bucket counts per region and version: Poisson around the model's factored latencies. */
    private static Readings minute(
            UniformRandomProvider rng, Minutes[] regions, int minute, int weight, double apSouthSlower) {
        Map<String, Reading.Histogram> canary = new LinkedHashMap<>();
        Map<String, Reading.Histogram> baseline = new LinkedHashMap<>();
        for (int r = 0; r < REGIONS.size(); r++) {
            Minutes m = regions[r];
            double requests = PER_MINUTE * SHARES[r] * m.traffic(minute);
            double slower = r == 2 ? apSouthSlower : 1;
            canary.put(REGIONS.get(r), buckets(rng, requests * weight / 100.0, slower * m.canaryLatency(minute)));
            baseline.put(REGIONS.get(r), buckets(rng, requests * (100 - weight) / 100.0, m.baselineLatency(minute)));
        }
        return new Readings(Reading.Histogram.ofSlices(canary, false), Reading.Histogram.ofSlices(baseline, false));
    }

    /**
     * The bucket counts of a Poisson number of requests with log-normal latencies times {@code factor}: independent
     * Poisson counts per bucket, with the log-normal's share of the bucket as their mean's part.
     */
    static Reading.Histogram buckets(UniformRandomProvider rng, double requests, double factor) {
        double[] counts = new double[BOUNDS.length];
        double below = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            double upTo = BOUNDS[i] == Double.POSITIVE_INFINITY
                    ? 1
                    : NORMAL.cumulativeProbability(Math.log(BOUNDS[i] / (50 * factor)) / 0.5);
            counts[i] = poisson(rng, requests * (upTo - below));
            below = upTo;
        }
        return new Reading.Histogram(BOUNDS, counts);
    }

    private static double poisson(UniformRandomProvider rng, double mean) {
        return mean <= 1e-12
                ? 0
                : PoissonDistribution.of(mean).createSampler(rng).sample();
    }
}
