package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static final String ENDPOINT = "fraud-scorer";

    private static Map<String, String> istio(String version) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("reporter", "destination");
        labels.put("destination_service_name", ENDPOINT);
        labels.put("destination_version", version);
        return labels;
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(name, value);
        return more;
    }

    @Test
    void servesTheTextFormatWithHelpAndTypeForEveryFamily() throws Exception {
        try (Simulator sim = Simulator.builder().build().start()) {
            HttpResponse<String> response = Http.get(sim.url().resolve("/metrics"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            ExpositionParser.Parsed parsed = ExpositionParser.parse(response.body());
            assertThat(parsed.types())
                    .containsExactly(
                            Map.entry("istio_requests_total", "counter"),
                            Map.entry("istio_request_duration_milliseconds", "histogram"),
                            Map.entry("model_score", "histogram"));
            assertThat(parsed.help()).containsOnlyKeys(parsed.types().keySet());
        }
    }

    @Test
    void bothVersionsHaveZeroSeriesFromTheStart() {
        Simulator sim = Simulator.builder().build();

        ExpositionParser.Parsed parsed = ExpositionParser.parse(sim.metricsText());

        for (String version : List.of("v1", "v2")) {
            for (String code : List.of("200", "500", "503")) {
                assertThat(parsed.value("istio_requests_total", with(istio(version), "response_code", code)))
                        .isZero();
            }
            assertThat(parsed.value("istio_request_duration_milliseconds_count", istio(version)))
                    .isZero();
            assertThat(parsed.value("model_score_count", Map.of("endpoint", ENDPOINT, "version", version)))
                    .isZero();
        }
    }

    @Test
    void countersAndHistogramsReadBackAsTheSnapshotHasThem() {
        Simulator sim = Simulator.builder()
                .canary(VersionProfile.named("v2").withErrorRate(0.2).withLatency(120, 1.0))
                .canaryWeight(40)
                .seed(11)
                .build();
        sim.serve(5000);
        Snapshot snap = sim.snapshot();

        ExpositionParser.Parsed parsed = ExpositionParser.parse(sim.metricsText());

        for (VersionStats v : List.of(snap.baseline(), snap.canary())) {
            Map<String, String> labels = istio(v.version());
            v.responses()
                    .forEach((code, count) -> assertThat(parsed.value(
                                    "istio_requests_total", with(labels, "response_code", code.toString())))
                            .isEqualTo(count.doubleValue()));
            assertCumulative(
                    parsed,
                    "istio_request_duration_milliseconds",
                    labels,
                    latencyLabels(),
                    v.latencyBuckets(),
                    v.latencySumMs());
            Map<String, String> scoreLabels = new LinkedHashMap<>();
            scoreLabels.put("endpoint", ENDPOINT);
            scoreLabels.put("version", v.version());
            assertCumulative(
                    parsed,
                    "model_score",
                    scoreLabels,
                    List.of("0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "+Inf"),
                    v.scoreBuckets(),
                    v.scoreSum());
        }
        assertThat(parsed.value("istio_request_duration_milliseconds_count", istio("v2")))
                .isEqualTo((double) snap.canary().requests());
        assertThat(parsed.value("istio_requests_total", with(istio("v2"), "response_code", "500")))
                .isEqualTo((double) snap.canary().errors())
                .isPositive();
    }

    private static List<String> latencyLabels() {
        List<String> les = new ArrayList<>(List.of(
                "0.5", "1", "5", "10", "25", "50", "75", "100", "150", "200", "250", "300", "400", "500", "750", "1000",
                "2500", "5000", "10000", "30000", "60000", "300000", "600000", "1800000", "3600000"));
        les.add("+Inf");
        return les;
    }

    private static void assertCumulative(
            ExpositionParser.Parsed parsed,
            String family,
            Map<String, String> labels,
            List<String> les,
            List<Long> perBucket,
            double sum) {
        List<String> exposedLes = parsed.named(family + "_bucket").stream()
                .filter(s -> with(labels, "le", s.labels().get("le")).equals(s.labels()))
                .map(s -> s.labels().get("le"))
                .toList();
        assertThat(exposedLes).containsExactlyElementsOf(les);
        long cumulative = 0;
        for (int i = 0; i < les.size(); i++) {
            cumulative += perBucket.get(i);
            assertThat(parsed.value(family + "_bucket", with(labels, "le", les.get(i))))
                    .as(family + " le=" + les.get(i))
                    .isEqualTo((double) cumulative);
        }
        assertThat(parsed.value(family + "_count", labels)).isEqualTo((double) cumulative);
        assertThat(parsed.value(family + "_sum", labels)).isCloseTo(sum, within(1e-9 * Math.max(1, sum)));
    }

    @Test
    void aHiddenVersionHasNoSeriesAtAll() {
        Simulator sim = Simulator.builder().build();
        sim.faults().hideSeries("v2", true);

        ExpositionParser.Parsed parsed = ExpositionParser.parse(sim.metricsText());

        assertThat(parsed.samples())
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).doesNotContainValue("v2"));
        sim.faults().hideSeries("v2", false);
        assertThat(ExpositionParser.parse(sim.metricsText()).samples())
                .anySatisfy(s -> assertThat(s.labels()).containsValue("v2"));
    }
}
