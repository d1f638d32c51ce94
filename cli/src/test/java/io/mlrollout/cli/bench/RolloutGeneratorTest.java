package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;
import org.junit.jupiter.api.Test;

class RolloutGeneratorTest {

    private static final TrafficModel POISSON = TrafficModel.named("poisson");

    private static final double THRESHOLD = 250;

    /** For minutes drawn directly: the request rate is given per minute to {@code minute}. */
    private static final RolloutGenerator MODEL = new RolloutGenerator(POISSON, 1, THRESHOLD);

    @Test
    void countsHaveTheConfiguredMeansAndShares() {
        Traffic traffic = new RolloutGenerator(POISSON, 20, THRESHOLD).generate(Scenario.errors(2), 1);
        int stage = BenchSetup.CANARY_LOOKS;
        double canary = sum(traffic.canaryTotal(), 0, stage);
        double baseline = sum(traffic.baselineTotal(), 0, stage);
        assertThat(canary / stage).isCloseTo(1200, within(1200 * 0.02));
        assertThat(baseline / canary).isCloseTo(3, within(0.05));
        assertThat(sum(traffic.baselineBad(), 0, stage) / baseline).isCloseTo(0.01, within(0.001));
        assertThat(sum(traffic.canaryBad(), 0, stage) / canary).isCloseTo(0.02, within(0.003));
        // the watch: the candidate serves 90% of the endpoint's 4800 a minute, the holdback 10%
        double watchCandidate = sum(traffic.canaryTotal(), stage, BenchSetup.MINUTES) / BenchSetup.WATCH_LOOKS;
        double watchBaseline = sum(traffic.baselineTotal(), stage, BenchSetup.MINUTES) / BenchSetup.WATCH_LOOKS;
        assertThat(watchCandidate).isCloseTo(4320, within(4320 * 0.02));
        assertThat(watchBaseline).isCloseTo(480, within(480 * 0.05));
    }

    @Test
    void aTrafficModelsFactorsReachTheCounts() {
        // low traffic: the empty minutes are empty for both versions
        Traffic quiet =
                new RolloutGenerator(TrafficModel.named("low-traffic"), 200, THRESHOLD).generate(Scenario.AA, 3);
        int empty = 0;
        for (int i = 0; i < quiet.intervals(); i++) {
            assertThat(quiet.canaryTotal()[i] == 0).as("minute %d", i).isEqualTo(quiet.baselineTotal()[i] == 0);
            empty += quiet.canaryTotal()[i] == 0 ? 1 : 0;
        }
        assertThat(empty).isBetween(1, BenchSetup.MINUTES / 2);
        assertThat(quiet.canaryP99()[indexOfZero(quiet.canaryTotal())]).isNaN();

        // a shared step doubles both versions' errors from its minute on: the rollouts' error ratios spread wider
        // than under Poisson, for both versions alike
        RolloutGenerator shifting = new RolloutGenerator(TrafficModel.named("shared-shift"), 200, THRESHOLD);
        RolloutGenerator poisson = new RolloutGenerator(POISSON, 200, THRESHOLD);
        double shiftedBaseline = 0;
        double plainBaseline = 0;
        double shiftedCanary = 0;
        for (int r = 0; r < 50; r++) {
            Traffic shifted = shifting.generate(Scenario.AA, r);
            Traffic plain = poisson.generate(Scenario.AA, r);
            // over the canary stage, where the shares stay put
            int stage = BenchSetup.CANARY_LOOKS;
            shiftedBaseline += sum(shifted.baselineBad(), 0, stage) / sum(shifted.baselineTotal(), 0, stage);
            shiftedCanary += sum(shifted.canaryBad(), 0, stage) / sum(shifted.canaryTotal(), 0, stage);
            plainBaseline += sum(plain.baselineBad(), 0, stage) / sum(plain.baselineTotal(), 0, stage);
        }
        // the step falls uniformly in 70 minutes: on average (60 − 30.5·60/70)/60 ≈ 0.56 of the stage after it
        assertThat(shiftedBaseline / plainBaseline).isBetween(1.35, 1.75);
        assertThat(shiftedCanary / shiftedBaseline).isCloseTo(1, within(0.1));
    }

    private static int indexOfZero(double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == 0) {
                return i;
            }
        }
        throw new AssertionError("no empty minute");
    }

    private static double sum(double[] values, int from, int to) {
        return Arrays.stream(values, from, to).sum();
    }

    @Test
    void theSameSeedGivesTheSameReadings() {
        RolloutGenerator model = new RolloutGenerator(POISSON, 2, THRESHOLD);
        Traffic a = model.generate(Scenario.latency(1.25), 42);
        Traffic b = model.generate(Scenario.latency(1.25), 42);
        assertThat(a.canaryP99()).containsExactly(b.canaryP99());
        assertThat(a.baselineBad()).containsExactly(b.baselineBad());
        assertThat(model.generate(Scenario.latency(1.25), 43).canaryP99()).isNotEqualTo(a.canaryP99());
    }

    @Test
    void p99AndSlowCountMatchThoseOfDrawnLatencies() {
        // Independent computation: draw a Poisson number of log-normal latencies, count those over the threshold and
        // take the ⌈0.99·n⌉-th smallest. Latencies are doubled (median 100 ms), so that about 3% are slow and the p99
        // of 120 requests is sometimes below the threshold, sometimes above: the two must agree minute by minute.
        SplittableRandom random = new SplittableRandom(9);
        double scale = 2;
        for (double mean : new double[] {120, 1200}) {
            int draws = 4000;
            double[][] model = new double[draws][];
            double[][] direct = new double[draws][];
            for (int d = 0; d < draws; d++) {
                RolloutGenerator.Minute minute = MODEL.minute(random::nextLong, mean, 0, scale);
                model[d] = new double[] {minute.p99(), minute.slow(), minute.total()};
                int n = (int) PoissonSampler.of(random::nextLong, mean).sample();
                double[] latencies = new double[n];
                int slow = 0;
                for (int i = 0; i < n; i++) {
                    latencies[i] = scale
                            * BenchSetup.LATENCY_MEDIAN_MS
                            * Math.exp(BenchSetup.LATENCY_SIGMA * random.nextGaussian());
                    slow += latencies[i] > THRESHOLD ? 1 : 0;
                }
                Arrays.sort(latencies);
                direct[d] = new double[] {latencies[(int) Math.ceil(0.99 * n - 1e-9) - 1], slow, n};
            }
            assertThat(mean(model, 1))
                    .as("slow, mean %s", mean)
                    .isCloseTo(mean(direct, 1), within(mean(direct, 1) * 0.05));
            assertThat(mean(model, 2)).as("total, mean %s", mean).isCloseTo(mean, within(mean * 0.01));
            for (double q : new double[] {0.1, 0.5, 0.9}) {
                double expected = quantile(column(direct, 0), q);
                assertThat(quantile(column(model, 0), q))
                        .as("p99, mean %s, q=%s", mean, q)
                        .isCloseTo(expected, within(expected * 0.03));
            }
        }
        // jointly: at 120 requests the p99 (second-largest) is over the threshold exactly when two or more are slow
        for (int d = 0; d < 2000; d++) {
            RolloutGenerator.Minute minute = MODEL.minute(random::nextLong, 120, 0, scale);
            long k = (long) Math.ceil(0.99 * minute.total() - 1e-9);
            boolean p99IsSlow = minute.p99() > THRESHOLD;
            assertThat(p99IsSlow).as("minute %d: %s", d, minute).isEqualTo(minute.slow() >= minute.total() - k + 1);
        }
    }

    private static double[] column(double[][] rows, int column) {
        return Arrays.stream(rows).mapToDouble(r -> r[column]).toArray();
    }

    private static double mean(double[][] rows, int column) {
        return Arrays.stream(column(rows, column)).average().orElseThrow();
    }

    @Test
    void latencyRegressionScalesTheCanaryOnlyAndNoTrafficGivesNaN() {
        RolloutGenerator model = new RolloutGenerator(POISSON, 200, THRESHOLD);
        Traffic aa = model.generate(Scenario.AA, 5);
        Traffic slow = model.generate(Scenario.latency(1.25), 5);
        double ratio = median(slow.canaryP99()) / median(aa.canaryP99());
        assertThat(ratio).isCloseTo(1.25, within(0.03));
        assertThat(RolloutGenerator.empiricalQuantile(new SplittableRandom(1)::nextLong, 0, 0, 0.01))
                .isNaN();
        double slowShare = Arrays.stream(slow.canarySlow()).sum()
                / Arrays.stream(slow.canaryTotal()).sum();
        double aaShare = Arrays.stream(aa.canarySlow()).sum()
                / Arrays.stream(aa.canaryTotal()).sum();
        assertThat(slowShare).isGreaterThan(3 * aaShare); // 250 ms: 0.28% of requests 25% slower, 0.064% of the rest
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) (q * (sorted.length - 1))];
    }
}
