package io.mlrollout.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookTrafficApiTest {

    private final MutableClock clock = new MutableClock();
    private Simulator sim;

    private URI start(Simulator.Builder builder) throws IOException {
        sim = builder.clock(clock).build().start();
        return sim.url().resolve("/traffic");
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void getAnswersTheSplitAsJson() throws Exception {
        URI traffic = start(Simulator.builder().canaryWeight(5));

        HttpResponse<String> response = Http.get(traffic);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body())
                .isEqualTo(
                        "{\"baseline\":\"v1\",\"canary\":\"v2\",\"canaryWeight\":5,\"ready\":true,\"mirrorPercent\":0}");
    }

    @Test
    void putAppliesTheSplitAndAnswersTheRealisedOne() throws Exception {
        URI traffic = start(Simulator.builder());

        HttpResponse<String> response = Http.put(traffic, "{\"canary\":\"v2\",\"canaryWeight\":25}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body())
                .isEqualTo(
                        "{\"baseline\":\"v1\",\"canary\":\"v2\",\"canaryWeight\":25,\"ready\":true,\"mirrorPercent\":0}");
        assertThat(sim.split().canaryWeight()).isEqualTo(25);
        assertThat(Http.get(traffic).body()).contains("\"canaryWeight\":25");
    }

    @Test
    void putAcceptsTheMatchingBaselineToo() throws Exception {
        URI traffic = start(Simulator.builder());

        HttpResponse<String> response =
                Http.put(traffic, "{\"baseline\":\"v1\",\"canary\":\"v2\",\"canaryWeight\":100}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sim.split().canaryWeight()).isEqualTo(100);
    }

    static Stream<Arguments> invalidSplits() {
        return Stream.of(
                arguments(
                        "{\"canary\":\"v2\",\"canaryWeight\":101}", "canaryWeight must be an integer 0..100, got 101"),
                arguments("{\"canary\":\"v2\",\"canaryWeight\":-1}", "canaryWeight must be an integer 0..100, got -1"),
                arguments(
                        "{\"canary\":\"v2\",\"canaryWeight\":25.5}",
                        "canaryWeight must be an integer 0..100, got 25.5"),
                arguments(
                        "{\"canary\":\"v2\",\"canaryWeight\":\"25\"}",
                        "canaryWeight must be an integer 0..100, got \\\"25\\\""),
                arguments("{\"canary\":\"v2\"}", "canaryWeight must be an integer 0..100, got nothing"),
                arguments(
                        "{\"canary\":\"v3\",\"canaryWeight\":25}",
                        "canary must name this simulator's canary version 'v2', got \\\"v3\\\""),
                arguments(
                        "{\"canaryWeight\":25}", "canary must name this simulator's canary version 'v2', got nothing"),
                arguments("{\"canary\":\"v2\",\"canaryWeight\":25,\"x\":1}", "unknown field 'x'"),
                arguments(
                        "{\"baseline\":\"v0\",\"canary\":\"v2\",\"canaryWeight\":25}",
                        "baseline, when given, must name this simulator's baseline version 'v1'"),
                arguments("[25]", "the body must be a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("invalidSplits")
    void putRefusesAnInvalidSplitWith422NamingTheField(String body, String reason) throws Exception {
        URI traffic = start(Simulator.builder().canaryWeight(5));

        HttpResponse<String> response = Http.put(traffic, body);

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).startsWith("{\"error\":\"").contains(reason);
        assertThat(sim.split().canaryWeight()).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"{\"canary\":\"v2\",", "not json", "{\"canary\":\"v2\",\"canaryWeight\":25} trailing", "''"})
    void putRefusesMalformedJsonWith400(String body) throws Exception {
        URI traffic = start(Simulator.builder());

        HttpResponse<String> response = Http.put(traffic, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("{\"error\":\"malformed JSON");
    }

    @Test
    void splitIsNotReadyUntilTheReadinessDelayHasPassed() throws Exception {
        URI traffic = start(Simulator.builder().readinessDelay(Duration.ofSeconds(30)));

        HttpResponse<String> put = Http.put(traffic, "{\"canary\":\"v2\",\"canaryWeight\":50}");
        assertThat(put.body()).contains("\"ready\":false");
        clock.advance(Duration.ofSeconds(29));
        assertThat(Http.get(traffic).body()).contains("\"ready\":false");
        clock.advance(Duration.ofSeconds(1));
        assertThat(Http.get(traffic).body()).contains("\"canaryWeight\":50,\"ready\":true");
    }

    @Test
    void aTokenProtectsTheTrafficApi() throws Exception {
        URI traffic = start(Simulator.builder().trafficToken("s3cret"));

        HttpResponse<String> none = Http.get(traffic);
        HttpResponse<String> wrong =
                Http.put(traffic, "{\"canary\":\"v2\",\"canaryWeight\":25}", "Authorization", "Bearer guess");
        HttpResponse<String> right =
                Http.put(traffic, "{\"canary\":\"v2\",\"canaryWeight\":25}", "Authorization", "Bearer s3cret");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.body()).contains("\"error\"").doesNotContain("s3cret");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(sim.split().canaryWeight()).isEqualTo(25);
    }

    @Test
    void otherMethodsAndPathsAreRefused() throws Exception {
        URI traffic = start(Simulator.builder());

        assertThat(Http.post(traffic, "{}").statusCode()).isEqualTo(405);
        assertThat(Http.get(sim.url().resolve("/traffic/extra")).statusCode()).isEqualTo(404);
        assertThat(Http.get(sim.url().resolve("/predict")).statusCode()).isEqualTo(405);
    }

    @Test
    void predictRoutesOneRequestByTheSplit() throws Exception {
        start(Simulator.builder().canaryWeight(100));

        HttpResponse<String> response = Http.post(sim.url().resolve("/predict"), "{\"features\":[1,2]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .startsWith("{\"version\":\"v2\",\"latencyMs\":")
                .contains("\"score\":");
        assertThat(sim.snapshot().canary().requests()).isEqualTo(1);
    }
}
