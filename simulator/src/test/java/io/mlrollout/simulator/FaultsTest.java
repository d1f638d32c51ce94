package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void slowResponsesAddLatencyToOneVersionOnly() {
        Simulator sim = Simulator.builder().canaryWeight(50).build();
        sim.faults().slow("v2", Duration.ofSeconds(2));

        sim.serve(2000);

        // Every canary latency is above 2000 ms, so none lies at or below the 1000 ms bound.
        int upTo1000 = Buckets.LATENCY_MS.indexOf(1000d);
        assertThat(sim.snapshot().canary().latencyBuckets().subList(0, upTo1000 + 1))
                .containsOnly(0L);
        assertThat(sim.snapshot().canary().latencySumMs()
                        / sim.snapshot().canary().requests())
                .isGreaterThan(2000);
        assertThat(sim.snapshot().baseline().latencySumMs()
                        / sim.snapshot().baseline().requests())
                .isLessThan(200);
    }

    @Test
    void anErrorBurstOverridesTheErrorRateForANumberOfRequests() {
        Simulator sim = Simulator.builder().canaryWeight(100).build();
        sim.faults().errorBurst("v2", 1.0, 30);

        sim.serve(100);

        assertThat(sim.snapshot().canary().errors()).isEqualTo(30);
    }

    @Test
    void anErrorBurstForASpanEndsWhenTheClockPassesIt() {
        MutableClock clock = new MutableClock();
        Simulator sim = Simulator.builder().canaryWeight(100).clock(clock).build();
        sim.faults().errorBurst("v2", 1.0, Duration.ofMinutes(1));

        sim.serve(10);
        clock.advance(Duration.ofMinutes(1));
        sim.serve(10);

        assertThat(sim.snapshot().canary().errors()).isEqualTo(10);
    }

    @Test
    void aServingOutageFailsEveryRequestWith503() {
        Simulator sim = Simulator.builder().canaryWeight(50).build();
        sim.faults().servingOutage(true);

        sim.serve(200);
        sim.faults().servingOutage(false);
        sim.serve(1);

        Snapshot s = sim.snapshot();
        assertThat(s.baseline().responses().get(503) + s.canary().responses().get(503))
                .isEqualTo(200);
        assertThat(s.baseline().predictions() + s.canary().predictions()).isEqualTo(1);
    }

    @Test
    void aMetricsOutageAnswers503() throws Exception {
        try (Simulator sim = Simulator.builder().build().start()) {
            sim.faults().metricsOutage(true);
            assertThat(Http.get(sim.url().resolve("/metrics")).statusCode()).isEqualTo(503);
            sim.faults().metricsOutage(false);
            assertThat(Http.get(sim.url().resolve("/metrics")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void flakyMetricsFailTheirFractionOfScrapes() throws Exception {
        try (Simulator sim = Simulator.builder().seed(9).build().start()) {
            sim.faults().flakyMetrics(0.3);
            int scrapes = 400;
            int failed = 0;
            for (int i = 0; i < scrapes; i++) {
                if (Http.get(sim.url().resolve("/metrics")).statusCode() == 503) {
                    failed++;
                }
            }
            assertThat((double) failed).isCloseTo(scrapes * 0.3, within(5 * Math.sqrt(scrapes * 0.3 * 0.7)));
        }
    }

    @Test
    void aServingOutageAnswersPredictWith503() throws Exception {
        try (Simulator sim = Simulator.builder().build().start()) {
            sim.faults().servingOutage(true);
            var response = Http.post(sim.url().resolve("/predict"), "{}");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("\"error\":\"serving outage\"");
        }
    }

    @Test
    void clearTurnsEverySwitchOff() {
        Simulator sim = Simulator.builder().canaryWeight(100).build();
        sim.faults()
                .servingOutage(true)
                .errorBurst("v2", 1, 100)
                .slow("v2", Duration.ofSeconds(5))
                .clear();

        sim.serve(50);

        assertThat(sim.snapshot().canary().errors()).isZero();
        assertThat(sim.snapshot().canary().latencySumMs() / 50).isLessThan(1000);
    }

    @Test
    void faultsNameOnlyVersionsTheSimulatorServes() {
        Simulator sim = Simulator.builder().build();
        assertThatThrownBy(() -> sim.faults().slow("v9", Duration.ofSeconds(1)))
                .hasMessageContaining("'v9' is not served here");
        assertThatThrownBy(() -> sim.faults().flakyMetrics(2)).hasMessageContaining("fraction");
    }

    @Test
    void theLoadGeneratorServesTrafficInRealTimeUntilStopped() throws Exception {
        try (Simulator sim = Simulator.builder().canaryWeight(50).build()) {
            sim.startLoad(5000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (total(sim) < 1000) {
                assertThat(System.nanoTime())
                        .as("load reached 1000 requests in time")
                        .isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            sim.stopLoad();
            long afterStop = total(sim);
            sim.serve(1);
            assertThat(total(sim)).isEqualTo(afterStop + 1);
        }
    }

    private static long total(Simulator sim) {
        Snapshot s = sim.snapshot();
        return s.baseline().requests() + s.canary().requests();
    }
}
