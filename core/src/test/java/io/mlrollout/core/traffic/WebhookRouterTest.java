package io.mlrollout.core.traffic;

import static io.mlrollout.core.traffic.Json.body;
import static io.mlrollout.core.traffic.Json.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookRouterTest {

    private static final String TOKEN = "tok-3f9a-very-secret";
    private static final HttpSettings SETTINGS = new HttpSettings(Duration.ofSeconds(5), 3, Duration.ofMillis(100));

    private final MockWebServer server = new MockWebServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private WebhookRouter router;

    @BeforeEach
    void start() throws Exception {
        server.start();
        router = routerAt(server.url("/").toString(), SETTINGS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private WebhookRouter routerAt(String url, HttpSettings settings) {
        return new WebhookRouter(URI.create(url), new Credential.Bearer(TOKEN), settings, sleeper);
    }

    private static MockResponse json(int code, String singleQuotedJson) {
        return new MockResponse.Builder()
                .code(code)
                .setHeader("Content-Type", "application/json")
                .body(singleQuotedJson.replace('\'', '"'))
                .build();
    }

    private static MockResponse split(String baseline, String canary, int weight, boolean ready) {
        return json(
                200,
                "{'baseline':'" + baseline + "','canary':'" + canary + "','canaryWeight':" + weight + ",'ready':"
                        + ready + "}");
    }

    private RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the server").isNotNull();
        return request;
    }

    /** Every failure must say what kind it is and must never carry the token. */
    private TrafficException failure(ThrowingCall call, Kind kind) {
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

    @Test
    void readsTheSplitWithGetAndSendsTheCredential() throws Exception {
        server.enqueue(split("v1", "v2", 5, true));

        assertThat(router.current()).isEqualTo(new TrafficSplit("v1", "v2", 5, true));

        RecordedRequest get = take();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getTarget()).isEqualTo("/traffic");
        assertThat(get.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(get.getHeaders().get("Accept")).isEqualTo("application/json");
    }

    @Test
    void ignoresUnknownKeys() throws Exception {
        server.enqueue(json(
                200,
                "{'baseline':'v1','canary':'v2','canaryWeight':5,'ready':false,'router':'envoy','extra':{'a':1}}"));

        assertThat(router.current()).isEqualTo(new TrafficSplit("v1", "v2", 5, false));
    }

    @Test
    void keepsThePathOfTheBaseUrlWithOrWithoutTrailingSlash() throws Exception {
        server.enqueue(split("v1", "v2", 0, true));
        server.enqueue(split("v1", "v2", 0, true));

        routerAt(server.url("/routers/fraud/").toString(), SETTINGS).current();
        routerAt(server.url("/routers/fraud").toString(), SETTINGS).current();

        assertThat(take().getTarget()).isEqualTo("/routers/fraud/traffic");
        assertThat(take().getTarget()).isEqualTo("/routers/fraud/traffic");
    }

    @Test
    void shiftPutsTheWantedSplitThenReturnsWhatTheReadBackSays() throws Exception {
        server.enqueue(split("v1", "v2", 25, true)); // PUT answer: what the router claims
        server.enqueue(split("v1", "v2", 20, false)); // GET answer: what is really in effect

        TrafficSplit realised = router.shift("v2", 25);

        assertThat(realised).isEqualTo(new TrafficSplit("v1", "v2", 20, false));
        RecordedRequest put = take();
        assertThat(put.getMethod()).isEqualTo("PUT");
        assertThat(put.getTarget()).isEqualTo("/traffic");
        assertThat(put.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(put.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(body(put)).isEqualTo(q("{'canary':'v2','canaryWeight':25}"));
        RecordedRequest get = take();
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getTarget()).isEqualTo("/traffic");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aReadBackThatSendsTheShareToAnotherVersionIsRetriedThenFailsNamingBoth() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder().code(200).build());
            server.enqueue(split("v1", "v9", 25, true)); // the asked weight, but on a version nobody rolls out
        }

        TrafficException failure = failure(() -> router.shift("v2", 25), Kind.CONFLICT);

        assertThat(failure.getMessage()).contains("reports v1 75% / v9 25%").contains("asking for 25% to v2");
        assertThat(server.getRequestCount()).isEqualTo(6);
    }

    @Test
    void aRollbackReadBackAtZeroIsAcceptedWhateverCanaryItNames() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).build());
        server.enqueue(split("v1", "v1", 0, true)); // a router that names no canary once nothing goes to one

        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("v1", "v1", 0, true));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void anySuccessfulStatusAcceptsTheShift(int code) throws Exception {
        server.enqueue(new MockResponse.Builder().code(code).build());
        server.enqueue(split("v1", "v2", 50, true));

        assertThat(router.shift("v2", 50)).isEqualTo(new TrafficSplit("v1", "v2", 50, true));
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void rejectionCarriesTheServersErrorMessageAndIsNotRetried() throws Exception {
        server.enqueue(json(400, "{'error':'canary v9 is not deployed'}"));

        TrafficException failure = failure(() -> router.shift("v9", 5), Kind.REJECTED);

        assertThat(failure.getMessage()).contains("400").contains("canary v9 is not deployed");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(sleeper.pauses).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 422})
    void clientErrorsAreRejected(int code) throws Exception {
        server.enqueue(
                new MockResponse.Builder().code(code).body("<html>nope</html>").build());

        TrafficException failure = failure(() -> router.shift("v2", 5), Kind.REJECTED);

        assertThat(failure.getMessage()).contains(String.valueOf(code)).contains("<html>nope</html>");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 429})
    void serverErrorsAreRetriedWithBackoffUntilOneSucceeds(int code) throws Exception {
        server.enqueue(new MockResponse.Builder().code(code).build());
        server.enqueue(new MockResponse.Builder().code(code).build());
        server.enqueue(split("v1", "v2", 5, true));

        assertThat(router.current()).isEqualTo(new TrafficSplit("v1", "v2", 5, true));
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void serverErrorsGiveUpAfterTheLastAttempt() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(503, "{'error':'router draining'}"));
        }

        TrafficException failure = failure(() -> router.shift("v2", 5), Kind.TRANSIENT);

        assertThat(failure.getMessage()).contains("503").contains("router draining");
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(sleeper.pauses).hasSize(2);
    }

    @Test
    void aConflictIsRetriedAfterAFreshRead() throws Exception {
        server.enqueue(json(409, "{'error':'another change is in progress'}"));
        server.enqueue(split("v1", "v2", 5, true)); // fresh read: not there yet
        server.enqueue(new MockResponse.Builder().code(202).build());
        server.enqueue(split("v1", "v2", 25, true));

        assertThat(router.shift("v2", 25)).isEqualTo(new TrafficSplit("v1", "v2", 25, true));

        assertThat(take().getMethod()).isEqualTo("PUT");
        assertThat(take().getMethod()).isEqualTo("GET");
        RecordedRequest retried = take();
        assertThat(retried.getMethod()).isEqualTo("PUT");
        assertThat(body(retried)).isEqualTo(q("{'canary':'v2','canaryWeight':25}"));
        assertThat(take().getMethod()).isEqualTo("GET");
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void aConflictEndsWhenTheFreshReadAlreadyShowsTheWantedSplit() throws Exception {
        server.enqueue(json(409, "{'error':'rollback already running'}"));
        server.enqueue(split("v1", "v2", 0, false));

        assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("v1", "v2", 0, false));
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void aConflictThatPersistsFailsAsAConflict() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(409, "{'error':'locked by build 41'}"));
            server.enqueue(split("v1", "v2", 5, true));
        }

        TrafficException failure = failure(() -> router.shift("v2", 25), Kind.CONFLICT);

        assertThat(failure.getMessage()).contains("locked by build 41");
        assertThat(server.getRequestCount()).isEqualTo(6);
    }

    @Test
    void anAnswerSlowerThanTheCallTimeoutIsTransientAndRetried() throws Exception {
        HttpSettings quick = new HttpSettings(Duration.ofMillis(200), 2, Duration.ofMillis(100));
        WebhookRouter impatient = routerAt(server.url("/").toString(), quick);
        server.enqueue(split("v1", "v2", 5, true)
                .newBuilder()
                .headersDelay(2, TimeUnit.SECONDS)
                .build());
        server.enqueue(split("v1", "v2", 5, true));

        assertThat(impatient.current()).isEqualTo(new TrafficSplit("v1", "v2", 5, true));
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void timeoutsOnEveryAttemptFailTransiently() throws Exception {
        HttpSettings quick = new HttpSettings(Duration.ofMillis(200), 2, Duration.ofMillis(100));
        WebhookRouter impatient = routerAt(server.url("/").toString(), quick);
        for (int i = 0; i < 2; i++) {
            server.enqueue(split("v1", "v2", 5, true)
                    .newBuilder()
                    .headersDelay(2, TimeUnit.SECONDS)
                    .build());
        }

        TrafficException failure = failure(impatient::current, Kind.TRANSIENT);

        assertThat(failure.getMessage()).contains("no answer within 200 ms");
    }

    @Test
    void aRouterThatIsDownIsTransient() throws Exception {
        String url = server.url("/").toString();
        server.close();

        failure(() -> routerAt(url, SETTINGS).current(), Kind.TRANSIENT);
        assertThat(sleeper.pauses).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json at all",
                "[1,2]",
                "{'canary':'v2','canaryWeight':5,'ready':true}",
                "{'baseline':'v1','canaryWeight':5,'ready':true}",
                "{'baseline':'v1','canary':'v2','ready':true}",
                "{'baseline':'v1','canary':'v2','canaryWeight':5}",
                "{'baseline':'v1','canary':'v2','canaryWeight':120,'ready':true}",
                "{'baseline':'v1','canary':'v2','canaryWeight':-1,'ready':true}",
                "{'baseline':'v1','canary':'v2','canaryWeight':'25','ready':true}",
                "{'baseline':'v1','canary':'v2','canaryWeight':2.5,'ready':true}",
                "{'baseline':'v1','canary':'v2','canaryWeight':5,'ready':'yes'}",
                "{'baseline':'','canary':'v2','canaryWeight':5,'ready':true}",
                ""
            })
    void malformedAnswersAreReportedAndNotRetried(String answer) throws Exception {
        server.enqueue(json(200, answer));

        TrafficException failure = failure(router::current, Kind.MALFORMED);

        assertThat(failure.getMessage()).startsWith("GET " + server.url("/traffic"));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRedirectIsRefusedNotFollowed() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(302)
                .setHeader("Location", server.url("/elsewhere"))
                .build());

        TrafficException failure = failure(() -> router.shift("v2", 5), Kind.REJECTED);

        assertThat(failure.getMessage()).contains("302");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void theTokenNeverReachesAMessageEvenWhenTheServerEchoesIt() throws Exception {
        server.enqueue(json(400, "{'error':'bad header Authorization: Bearer " + TOKEN + "'}"));
        server.enqueue(json(200, "{'baseline':['" + TOKEN + "'],'canary':'v2','canaryWeight':5,'ready':true}"));
        server.enqueue(json(200, "<html>token " + TOKEN + " rejected</html>"));

        assertThat(failure(() -> router.shift("v2", 5), Kind.REJECTED).getMessage())
                .contains("(hidden)");
        assertThat(failure(router::current, Kind.MALFORMED).getMessage()).contains("(hidden)");
        assertThat(failure(router::current, Kind.MALFORMED).getMessage()).contains("(hidden)");
    }

    @Test
    void aTokenAnHttpHeaderCannotCarryIsRejectedBeforeAnythingIsSent() throws Exception {
        // A token read from a file with its trailing line break, or pasted with a typographic character.
        for (String token : new String[] {TOKEN + "\n", TOKEN + "\r", "tök-3f9a-very-secret"}) {
            WebhookRouter withBadToken =
                    new WebhookRouter(URI.create(server.url("/").toString()), new Credential.Bearer(token), SETTINGS);

            TrafficException failure = failure(() -> withBadToken.shift("v2", 5), Kind.REJECTED);

            assertThat(failure.getMessage())
                    .as(failure.getMessage())
                    .contains("credential")
                    .doesNotContain(token.strip());
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aTokenEchoedWhereTheQuoteIsCutLeavesNoPartOfItBehind() throws Exception {
        // The quote of an error body is cut at 300 characters; here the cut falls inside the echoed token.
        String echo = "x".repeat(290) + " " + TOKEN;
        server.enqueue(json(401, "{'error':'" + echo + "'}"));
        server.enqueue(json(403, "<html>" + echo + "</html>"));

        for (int i = 0; i < 2; i++) {
            String message = failure(router::current, Kind.REJECTED).getMessage();
            assertThat(message).as(message).doesNotContain(TOKEN.substring(0, 8));
        }
    }

    @Test
    void describesItselfWithoutTheCredential() {
        assertThat(router.describe()).isEqualTo("webhook " + server.url("/")).doesNotContain(TOKEN);
    }

    @Test
    void refusesBadConfigurationAndBadRequestsNamingTheField() {
        assertThatThrownBy(() -> routerAt("http://user:pw@router:8080", SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("url")
                .hasMessageContaining("user info")
                .hasMessageNotContaining("pw");
        assertThatThrownBy(() -> routerAt("ftp://router", SETTINGS)).hasMessageContaining("url");
        assertThatThrownBy(() -> routerAt("http://router/?token=x", SETTINGS)).hasMessageContaining("query");
        assertThatThrownBy(() -> routerAt("http://router:80800/", SETTINGS)).hasMessageStartingWith("url: port");
        assertThatThrownBy(() -> router.shift("v2", 101)).hasMessageContaining("canaryWeight");
        assertThatThrownBy(() -> router.shift(" ", 5)).hasMessageContaining("candidate");
        assertThat(server.getRequestCount()).isZero();
    }
}
