package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** Sliced traffic: each slice's share, the regression in one slice only, and the label on the requests counter. */
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
