package io.mlrollout.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deliveries to real HTTP servers on loopback: formats, retries, timeouts, a dead server, a full queue. */
class NotifierTest {

    private static final String SECRET_PATH = "/services/T000/B000/s3cr3t-t0ken";
    private static final HttpSettings FAST = new HttpSettings(Duration.ofMillis(300), 3, Duration.ofMillis(10));
    private static final Notification PROMOTED = new Notification(
            NotificationType.PROMOTED,
            "build-7/promoted/1",
            Instant.parse("2026-11-23T10:30:00Z"),
            "fraud-scorer",
            "build-7",
            "v2",
            "PROMOTED: the candidate serves all traffic <everyone> & more",
            Optional.of("https://jenkins.example/job/x/7/ml-rollout/"),
            List.of());

    private final MockWebServer server = new MockWebServer();
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private ScheduledExecutorService executor;

    @BeforeEach
    void start() throws IOException {
        server.start(0);
        executor = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        server.close();
    }

    private NotificationSink sink(SinkFormat format, String url, NotificationType... events) {
        Set<NotificationType> subscribed =
                events.length == 0 ? EnumSet.allOf(NotificationType.class) : EnumSet.of(events[0], events);
        return new NotificationSink("team-ml", format, () -> url, subscribed);
    }

    private Notifier notifier(NotificationSink... sinks) {
        return new Notifier(List.of(sinks), FAST, executor, log::add, Notifier.DEFAULT_CAPACITY);
    }

    private String secretUrl() {
        return server.url(SECRET_PATH).toString();
    }

    private RecordedRequest delivered() throws InterruptedException {
        RecordedRequest request = server.takeRequest(30, TimeUnit.SECONDS);
        assertThat(request).as("a delivery").isNotNull();
        return request;
    }

    private String logged() throws InterruptedException {
        String line = log.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("a log line").isNotNull();
        return line;
    }

    private void assertNoSecretIn(String line) {
        assertThat(line)
                .doesNotContain("s3cr3t")
                .doesNotContain("/services/")
                .doesNotContain(String.valueOf(server.getPort()))
                .doesNotContain("127.0.0.1")
                .doesNotContain("localhost");
    }

    @Test
    void aWebhookGetsAStructuredCloudEvent() throws Exception {
        server.enqueue(new MockResponse.Builder().code(202).build());

        notifier(sink(SinkFormat.WEBHOOK, secretUrl())).send(PROMOTED);

        RecordedRequest request = delivered();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/cloudevents+json");
        JsonNode event = Json.mapper().readTree(request.getBody().utf8());
        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("id").asText()).isEqualTo("build-7/promoted/1");
        assertThat(event.path("source").asText()).isEqualTo("/mlrollout/endpoints/fraud-scorer/rollouts/build-7");
        assertThat(event.path("type").asText()).isEqualTo("io.mlrollout.rollout.promoted");
        assertThat(event.path("time").asText()).isEqualTo("2026-11-23T10:30:00Z");
        assertThat(event.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(event.path("data").path("candidate").asText()).isEqualTo("v2");
        assertThat(event.path("data").path("link").asText()).isEqualTo("https://jenkins.example/job/x/7/ml-rollout/");
        assertThat(request.getBody().utf8()).doesNotContain("s3cr3t");
    }

    @Test
    void slackGetsEscapedMrkdwnWithTheLink() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("ok").build());

        notifier(sink(SinkFormat.SLACK, secretUrl())).send(PROMOTED);

        JsonNode message = Json.mapper().readTree(delivered().getBody().utf8());
        assertThat(message.path("text").asText())
                .isEqualTo("*fraud-scorer: promoted (v2, build-7)*\nPROMOTED: the candidate serves all traffic"
                        + " &lt;everyone&gt; &amp; more\n<https://jenkins.example/job/x/7/ml-rollout/|Open the"
                        + " rollout>");
    }

    @Test
    void teamsGetsAnAdaptiveCard() throws Exception {
        server.enqueue(new MockResponse.Builder().code(202).build());

        notifier(sink(SinkFormat.TEAMS, secretUrl())).send(PROMOTED);

        JsonNode message = Json.mapper().readTree(delivered().getBody().utf8());
        assertThat(message.path("type").asText()).isEqualTo("message");
        JsonNode attachment = message.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.path("content");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("body").get(1).path("inlines").get(0).path("text").asText())
                .isEqualTo(PROMOTED.summary());
        assertThat(card.path("actions").get(0).path("url").asText())
                .isEqualTo("https://jenkins.example/job/x/7/ml-rollout/");
    }

    @Test
    void aServerErrorIsRetriedUntilItIsDelivered() throws Exception {
        server.enqueue(new MockResponse.Builder().code(500).build());
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(new MockResponse.Builder().code(200).build());
        Notifier notifier = notifier(sink(SinkFormat.WEBHOOK, secretUrl()));

        notifier.send(PROMOTED);
        RecordedRequest first = delivered();
        delivered();
        RecordedRequest third = delivered();

        assertThat(third.getBody().utf8()).isEqualTo(first.getBody().utf8()); // the same id: receivers may dedupe
        assertThat(log.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aClientErrorIsNotRetriedAndIsLoggedWithoutTheUrl() throws Exception {
        server.enqueue(new MockResponse.Builder().code(404).build());

        notifier(sink(SinkFormat.SLACK, secretUrl())).send(PROMOTED);

        String line = logged();
        assertThat(line)
                .isEqualTo(
                        "notification promoted to slack 'team-ml' was not delivered: HTTP 404 (attempt 1" + " of 3)");
        assertNoSecretIn(line);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRedirectIsNotFollowedAndIsLoggedAsNotDelivered() throws Exception {
        // Followed, a 302 turns the POST into a GET without the notification, and the GET's 200 read as delivered.
        server.enqueue(new MockResponse.Builder()
                .code(302)
                .setHeader("Location", "/moved")
                .build());
        server.enqueue(new MockResponse.Builder().code(200).build());

        notifier(sink(SinkFormat.SLACK, secretUrl())).send(PROMOTED);

        assertThat(delivered().getMethod()).isEqualTo("POST");
        assertThat(server.takeRequest(200, TimeUnit.MILLISECONDS))
                .as("a followed redirect")
                .isNull();
        String line = logged();
        assertThat(line)
                .isEqualTo("notification promoted to slack 'team-ml' was not delivered: HTTP 302 (attempt 1 of 3)");
        assertNoSecretIn(line);
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndIsGivenUp() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder()
                    .code(200)
                    .headersDelay(2, TimeUnit.SECONDS)
                    .build());
        }

        notifier(sink(SinkFormat.TEAMS, secretUrl())).send(PROMOTED);

        String line = logged();
        assertThat(line)
                .isEqualTo("notification promoted to teams 'team-ml' was not delivered: timed out after 300"
                        + " ms (attempt 3 of 3)");
        assertNoSecretIn(line);
    }

    @Test
    void aDeadServerIsGivenUpWithoutNamingIt() throws Exception {
        String deadUrl;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadUrl = "http://127.0.0.1:" + socket.getLocalPort() + SECRET_PATH;
        }

        notifier(sink(SinkFormat.WEBHOOK, deadUrl)).send(PROMOTED);

        String line = logged();
        assertThat(line)
                .isEqualTo("notification promoted to webhook 'team-ml' was not delivered: could not connect"
                        + " (attempt 3 of 3)");
        assertThat(line).doesNotContain("s3cr3t").doesNotContain("127.0.0.1");
    }

    @Test
    void sendingNeverWaitsAndAFullQueueDropsWhatDoesNotFit() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        executor.execute(() -> {
            try {
                busy.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Notifier notifier = new Notifier(List.of(sink(SinkFormat.WEBHOOK, secretUrl())), FAST, executor, log::add, 1);

        notifier.send(PROMOTED);
        notifier.send(PROMOTED);

        assertThat(notifier.pending()).isEqualTo(1);
        assertThat(logged())
                .isEqualTo("notification promoted to webhook 'team-ml' dropped: 1 deliveries are already pending");
        server.enqueue(new MockResponse.Builder().code(200).build());
        busy.countDown();
        delivered();
    }

    @Test
    void aSinkHearsOnlyWhatItSubscribedTo() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).build());
        Notifier notifier = notifier(sink(SinkFormat.WEBHOOK, secretUrl(), NotificationType.ROLLED_BACK));

        notifier.send(PROMOTED);
        notifier.send(new Notification(
                NotificationType.ROLLED_BACK,
                "build-7/rolledBack/2",
                PROMOTED.time(),
                "fraud-scorer",
                "build-7",
                "v2",
                "ROLLED BACK",
                Optional.empty(),
                List.of()));

        JsonNode event = Json.mapper().readTree(delivered().getBody().utf8());
        assertThat(event.path("type").asText()).isEqualTo("io.mlrollout.rollout.rolled-back");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }
}
