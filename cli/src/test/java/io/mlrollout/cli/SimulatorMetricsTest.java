package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.metrics.HistogramQuantile;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.simulator.Buckets;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.VersionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-process metrics give, for exactly each window, what the counters changed by. */
class SimulatorMetricsTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private Simulator simulator;
    private SimulatedTraffic traffic;
    private SimulatorMetrics metrics;
    private List<MetricSpec> specs;

    @BeforeEach
    void twoMinutesOfTraffic() throws Exception {
        simulator = Simulator.builder()
                .baseline(Scenario.BASELINE)
                .canary(Scenario.BASELINE.withName("v2").withErrorRate(0.05))
                .canaryWeight(20)
                .seed(11)
                .build();
        traffic = new SimulatedTraffic(simulator, 100, T0);
        traffic.advanceTo(T0.plus(Duration.ofMinutes(2)));
        metrics = new SimulatorMetrics(traffic, 5);
        specs = PolicyParser.parse("""
                        stages: [{weight: 10, bake: 5m}]
                        metrics:
                          - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%}
                          - {name: slow, kind: ratio, preset: istio-latency-over, threshold: 250ms, maxIncrease: 10%}
                          - {name: p99, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 10%}
                          - {name: scores, kind: distribution, preset: model-score, maxPsi: 0.1}
                          - {name: knative, kind: ratio, preset: knative-errors, maxIncrease: 10%}
                        """).metrics();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void ratiosAreTheWindowsDifferencesOfTheCounters() throws Exception {
        Window second = new Window(T0.plus(Duration.ofMinutes(1)), T0.plus(Duration.ofMinutes(2)));
        VersionStats from = traffic.at(second.start()).of("v2");
        VersionStats to = traffic.at(second.end()).of("v2");

        Reading errors = metrics.read(specs.get(0), "fraud-scorer", "v2", second);

        assertThat(errors).isEqualTo(new Reading.Counts(to.errors() - from.errors(), to.requests() - from.requests()));
        assertThat(((Reading.Counts) errors).total()).isBetween(1000.0, 1400.0); // 20% of 6000
        int le250 = Buckets.LATENCY_MS.indexOf(250.0);
        long fasterInWindow = 0;
        for (int i = 0; i <= le250; i++) {
            fasterInWindow += to.latencyBuckets().get(i) - from.latencyBuckets().get(i);
        }
        Reading slow = metrics.read(specs.get(1), "fraud-scorer", "v2", second);
        assertThat(slow)
                .isEqualTo(new Reading.Counts(
                        to.requests() - from.requests() - fasterInWindow, to.requests() - from.requests()));
    }

    @Test
    void theQuantileAndTheScoreHistogramComeFromTheWindowsBuckets() throws Exception {
        Window first = new Window(T0, T0.plus(Duration.ofMinutes(1)));

        Reading p99 = metrics.read(specs.get(2), "fraud-scorer", "v1", first);
        Reading scores = metrics.read(specs.get(3), "fraud-scorer", "v1", first);

        // the latency buckets of the window, whose interpolated p99 lies near the baseline's true p99 of about 230 ms
        Reading.Histogram latencies = (Reading.Histogram) p99;
        assertThat(latencies.total())
                .isEqualTo((double) traffic.at(first.end()).of("v1").requests()
                        - traffic.at(first.start()).of("v1").requests());
        assertThat(HistogramQuantile.of(0.99, latencies.upperBounds(), latencies.counts()))
                .isBetween(200.0, 300.0);
        Reading.Histogram histogram = (Reading.Histogram) scores;
        assertThat(histogram.upperBounds()).hasSize(Buckets.SCORE.size() + 1);
        assertThat(histogram.upperBounds()[histogram.upperBounds().length - 1]).isInfinite();
        VersionStats end = traffic.at(first.end()).of("v1");
        assertThat(histogram.total()).isEqualTo((double) end.predictions());
    }

    @Test
    void aSlicedQuantileGetsEachSlicesBucketsAndTheSlowerCandidateOnlyInItsSlice() throws Exception {
        Simulator sliced = Simulator.builder()
                .baseline(Scenario.BASELINE)
                .canary(Scenario.LATENCY.candidate())
                .canaryWeight(50)
                .slices(io.mlrollout.simulator.TrafficSlices.parse(
                        Scenario.SLICES, java.util.Optional.of(Scenario.REGRESSED_SLICE)))
                .seed(11)
                .build();
        SimulatedTraffic slicedTraffic = new SimulatedTraffic(sliced, 200, T0);
        slicedTraffic.advanceTo(T0.plus(Duration.ofMinutes(2)));
        MetricSpec p99 = PolicyParser.parse("""
                        stages: [{weight: 10, bake: 5m}]
                        metrics:
                          - name: p99
                            kind: quantile
                            preset: istio-latency
                            quantile: 0.99
                            maxIncrease: 10%
                            slices: {label: region}
                        """).metrics().get(0);
        Window window = new Window(T0, T0.plus(Duration.ofMinutes(2)));

        Reading.Histogram candidate =
                (Reading.Histogram) new SimulatorMetrics(slicedTraffic, 5).read(p99, "fraud-scorer", "v2", window);
        sliced.close();

        assertThat(candidate.slices()).containsOnlyKeys("us-east", "eu-west", "ap-south");
        assertThat(candidate.total())
                .isEqualTo((double) slicedTraffic.at(window.end()).of("v2").requests()
                        - slicedTraffic.at(window.start()).of("v2").requests());
        Reading.Histogram apSouth = candidate.slices().get("ap-south");
        Reading.Histogram usEast = candidate.slices().get("us-east");
        // the candidate's 1.5× latency shows in ap-south only: its p99 about 345 ms there, about 230 ms elsewhere
        assertThat(HistogramQuantile.of(0.99, apSouth.upperBounds(), apSouth.counts()))
                .isBetween(300.0, 450.0);
        assertThat(HistogramQuantile.of(0.99, usEast.upperBounds(), usEast.counts()))
                .isBetween(200.0, 270.0);
    }

    @Test
    void aWindowWithoutRequestsHasEmptyBucketsAndNoQuantile() throws Exception {
        simulator.setSplit(0);
        traffic.advanceTo(T0.plus(Duration.ofMinutes(3)));

        Reading p99 = metrics.read(
                specs.get(2),
                "fraud-scorer",
                "v2",
                new Window(T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(3))));

        Reading.Histogram latencies = (Reading.Histogram) p99;
        assertThat(latencies.total()).isZero();
        assertThat(HistogramQuantile.of(0.99, latencies.upperBounds(), latencies.counts()))
                .isNaN();
    }

    @Test
    void seriesTheSimulatorDoesNotServeAndAnOutageAreErrors() {
        Window first = new Window(T0, T0.plus(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> metrics.read(specs.get(4), "fraud-scorer", "v2", first))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("knative-errors");

        metrics.outage(true);
        assertThatThrownBy(() -> metrics.read(specs.get(0), "fraud-scorer", "v2", first))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("outage");
    }

    @Test
    void aFailingShareFailsAReadOnlyWhenEveryAttemptFails() throws Exception {
        metrics.failingShare(0.5);
        Window first = new Window(T0, T0.plus(Duration.ofMinutes(1)));
        int failed = 0;
        int reads = 4000;
        for (int i = 0; i < reads; i++) {
            try {
                metrics.read(specs.get(0), "fraud-scorer", "v2", first);
            } catch (MetricsException e) {
                failed++;
            }
        }
        // 0.5^3 = 12.5% of reads; four standard errors either side is about ±2.1%
        assertThat(failed / (double) reads).isBetween(0.104, 0.146);
    }

    @Test
    void windowsBeyondTheServedTrafficAreRefused() {
        Window later = new Window(T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(4)));

        Reading reading;
        try {
            reading = metrics.read(specs.get(0), "fraud-scorer", "v2", later);
        } catch (MetricsException e) {
            throw new AssertionError(e);
        }

        assertThat(reading).isInstanceOf(Reading.NoData.class);
        assertThat(((Reading.NoData) reading).reason()).contains("no traffic has been served");
    }
}
