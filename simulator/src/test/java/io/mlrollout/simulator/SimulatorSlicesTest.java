package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * Sliced traffic: each slice's share, the regression (errors or latency) in one slice only, and the label on the requests
 * counter and the latency histogram.
 */
class SimulatorSlicesTest {

    private static final TrafficSlices SLICES =
            TrafficSlices.parse("region=us-east:6,eu-west:3,ap-south:1", Optional.of("eu-west"));

    private static Simulator simulator() {
        return Simulator.builder()
                .baseline(VersionProfile.named("v1").withErrorRate(0.01))
                .canary(VersionProfile.named("v2").withErrorRate(0.05))
                .canaryWeight(50)
                .slices(SLICES)
                .seed(7)
                .build();
    }

    private static double errorRate(SortedMap<Integer, Long> codes) {
        long all = codes.values().stream().mapToLong(Long::longValue).sum();
        return (double) codes.getOrDefault(500, 0L) / all;
    }

    @Test
    void theCanaryRegressesInItsSliceOnlyAndEachSliceGetsItsShare() {
        Simulator simulator = simulator();
        simulator.serve(200_000);

        Map<String, SortedMap<Integer, Long>> canary = simulator.sliceResponses("v2");
        assertThat(errorRate(canary.get("eu-west"))).isBetween(0.045, 0.055);
        assertThat(errorRate(canary.get("us-east"))).isBetween(0.008, 0.012);
        assertThat(errorRate(canary.get("ap-south"))).isBetween(0.007, 0.013);
        long usEast = canary.get("us-east").values().stream()
                .mapToLong(Long::longValue)
                .sum();
        long apSouth = canary.get("ap-south").values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat((double) usEast / apSouth).isBetween(5.5, 6.5);
        // the versions' own counters still hold every request
        assertThat(simulator.snapshot().canary().requests())
                .isEqualTo(canary.values().stream()
                        .flatMap(c -> c.values().stream())
                        .mapToLong(Long::longValue)
                        .sum());
    }

    @Test
    void theRequestsCounterCarriesTheSliceLabel() {
        Simulator simulator = simulator();
        simulator.serve(100);

        assertThat(simulator.metricsText())
                .contains("istio_requests_total{reporter=\"destination\",destination_service_name=\"fraud-scorer\","
                        + "destination_version=\"v2\",region=\"eu-west\",response_code=\"500\"}")
                .doesNotContain("destination_version=\"v2\",response_code=");
    }

    /** The share of requests slower than {@code boundMs}, a bound of {@link Buckets#LATENCY_MS}. */
    private static double slowerThan(java.util.List<Long> buckets, double boundMs) {
        int bound = Buckets.LATENCY_MS.indexOf(boundMs);
        long all = buckets.stream().mapToLong(Long::longValue).sum();
        long slow = buckets.subList(bound + 1, buckets.size()).stream()
                .mapToLong(Long::longValue)
                .sum();
        return (double) slow / all;
    }

    @Test
    void aSlowerCandidateIsSlowerInItsSliceOnly() {
        // log-normal latency, median 50 ms and σ 0.5: 8.3% of requests slower than 100 ms; 1.5 times slower: 28.3%
        Simulator simulator = Simulator.builder()
                .baseline(VersionProfile.named("v1").withLatency(50, 0.5))
                .canary(VersionProfile.named("v2").withLatency(75, 0.5))
                .canaryWeight(50)
                .slices(SLICES)
                .seed(7)
                .build();
        simulator.serve(200_000);

        Map<String, java.util.List<Long>> canary = simulator.sliceLatencyBuckets("v2");
        Map<String, java.util.List<Long>> baseline = simulator.sliceLatencyBuckets("v1");
        assertThat(slowerThan(canary.get("eu-west"), 100)).isBetween(0.27, 0.295);
        assertThat(slowerThan(canary.get("us-east"), 100)).isBetween(0.075, 0.09);
        assertThat(slowerThan(canary.get("ap-south"), 100)).isBetween(0.07, 0.095);
        assertThat(slowerThan(baseline.get("eu-west"), 100)).isBetween(0.075, 0.09);
        // each slice's histogram is exposed with the label, and they add up to the version's
        assertThat(simulator.metricsText())
                .contains("istio_request_duration_milliseconds_bucket{reporter=\"destination\","
                        + "destination_service_name=\"fraud-scorer\",destination_version=\"v2\",region=\"eu-west\","
                        + "le=\"100\"}")
                .doesNotContain("destination_version=\"v2\",le=");
        long sliced = canary.values().stream()
                .flatMap(java.util.List::stream)
                .mapToLong(Long::longValue)
                .sum();
        assertThat(sliced).isEqualTo(simulator.snapshot().canary().requests());
    }

    @Test
    void badSlicesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> TrafficSlices.parse("us-east,eu-west", Optional.empty()))
                .hasMessageContaining("expected LABEL=SLICE[:WEIGHT]");
        assertThatThrownBy(() -> TrafficSlices.parse("region=us-east:x", Optional.empty()))
                .hasMessage("the weight of slice us-east is not a number: 'x'");
        assertThatThrownBy(() -> TrafficSlices.parse("region=us-east", Optional.of("eu-west")))
                .hasMessage("the regressed slice eu-west is not one of [us-east]");
    }
}
