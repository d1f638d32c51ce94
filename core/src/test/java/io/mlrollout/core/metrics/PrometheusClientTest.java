package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusClientTest {

    private static final String TOKEN = "tok-3f9a8e7d6c5b";
    private static final String PASSWORD = "pa55-w0rd-xyz";
    private static final Instant T = Instant.parse("2026-01-01T00:00:00.250Z");
    private static final HttpSettings SETTINGS = new HttpSettings(Duration.ofMillis(500), 3, Duration.ofMillis(100));

    private final MockWebServer server = new MockWebServer();
    private final List<Duration> pauses = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server.start(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private PrometheusClient client(Credential credential) {
        return new PrometheusClient(server.url("/").uri(), credential, SETTINGS, pauses::add);
    }

    private static MockResponse answer(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).build();
    }

    private static Map<String, String> form(RecordedRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : request.getBody().utf8().split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return fields;
    }

    @Test
    void postsAnInstantQueryFormEncodedAndParsesTheVector() throws Exception {
        server.enqueue(answer(200, PromJson.vector(PromJson.series("42.5", "code", "200"))));

        QueryResult result = client(Credential.NONE).query("sum(up)", T);

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api/v1/query");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.getHeaders().get("Authorization")).isNull();
        assertThat(form(request)).containsEntry("query", "sum(up)").containsEntry("time", "1767225600.250");
        assertThat(result.type()).isEqualTo(QueryResult.Type.VECTOR);
        assertThat(result.series()).singleElement().satisfies(s -> {
            assertThat(s.labels()).containsEntry("code", "200");
            assertThat(s.samples())
                    .containsExactly(new QueryResult.Sample(Instant.parse("2026-01-01T00:00:00.500Z"), 42.5));
        });
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() throws Exception {
        server.enqueue(answer(200, PromJson.vector()));
        PrometheusClient prefixed =
                new PrometheusClient(server.url("/prometheus/").uri(), Credential.NONE, SETTINGS, pauses::add);

        prefixed.query("up", T);

        assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/prometheus/api/v1/query");
    }

    @Test
    void mapsNanAndInfinitiesByHand() throws Exception {
        server.enqueue(answer(
                200,
                PromJson.vector(
                        PromJson.series("NaN", "k", "a"), PromJson.series("+Inf", "k", "b"),
                        PromJson.series("-Inf", "k", "c"), PromJson.series("1e3", "k", "d"))));

        QueryResult result = client(Credential.NONE).query("q", T);

        assertThat(result.series().stream().map(s -> s.samples().get(0).value()))
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1000.0);
    }

    @Test
    void anAbsentSeriesIsAnEmptyResult() throws Exception {
        server.enqueue(answer(200, PromJson.vector()));

        assertThat(client(Credential.NONE).query("absent_metric", T).series()).isEmpty();
    }

    @Test
    void parsesScalarResults() throws Exception {
        server.enqueue(answer(200, PromJson.scalar("+Inf")));

        QueryResult result = client(Credential.NONE).query("1/0", T);

        assertThat(result.type()).isEqualTo(QueryResult.Type.SCALAR);
        assertThat(result.series().get(0).samples().get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void rangeQueriesSendStartEndStepAndParseMatrices() throws Exception {
        server.enqueue(answer(
                200,
                PromJson.matrix(
                        PromJson.rangeSeries(new String[] {"1@1767225600", "NaN@1767225601", "3@1767225602"}, "v", "1"),
                        PromJson.rangeSeries(new String[] {"7@1767225600"}, "v", "2"))));

        QueryResult result =
                client(Credential.NONE).queryRange("rate(x[1m])", T, T.plusSeconds(2), Duration.ofMillis(1500));

        RecordedRequest request = server.takeRequest();
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api/v1/query_range");
        assertThat(form(request))
                .containsEntry("start", "1767225600.250")
                .containsEntry("end", "1767225602.250")
                .containsEntry("step", "1.500");
        assertThat(result.type()).isEqualTo(QueryResult.Type.MATRIX);
        assertThat(result.series()).hasSize(2);
        assertThat(result.series().get(0).samples())
                .extracting(QueryResult.Sample::value)
                .containsExactly(1.0, Double.NaN, 3.0);
        assertThat(result.series().get(0).samples().get(2).time()).isEqualTo(Instant.ofEpochSecond(1767225602));
    }

    @Test
    void unauthorizedPlainTextNamesTheStatusAndReasonWithoutRetrying() {
        server.enqueue(answer(401, "Unauthorized\n"));

        assertThatThrownBy(() -> client(new Credential.Basic("admin", PASSWORD)).query("up", T))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("Unauthorized")
                .hasMessageContaining("check the credential")
                .hasMessageNotContaining(PASSWORD);
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void notFoundPlainTextHintsAtTheUrl() {
        server.enqueue(answer(404, "404 page not found"));

        assertThatThrownBy(() -> client(Credential.NONE).query("up", T))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("404 page not found")
                .hasMessageContaining("check the URL");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void badDataNamesPrometheusReasonAndTheQuery() {
        server.enqueue(answer(
                400,
                PromJson.error(
                        "bad_data", "invalid parameter \\\"query\\\": 1:6: parse error: unclosed left parenthesis")));

        assertThatThrownBy(() -> client(Credential.NONE).query("sum(up", T))
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("bad_data: invalid parameter \"query\": 1:6: parse error")
                .hasMessageContaining("'sum(up'");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void executionErrorsAre422WithoutRetry() {
        server.enqueue(answer(422, PromJson.error("execution", "found duplicate series for the match group")));

        assertThatThrownBy(() -> client(Credential.NONE).query("a * on() b", T))
                .hasMessageContaining("HTTP 422")
                .hasMessageContaining("execution: found duplicate series");
        assertThat(pauses).isEmpty();
    }

    @Test
    void retriesA503WithBackoffAndThenSucceeds() throws Exception {
        server.enqueue(answer(503, PromJson.error("timeout", "query timed out in expression evaluation")));
        server.enqueue(answer(502, "<html>Bad Gateway</html>"));
        server.enqueue(answer(200, PromJson.vector(PromJson.series("1"))));

        QueryResult result = client(Credential.NONE).query("up", T);

        assertThat(result.series()).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aRateLimitIsRetriedWithBackoffLikeAServerError() throws Exception {
        server.enqueue(answer(429, "too many outstanding requests"));
        server.enqueue(answer(429, "too many outstanding requests"));
        server.enqueue(answer(200, PromJson.vector(PromJson.series("1"))));

        QueryResult result = client(Credential.NONE).query("up", T);

        assertThat(result.series()).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void givesUpAfterTheLastAttemptNamingTheLastFailure() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(answer(503, PromJson.error("timeout", "query timed out")));
        }

        assertThatThrownBy(() -> client(Credential.NONE).query("up", T))
                .isNotInstanceOf(MetricsUnansweredException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("timeout: query timed out")
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(pauses).hasSize(2);
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder()
                    .headersDelay(2, TimeUnit.SECONDS)
                    .body(PromJson.vector())
                    .build());
        }

        assertThatThrownBy(() -> client(Credential.NONE).query("up", T))
                .isInstanceOf(MetricsUnansweredException.class)
                .hasMessageContaining("did not answer query 'up' within 500 ms")
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(pauses).hasSize(2);
    }

    @Test
    void anUnreachableServerIsRetriedThenReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PrometheusClient client = new PrometheusClient(
                URI.create("http://127.0.0.1:" + closedPort), Credential.NONE, SETTINGS, pauses::add);

        assertThatThrownBy(() -> client.query("up", T))
                .hasMessageContaining("could not reach Prometheus at http://127.0.0.1:" + closedPort)
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(pauses).hasSize(2);
    }

    @Test
    void malformedJsonIsReportedWithoutRetry() {
        server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{"));
        server.enqueue(
                answer(
                        200,
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,2]}]}}"));

        assertThatThrownBy(() -> client(Credential.NONE).query("up", T))
                .hasMessageContaining("malformed answer")
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> client(Credential.NONE).query("up", T))
                .hasMessageContaining("a sample is not [time, \"value\"]");
        assertThat(pauses).isEmpty();
    }

    @Test
    void aSampleTimeBeyondAnyInstantIsAMalformedAnswerNotAnUncheckedException() {
        // 1e400 overflows a double; a 40-digit integer overflows the nanoseconds of an Instant.
        for (String time : List.of("1e400", "1" + "0".repeat(40))) {
            server.enqueue(answer(
                    200,
                    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                            + "[{\"metric\":{},\"value\":[" + time + ",\"1\"]}]}}"));

            assertThatThrownBy(() -> client(Credential.NONE).query("up", T))
                    .isInstanceOf(MetricsException.class)
                    .hasMessageContaining("malformed answer")
                    .hasMessageContaining("a sample time is not a Unix time");
        }
    }

    @Test
    void sendsBearerAndBasicHeaders() throws Exception {
        server.enqueue(answer(200, PromJson.vector()));
        server.enqueue(answer(200, PromJson.vector()));

        client(new Credential.Bearer(TOKEN)).query("up", T);
        client(new Credential.Basic("admin", PASSWORD)).query("up", T);

        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(server.takeRequest().getHeaders().get("Authorization"))
                .isEqualTo("Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void noMessageOrToStringHoldsTheSecretEvenWhenAProxyEchoesIt() {
        Credential bearer = new Credential.Bearer(TOKEN);
        Credential basic = new Credential.Basic("admin", PASSWORD);
        String basicHeader = basic.authorizationHeader().orElseThrow();
        server.enqueue(answer(403, "forbidden: token " + TOKEN + " header Bearer " + TOKEN));
        server.enqueue(answer(401, "bad header " + basicHeader + " i.e. admin:" + PASSWORD + ", password " + PASSWORD));
        server.enqueue(answer(400, PromJson.error("bad_data", "echo " + TOKEN)));

        List<String> messages = new ArrayList<>();
        for (Credential credential : List.of(bearer, basic, bearer)) {
            PrometheusClient client = client(credential);
            messages.add(client.toString());
            try {
                client.query("up", T);
            } catch (MetricsException e) {
                messages.add(e.getMessage());
            }
        }

        assertThat(messages).hasSize(6);
        String basicSecret = basicHeader.substring("Basic ".length());
        assertThat(messages)
                .allSatisfy(m -> assertThat(m)
                        .doesNotContain(TOKEN)
                        .doesNotContain(PASSWORD)
                        .doesNotContain(basicSecret));
        assertThat(messages.get(1)).contains("HTTP 403").contains("(hidden)");
    }

    @Test
    void aSecretEchoedWhereTheQuotedBodyIsCutOrRespacedLeavesNoPartOfItInTheMessage() {
        // The message quotes at most 300 characters of a plain-text body, one-lined: the echo straddles the cut.
        String padding = "x".repeat(285) + " ";
        String spacedPassword = "pass  word\twith-spaces";
        server.enqueue(answer(401, padding + "Bearer " + TOKEN));
        server.enqueue(answer(200, "<html>" + padding + "token " + TOKEN + "</html>"));
        server.enqueue(answer(403, "wrong password " + spacedPassword + " for admin"));

        List<String> messages = new ArrayList<>();
        for (Credential credential : List.of(
                new Credential.Bearer(TOKEN),
                new Credential.Bearer(TOKEN),
                new Credential.Basic("admin", spacedPassword))) {
            try {
                client(credential).query("up", T);
            } catch (MetricsException e) {
                messages.add(e.getMessage());
            }
        }

        assertThat(messages).hasSize(3);
        assertThat(messages.subList(0, 2)).allSatisfy(m -> assertThat(m).doesNotContain(TOKEN.substring(0, 6)));
        assertThat(messages.get(2)).doesNotContain("pass word").contains("(hidden)");
    }

    @Test
    void refusesAUserOrPasswordInTheUrl() {
        assertThatThrownBy(() -> new PrometheusClient(
                        URI.create("http://admin:" + PASSWORD + "@localhost:9090"),
                        Credential.NONE,
                        SETTINGS,
                        pauses::add))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not contain a user or password")
                .hasMessageNotContaining(PASSWORD);
    }
}
