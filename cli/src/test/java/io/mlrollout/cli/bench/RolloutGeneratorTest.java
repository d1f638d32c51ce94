package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.core.metrics.HistogramQuantile;
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
        assertThat(quiet.canaryQuantile()[indexOfZero(quiet.canaryTotal())]).isNaN();

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

    /**
     * The hour before the rollout and the rollout are one timeline: the baseline's error rate in the hour's last minutes
     * is the rate its first minutes continue at. Drawn apart, the hour ended after its own step, at twice the rate the
     * rollout started at.
     */
    @Test
    void theRolloutContinuesTheHourBeforeIt() {
        RolloutGenerator shifting = new RolloutGenerator(TrafficModel.named("shared-shift"), 200, THRESHOLD);
        int runs = 200;
        int continued = 0;
        for (int r = 0; r < runs; r++) {
            Traffic traffic = shifting.generate(Scenario.AA, r);
            int hour = traffic.historyBad().length;
            double hourEnd = sum(traffic.historyBad(), hour - 3, hour) / sum(traffic.historyTotal(), hour - 3, hour);
            double rolloutStart = sum(traffic.baselineBad(), 0, 3) / sum(traffic.baselineTotal(), 0, 3);
            // about 1440 bad requests in the hour's last three minutes and 1080 in the rollout's first: a 10% band is
            // 2.5 standard errors wide; a step near the border (about one run in 11) may leave it
            continued += Math.abs(Math.log(rolloutStart / hourEnd)) < 0.1 ? 1 : 0;
        }
        assertThat(continued).isGreaterThan(runs * 8 / 10);
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
        assertThat(a.canaryQuantile()).containsExactly(b.canaryQuantile());
        assertThat(a.baselineBad()).containsExactly(b.baselineBad());
        assertThat(model.generate(Scenario.latency(1.25), 43).canaryQuantile()).isNotEqualTo(a.canaryQuantile());
    }

    @Test
    void bucketsAndSlowCountMatchThoseOfDrawnLatenciesAndTheP99IsHistogramQuantiles() {
        // Independent computation: draw a Poisson number of log-normal latencies and put each into its bucket.
        // Latencies
        // are doubled (median 100 ms), so that about 3% are over the 250 ms threshold.
        SplittableRandom random = new SplittableRandom(9);
        double scale = 2;
        double[] bounds = LatencyLayout.ISTIO.boundsMs();
        double mean = 1200;
        int draws = 2000;
        double[] model = new double[bounds.length];
        double[] direct = new double[bounds.length];
        for (int d = 0; d < draws; d++) {
            RolloutGenerator.Minute minute = MODEL.minute(random::nextLong, mean, 0.01, scale);
            assertThat(minute.total()).isEqualTo(Arrays.stream(minute.buckets()).sum());
            assertThat(minute.slow())
                    .isEqualTo(Arrays.stream(minute.buckets(), 8, bounds.length).sum()); // > 250
            assertThat(minute.bad()).isLessThanOrEqualTo(minute.total());
            assertThat(minute.quantile()).isEqualTo(HistogramQuantile.of(0.99, bounds, minute.buckets()));
            for (int i = 0; i < bounds.length; i++) {
                model[i] += minute.buckets()[i];
            }
            int n = (int) PoissonSampler.of(random::nextLong, mean).sample();
            for (int r = 0; r < n; r++) {
                double latency = scale
                        * BenchSetup.LATENCY_MEDIAN_MS
                        * Math.exp(BenchSetup.LATENCY_SIGMA * random.nextGaussian());
                int bucket = 0;
                while (latency > bounds[bucket]) {
                    bucket++;
                }
                direct[bucket]++;
            }
        }
        for (int i = 0; i < bounds.length; i++) {
            assertThat(model[i])
                    .as("bucket le=%s", bounds[i])
                    .isCloseTo(direct[i], within(5 * Math.sqrt(2 * direct[i]) + 1e-9));
        }
        assertThat(model[8]).isGreaterThan(1000); // (250, 500] is populated: the check above is not vacuous
    }

    /** A generator for the p95 reports the p95 its buckets interpolate to, below the p99 of the same buckets. */
    @Test
    void theReportedQuantileIsTheOneAskedFor() {
        RolloutGenerator p95 = new RolloutGenerator(POISSON, 1, THRESHOLD, LatencyLayout.ISTIO, 0.95);
        double[] bounds = LatencyLayout.ISTIO.boundsMs();
        RolloutGenerator.Minute minute = p95.minute(new SplittableRandom(5)::nextLong, 1200, 0.01, 1);
        assertThat(minute.quantile()).isEqualTo(HistogramQuantile.of(0.95, bounds, minute.buckets()));
        assertThat(minute.quantile()).isLessThan(HistogramQuantile.of(0.99, bounds, minute.buckets()));
    }

    @Test
    void latencyRegressionScalesTheCanaryOnlyAndNoTrafficGivesNaN() {
        RolloutGenerator model = new RolloutGenerator(POISSON, 200, THRESHOLD);
        Traffic aa = model.generate(Scenario.AA, 5);
        Traffic slow = model.generate(Scenario.latency(1.25), 5);
        double ratio = median(slow.canaryQuantile()) / median(aa.canaryQuantile());
        // interpolated inside the (100, 250] bucket, histogram_quantile moves far less than the true p99 does
        assertThat(ratio).isBetween(1.01, 1.10);
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
