package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorTrafficTest {

    /** Tolerance for a binomial count: 5 standard deviations, so a correct simulator fails about once in 3.5 million. */
    private static double fiveSigma(long n, double p) {
        return 5 * Math.sqrt(n * p * (1 - p));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 25, 50, 90})
    void routesTheCanaryItsShareOfRequests(int weight) {
        Simulator sim = Simulator.builder().canaryWeight(weight).seed(weight).build();
        long n = 20_000;

        sim.serve(n);

        Snapshot s = sim.snapshot();
        double p = weight / 100.0;
        assertThat((double) s.canary().requests()).isCloseTo(n * p, within(fiveSigma(n, p)));
        assertThat(s.baseline().requests() + s.canary().requests()).isEqualTo(n);
    }

    @Test
    void weightsZeroAndHundredRouteEverythingToOneSide() {
        Simulator sim = Simulator.builder().build();
        sim.serve(1000);
        sim.setSplit(100);
        sim.serve(500);

        assertThat(sim.snapshot().baseline().requests()).isEqualTo(1000);
        assertThat(sim.snapshot().canary().requests()).isEqualTo(500);
    }

    @Test
    void theSameSeedAndCallsGiveTheSameCountersAndAnotherSeedDoesNot() {
        Snapshot first = scenario(7);
        Snapshot again = scenario(7);
        Snapshot other = scenario(8);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static Snapshot scenario(long seed) {
        Simulator sim = Simulator.builder()
                .seed(seed)
                .canary(VersionProfile.named("v2").withErrorRate(0.1))
                .canaryWeight(30)
                .build();
        sim.serve(2000);
        sim.faults().slow("v2", Duration.ofMillis(200));
        sim.simulateTraffic(Duration.ofSeconds(10), 300);
        return sim.snapshot();
    }

    @Test
    void simulatedTrafficServesRateTimesSpanRequests() {
        Simulator sim = Simulator.builder().canaryWeight(50).build();

        sim.simulateTraffic(Duration.ofMillis(2500), 400);

        Snapshot s = sim.snapshot();
        assertThat(s.baseline().requests() + s.canary().requests()).isEqualTo(1000);
    }

    @Test
    void errorRateOfAProfileIsHonoured() {
        double rate = 0.04;
        Simulator sim = Simulator.builder()
                .baseline(VersionProfile.named("v1").withErrorRate(rate))
                .seed(3)
                .build();
        long n = 50_000;

        sim.serve(n);

        VersionStats v1 = sim.snapshot().baseline();
        assertThat((double) v1.errors()).isCloseTo(n * rate, within(fiveSigma(n, rate)));
        assertThat(v1.responses().get(500)).isEqualTo(v1.errors());
        assertThat(v1.predictions()).isEqualTo(n - v1.errors());
    }

    @Test
    void latencyIsLogNormalAroundItsMedian() {
        // The median sits on a bucket bound (50 ms), so half of the requests must land at or below it.
        Simulator sim = Simulator.builder()
                .baseline(VersionProfile.named("v1").withLatency(50, 0.8))
                .seed(4)
                .build();
        long n = 40_000;

        sim.serve(n);

        VersionStats v1 = sim.snapshot().baseline();
        int upTo50 = Buckets.LATENCY_MS.indexOf(50d);
        long atOrBelowMedian = v1.latencyBuckets().subList(0, upTo50 + 1).stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat((double) atOrBelowMedian).isCloseTo(n * 0.5, within(fiveSigma(n, 0.5)));
        // Mean of a log-normal: median * exp(sigma^2 / 2); its standard error from the variance
        // median^2 * exp(sigma^2) * (exp(sigma^2) - 1).
        double mean = 50 * Math.exp(0.32);
        double sd = 50 * Math.sqrt(Math.exp(0.64) * (Math.exp(0.64) - 1));
        assertThat(v1.latencySumMs() / n).isCloseTo(mean, within(5 * sd / Math.sqrt(n)));
    }

    @Test
    void scoresFollowTheirBetaDistribution() {
        // Beta(2, 5): mean 2/7; variance ab / ((a+b)^2 (a+b+1)) = 10/392. For integer shapes
        // P(X <= x) = P(Binomial(a+b-1, x) >= a), so P(X <= 0.1) = 1 - 0.9^6 - 6 * 0.1 * 0.9^5.
        Simulator sim = Simulator.builder().seed(5).build();
        long n = 40_000;

        sim.serve(n);

        VersionStats v1 = sim.snapshot().baseline();
        assertThat(v1.scoreSum() / n).isCloseTo(2.0 / 7, within(5 * Math.sqrt(10.0 / 392 / n)));
        double pFirstBucket = 1 - Math.pow(0.9, 6) - 0.6 * Math.pow(0.9, 5);
        assertThat((double) v1.scoreBuckets().get(0)).isCloseTo(n * pFirstBucket, within(fiveSigma(n, pFirstBucket)));
        assertThat(v1.scoreBuckets().get(Buckets.SCORE.size())).isZero();
    }

    @Test
    void smallShapesBelowOneStillGiveTheirBetaMean() {
        // Beta(0.5, 0.5) is the arcsine distribution: mean 1/2, variance 1/8.
        Simulator sim = Simulator.builder()
                .baseline(VersionProfile.named("v1").withScores(0.5, 0.5))
                .seed(6)
                .build();
        long n = 40_000;

        sim.serve(n);

        assertThat(sim.snapshot().baseline().scoreSum() / n).isCloseTo(0.5, within(5 * Math.sqrt(0.125 / n)));
    }

    @Test
    void profileChangesApplyFromNowOnButKeepTheirName() {
        Simulator sim = Simulator.builder().build();
        sim.setBaseline(sim.baseline().withErrorRate(1));
        sim.serve(10);

        assertThat(sim.snapshot().baseline().errors()).isEqualTo(10);
        assertThatThrownBy(() -> sim.setCanary(VersionProfile.named("v3")))
                .hasMessageContaining("'v2' cannot become 'v3'");
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> VersionProfile.named("v1").withErrorRate(1.5)).hasMessageContaining("errorRate");
        assertThatThrownBy(() -> VersionProfile.named("v 1")).hasMessageContaining("name");
        assertThatThrownBy(() -> Simulator.builder().canaryWeight(101)).hasMessageContaining("canaryWeight");
        assertThatThrownBy(() ->
                        Simulator.builder().canary(VersionProfile.named("v1")).build())
                .hasMessageContaining("different versions");
        Simulator sim = Simulator.builder().build();
        assertThatThrownBy(() -> sim.setSplit(-1)).hasMessageContaining("canaryWeight");
        assertThatThrownBy(() -> sim.simulateTraffic(Duration.ofSeconds(1), 0))
                .hasMessageContaining("requestsPerSecond");
    }
}
