package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each version's requests spread over its pods, each pod scraped on its own as Prometheus scrapes a deployment. */
class PodsTest {

    private static Map<String, String> requests(String version, String code) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("reporter", "destination");
        labels.put("destination_service_name", "fraud-scorer");
        labels.put("destination_version", version);
        labels.put("response_code", code);
        return labels;
    }

    @Test
    void thePodsShareTheirVersionsRequestsAndEachAnswersForItsOwnAlone() throws Exception {
        try (Simulator sim = Simulator.builder()
                .baseline(VersionProfile.named("v1").withErrorRate(0.1))
                .canary(VersionProfile.named("v2").withErrorRate(0.1))
                .canaryWeight(30)
                .podsPerVersion(3)
                .seed(5)
                .build()
                .start()) {
            sim.serve(3000);

            assertThat(sim.pods())
                    .containsExactly(
                            "fraud-scorer-v1-0",
                            "fraud-scorer-v1-1",
                            "fraud-scorer-v1-2",
                            "fraud-scorer-v2-0",
                            "fraud-scorer-v2-1",
                            "fraud-scorer-v2-2");
            ExpositionParser.Parsed whole = ExpositionParser.parse(sim.metricsText());
            for (String version : new String[] {"v1", "v2"}) {
                for (String code : new String[] {"200", "500"}) {
                    double sum = 0;
                    for (int i = 0; i < 3; i++) {
                        HttpResponse<String> scrape =
                                Http.get(sim.url().resolve("/metrics?pod=fraud-scorer-" + version + "-" + i));
                        assertThat(scrape.statusCode()).isEqualTo(200);
                        ExpositionParser.Parsed pod = ExpositionParser.parse(scrape.body());
                        double served = pod.value("istio_requests_total", requests(version, code));
                        assertThat(served).as("every pod serves").isPositive();
                        sum += served;
                        String other = version.equals("v1") ? "v2" : "v1";
                        assertThat(scrape.body()).doesNotContain("destination_version=\"" + other + "\"");
                    }
                    assertThat(sum).isEqualTo(whole.value("istio_requests_total", requests(version, code)));
                }
            }
            assertThat(Http.get(sim.url().resolve("/metrics?pod=nope")).statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void podsDrawApartFromTheRequestsSoTheSameSeedServesTheSameRequests() {
        Simulator one = Simulator.builder().canaryWeight(20).seed(9).build();
        Simulator three =
                Simulator.builder().canaryWeight(20).seed(9).podsPerVersion(3).build();
        one.serve(500);
        three.serve(500);

        assertThat(three.metricsText()).isEqualTo(one.metricsText());
        assertThatThrownBy(() -> Simulator.builder().podsPerVersion(0)).hasMessageContaining("podsPerVersion");
    }
}
