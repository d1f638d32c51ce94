package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrafficModelTest {

    @Test
    void countsHaveTheConfiguredMeansAndShare() {
        Traffic traffic = new TrafficModel(20).generate(Scenario.errors(2), 1);
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
        TrafficModel model = new TrafficModel(2);
        Traffic a = model.generate(Scenario.latency(1.25), 42);
        Traffic b = model.generate(Scenario.latency(1.25), 42);
        assertThat(a.canaryP99()).containsExactly(b.canaryP99());
        assertThat(a.baselineBad()).containsExactly(b.baselineBad());
        assertThat(model.generate(Scenario.latency(1.25), 43).canaryP99()).isNotEqualTo(a.canaryP99());
    }

    @Test
    void p99FromTheOrderStatisticMatchesTheP99OfDrawnLatencies() {
        // Independent computation: draw n log-normal latencies, take the ⌈0.99·n⌉-th smallest.
        SplittableRandom random = new SplittableRandom(9);
        for (int n : new int[] {120, 1200}) {
            int draws = 4000;
            double[] model = new double[draws];
            double[] direct = new double[draws];
            for (int d = 0; d < draws; d++) {
                model[d] = TrafficModel.empiricalQuantile(random::nextLong, n);
                double[] latencies = new double[n];
                for (int i = 0; i < n; i++) {
                    latencies[i] =
                            BenchSetup.LATENCY_MEDIAN_MS * Math.exp(BenchSetup.LATENCY_SIGMA * random.nextGaussian());
                }
                Arrays.sort(latencies);
                direct[d] = latencies[(int) Math.ceil(0.99 * n - 1e-9) - 1];
            }
            for (double q : new double[] {0.1, 0.5, 0.9}) {
                double expected = quantile(direct, q);
                assertThat(quantile(model, q)).as("n=%d, q=%s", n, q).isCloseTo(expected, within(expected * 0.03));
            }
        }
    }

    @Test
    void latencyRegressionScalesTheCanaryOnlyAndNoTrafficGivesNaN() {
        TrafficModel model = new TrafficModel(200);
        Traffic aa = model.generate(Scenario.AA, 5);
        Traffic slow = model.generate(Scenario.latency(1.25), 5);
        double ratio = median(slow.canaryP99()) / median(aa.canaryP99());
        assertThat(ratio).isCloseTo(1.25, within(0.03));
        assertThat(TrafficModel.empiricalQuantile(new SplittableRandom(1)::nextLong, 0))
                .isNaN();
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
