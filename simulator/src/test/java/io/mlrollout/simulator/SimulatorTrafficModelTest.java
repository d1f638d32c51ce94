package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.simulator.traffic.Minutes;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The simulator under a traffic model: each minute's factors reach the versions' errors, latency and volume. */
class SimulatorTrafficModelTest {

    private static final long SEED = 99;

    /** The factors the simulator seeded with {@link #SEED} draws for {@code model}. */
    private static Minutes factors(TrafficModel model) {
        return model.generate(SEED ^ Simulator.TRAFFIC_STREAM, Simulator.TRAFFIC_MINUTES);
    }

    @Test
    void eachMinuteScalesEachVersionsErrorRateAndLatencyByItsFactors() {
        TrafficModel model = TrafficModel.named("production");
        Minutes factors = factors(model);
        MutableClock clock = new MutableClock();
        VersionProfile profile = VersionProfile.named("v1").withErrorRate(0.02).withLatency(50, 0.5);
        Simulator sim = Simulator.builder()
                .seed(SEED)
                .clock(clock)
                .traffic(model)
                .baseline(profile)
                .canary(profile.withName("v2"))
                .canaryWeight(50)
                .build();
        double meanLatency = 50 * Math.exp(0.5 * 0.5 / 2);
        double latencySd = meanLatency * Math.sqrt(Math.exp(0.5 * 0.5) - 1);
        Snapshot before = sim.snapshot();
        for (int minute = 0; minute < Simulator.TRAFFIC_MINUTES; minute++) {
            sim.serve(8000);
            Snapshot after = sim.snapshot();
            checkMinute(
                    before.canary(),
                    after.canary(),
                    factors.canaryError(minute),
                    factors.canaryLatency(minute),
                    meanLatency,
                    latencySd);
            checkMinute(
                    before.baseline(),
                    after.baseline(),
                    factors.baselineError(minute),
                    factors.baselineLatency(minute),
                    meanLatency,
                    latencySd);
            before = after;
            clock.advance(Duration.ofMinutes(1));
        }
    }

    /** Errors within five binomial standard deviations of 2% × the factor, mean latency within five standard errors. */
    private static void checkMinute(
            VersionStats before, VersionStats after, double errorFactor, double latencyFactor, double mean, double sd) {
        long n = after.requests() - before.requests();
        double p = Math.min(1, 0.02 * errorFactor);
        assertThat((double) (after.errors() - before.errors()))
                .isCloseTo(n * p, within(5 * Math.sqrt(n * p * (1 - p))));
        double meanLatency = (after.latencySumMs() - before.latencySumMs()) / n;
        assertThat(meanLatency).isCloseTo(mean * latencyFactor, within(5 * sd * latencyFactor / Math.sqrt(n)));
    }

    @Test
    void anEmptyMinuteServesNothingAndTheOthersMakeUpTheMean() {
        TrafficModel model = TrafficModel.named("low-traffic");
        Minutes factors = factors(model);
        MutableClock clock = new MutableClock();
        Simulator sim =
                Simulator.builder().seed(SEED).clock(clock).traffic(model).build();
        int empty = 0;
        for (int minute = 0; minute < Simulator.TRAFFIC_MINUTES; minute++) {
            long before = sim.snapshot().baseline().requests();
            sim.simulateTraffic(Duration.ofMinutes(1), 10);
            long served = sim.snapshot().baseline().requests() - before;
            assertThat(sim.trafficFactor(clock.instant())).isEqualTo(factors.traffic(minute));
            assertThat(served).isEqualTo(Math.round(600 * factors.traffic(minute)));
            empty += served == 0 ? 1 : 0;
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(empty).as("some minutes are empty, most are not").isBetween(1, Simulator.TRAFFIC_MINUTES / 2);
    }

    @Test
    void aModelMinuteCanBeShorterAndStartWhereTheCallerSays() {
        TrafficModel model = TrafficModel.named("low-traffic");
        Minutes factors = factors(model);
        Instant start = Instant.parse("2026-05-01T10:00:00Z");
        Simulator sim = Simulator.builder()
                .seed(SEED)
                .traffic(model)
                .trafficStart(start)
                .trafficMinute(Duration.ofSeconds(5))
                .build();
        for (int minute = 0; minute < 2 * Simulator.TRAFFIC_MINUTES; minute++) {
            Instant at = start.plusSeconds(5L * minute + 4);
            assertThat(sim.trafficFactor(at)).isEqualTo(factors.traffic(minute % Simulator.TRAFFIC_MINUTES));
        }
        assertThat(sim.trafficFactor(start.minusSeconds(60))).isEqualTo(factors.traffic(0));
        assertThatThrownBy(() -> Simulator.builder().trafficMinute(Duration.ZERO))
                .hasMessageContaining("trafficMinute");
    }

    @Test
    void poissonIsTheDefaultAndServesAsBefore() {
        Simulator plain = Simulator.builder().seed(SEED).canaryWeight(30).build();
        Simulator poisson = Simulator.builder()
                .seed(SEED)
                .canaryWeight(30)
                .traffic(TrafficModel.named("poisson"))
                .build();
        Simulator drifting = Simulator.builder()
                .seed(SEED)
                .canaryWeight(30)
                .baseline(VersionProfile.named("v1").withErrorRate(0.05))
                .canary(VersionProfile.named("v2").withErrorRate(0.05))
                .traffic(TrafficModel.named("autocorrelated"))
                .build();
        plain.serve(5000);
        poisson.serve(5000);
        drifting.serve(5000);
        assertThat(plain.trafficModel().name()).isEqualTo("poisson");
        assertThat(poisson.snapshot()).isEqualTo(plain.snapshot());
        assertThat(drifting.snapshot()).isNotEqualTo(plain.snapshot());
    }
}
