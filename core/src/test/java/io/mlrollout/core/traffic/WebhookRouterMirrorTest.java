package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook contract's mirror share: asked for in the PUT, read back from the GET. */
class WebhookRouterMirrorTest {

    private static final HttpSettings SETTINGS = new HttpSettings(Duration.ofSeconds(5), 3, Duration.ofMillis(100));

    private final MockWebServer server = new MockWebServer();
    private WebhookRouter router;

    @BeforeEach
    void start() throws Exception {
        server.start();
        router = new WebhookRouter(
                URI.create(server.url("/").toString()),
                new Credential.Bearer("tok-secret"),
                SETTINGS,
                new RecordingSleeper());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(String singleQuotedJson) {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body(singleQuotedJson.replace('\'', '"'))
                .build());
    }

    @Test
    void mirrorPutsWeightZeroAndTheShareThenReadsItBack() throws Exception {
        answer("{}");
        answer("{'baseline':'v1','canary':'v2','canaryWeight':0,'ready':true,'mirrorPercent':20}");

        assertThat(router.mirror("v2", 20)).isEqualTo(new TrafficSplit("v1", "v2", 0, true, 20));

        RecordedRequest put = server.takeRequest();
        assertThat(put.getMethod()).isEqualTo("PUT");
        assertThat(body(put)).isEqualTo(q("{'canary':'v2','canaryWeight':0,'mirrorPercent':20}"));
    }

    @Test
    void aRouterThatIgnoresTheShareReadsBackAsNoMirror() throws Exception {
        answer("{}");
        answer("{'baseline':'v1','canary':'v2','canaryWeight':0,'ready':true}");

        assertThat(router.mirror("v2", 20).mirrorPercent())
                .as("the engine compares this with what it asked for, and rolls back")
                .isZero();
    }

    @Test
    void aShareOutOfRangeIsMalformed() {
        answer("{'baseline':'v1','canary':'v2','canaryWeight':0,'ready':true,'mirrorPercent':120}");

        TrafficException failure = catchThrowableOfType(TrafficException.class, router::current);
        assertThat(failure.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(failure.getMessage()).contains("mirrorPercent");
    }
}
