package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;
import org.junit.jupiter.api.Test;

class TrafficModelTest {

    private static final double THRESHOLD = 250;

    /** For minutes drawn directly: the request rate is given per minute to {@code minute}. */
    private static final TrafficModel MODEL = new TrafficModel(1, THRESHOLD);

    @Test
    void countsHaveTheConfiguredMeansAndShare() {
        Traffic traffic = new TrafficModel(20, THRESHOLD).generate(Scenario.errors(2), 1);
        double canary = Arrays.stream(traffic.canaryTotal()).sum();
        double baseline = Arrays.stream(traffic.baselineTotal()).sum();
        double canaryBad = Arrays.stream(traffic.canaryBad()).sum();
        double baselineBad = Arrays.stream(traffic.baselineBad()).sum();
        assertThat(canary / BenchSetup.LOOKS).isCloseTo(1200, within(1200 * 0.02));
        assertThat(baseline / canary).isCloseTo(3, within(0.05));
        assertThat(baselineBad / baseline).isCloseTo(0.01, within(0.001));
        assertThat(canaryBad / canary).isCloseTo(0.02, within(0.003));
    }

    @Test
    void theSameSeedGivesTheSameReadings() {
        TrafficModel model = new TrafficModel(2, THRESHOLD);
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
                TrafficModel.Minute minute = MODEL.minute(random::nextLong, mean, 0, scale);
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
            TrafficModel.Minute minute = MODEL.minute(random::nextLong, 120, 0, scale);
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
        TrafficModel model = new TrafficModel(200, THRESHOLD);
        Traffic aa = model.generate(Scenario.AA, 5);
        Traffic slow = model.generate(Scenario.latency(1.25), 5);
        double ratio = median(slow.canaryP99()) / median(aa.canaryP99());
        assertThat(ratio).isCloseTo(1.25, within(0.03));
        assertThat(TrafficModel.empiricalQuantile(new SplittableRandom(1)::nextLong, 0, 0, 0.01))
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
