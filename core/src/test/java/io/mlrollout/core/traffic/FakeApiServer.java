package io.mlrollout.core.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer standing in for the Kubernetes API server in tests that check exact requests: answers are queued by
 * the test, requests are taken back and inspected.
 */
final class FakeApiServer implements AutoCloseable {

    static final String TOKEN = "k8s-sa-token-6d1e-very-secret";
    static final HttpSettings SETTINGS = new HttpSettings(Duration.ofSeconds(5), 3, Duration.ofMillis(100));

    final MockWebServer server = new MockWebServer();

    FakeApiServer() throws IOException {
        server.start();
    }

    KubernetesConnection connection() {
        return connection(SETTINGS);
    }

    KubernetesConnection connection(HttpSettings settings) {
        return new KubernetesConnection(
                URI.create(server.url("/").toString()), new Credential.Bearer(TOKEN), "ml", settings);
    }

    void answer(int code, JsonNode body) {
        server.enqueue(new MockResponse.Builder()
                .code(code)
                .setHeader("Content-Type", "application/json")
                .body(body.toString())
                .build());
    }

    void answer(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).body(body).build());
    }

    /** A Kubernetes Status answer, as the API server sends for errors. */
    void status(int code, String reason, String message) {
        answer(
                code,
                Json.tree("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
                        + "\",\"message\":\"" + message + "\",\"code\":" + code + "}"));
    }

    void answerSlowly(JsonNode body, Duration delay) {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .body(body.toString())
                .headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS)
                .build());
    }

    RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the API server").isNotNull();
        return request;
    }

    int requestCount() {
        return server.getRequestCount();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Every failure must say what kind it is and must never carry the token. */
    static TrafficException failure(ThrowingCall call, Kind kind) {
        TrafficException failure = catchThrowableOfType(TrafficException.class, call::run);
        assertThat(failure).as("a TrafficException").isNotNull();
        assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(kind);
        assertThat(failure.getMessage()).doesNotContain(TOKEN);
        return failure;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }
}
