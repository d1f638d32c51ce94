package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A shadow stage in the simulator: every request is answered by the baseline, a share is copied to the canary. */
class SimulatorMirrorTest {

    private Simulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void theCanaryServesACopyOfTheMirroredShareAndNoUser() {
        Simulator local = Simulator.builder().seed(3).build();
        local.setSplit(0, 20);
        long n = 20_000;

        for (long i = 0; i < n; i++) {
            assertThat(local.request().version())
                    .as("every answer comes from the baseline")
                    .isEqualTo("v1");
        }

        Snapshot s = local.snapshot();
        assertThat(s.baseline().requests()).isEqualTo(n);
        assertThat((double) s.canary().requests()).isCloseTo(n * 0.2, within(5 * Math.sqrt(n * 0.2 * 0.8)));
        assertThat(local.metricsText())
                .contains("istio_requests_total{reporter=\"destination\",destination_service_name=\"fraud-scorer\","
                        + "destination_version=\"v2\",response_code=\"200\"}");
    }

    @Test
    void aShiftEndsTheMirror() {
        Simulator local = Simulator.builder().seed(4).build();
        local.setSplit(0, 50);
        local.setSplit(0);
        local.serve(1000);

        assertThat(local.split().mirrorPercent()).isZero();
        assertThat(local.snapshot().canary().requests()).isZero();
    }

    @Test
    void theTrafficApiTakesAndReportsTheMirrorShare() throws Exception {
        sim = Simulator.builder().build().start();
        URI traffic = sim.url().resolve("/traffic");

        HttpResponse<String> put = Http.put(traffic, "{\"canary\":\"v2\",\"canaryWeight\":0,\"mirrorPercent\":20}");

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).contains("\"canaryWeight\":0").contains("\"mirrorPercent\":20");
        assertThat(Http.get(traffic).body()).contains("\"mirrorPercent\":20");
        assertThat(sim.split().mirrorPercent()).isEqualTo(20);

        HttpResponse<String> refused =
                Http.put(traffic, "{\"canary\":\"v2\",\"canaryWeight\":0,\"mirrorPercent\":120}");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("mirrorPercent, when given, must be an integer 0..100, got 120");
    }
}
