package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.notify.NotificationListener;
import io.mlrollout.core.notify.NotificationSink;
import io.mlrollout.core.notify.NotificationType;
import io.mlrollout.core.notify.Notifier;
import io.mlrollout.core.notify.SinkFormat;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.SignOffRules;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** An unsettled gate escalates once and warns once before it expires; people hear of it through notifications. */
class GateRemindersTest {

    static final String ESCALATING = RolloutSignOffTest.GATED.replace(
            "signOff: {approvers: [alice, bob, ml-risk], quorum: 2, expires: 2h}",
            "signOff: {approvers: [alice, bob, ml-risk], quorum: 2, expires: 2h, escalateAfter: 30m}");

    private static Harness startGated(String yaml) throws PolicyException {
        Policy policy = Harness.policy(yaml);
        return new Harness().start(policy, SignOffRules.effective(policy, EndpointSignOffBounds.none()), "dave");
    }

    @Test
    void anUnsettledGateEscalatesAfterItsTimeAndWarnsBeforeItExpiresEachOnce() throws PolicyException {
        Harness h = startGated(ESCALATING).runFor(Duration.ofMinutes(20));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        RolloutEvent.GateOpened opened = h.events(RolloutEvent.GateOpened.class).get(0);

        h.runFor(Duration.ofHours(3));

        List<RolloutEvent.GateEscalated> escalated = h.events(RolloutEvent.GateEscalated.class);
        assertThat(escalated).hasSize(1);
        assertThat(escalated.get(0).at()).isEqualTo(opened.at().plus(Duration.ofMinutes(30)));
        List<RolloutEvent.GateExpiring> expiring = h.events(RolloutEvent.GateExpiring.class);
        assertThat(expiring).hasSize(1);
        assertThat(expiring.get(0).at()).isEqualTo(opened.expiresAt().minus(Duration.ofMinutes(30)));
        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK); // expired: the default rolls back
    }

    @Test
    void withoutEscalateAfterOnlyTheExpiryWarningComes() throws PolicyException {
        Harness h = startGated(RolloutSignOffTest.GATED).runFor(Duration.ofHours(3));

        assertThat(h.events(RolloutEvent.GateEscalated.class)).isEmpty();
        assertThat(h.events(RolloutEvent.GateExpiring.class)).hasSize(1);
    }

    @Test
    void aRestartAfterTheEscalationDoesNotEscalateAgain() throws PolicyException {
        Harness h = startGated(ESCALATING).runFor(Duration.ofMinutes(55));
        assertThat(h.events(RolloutEvent.GateEscalated.class)).hasSize(1);

        Harness resumed =
                h.resumeFrom(h.savedStates.get(h.savedStates.size() - 1)).runFor(Duration.ofMinutes(30));

        assertThat(resumed.events(RolloutEvent.GateEscalated.class)).isEmpty();
        assertThat(resumed.state().alerts().escalated()).isTrue();
    }

    @Test
    void theEscalationReachesTheContactsThroughARealWebhook()
            throws PolicyException, IOException, InterruptedException {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try (MockWebServer receiver = new MockWebServer()) {
            receiver.start(0);
            for (int i = 0; i < 10; i++) {
                receiver.enqueue(new MockResponse.Builder().code(202).build());
            }
            List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
            Notifier notifier = new Notifier(
                    List.of(new NotificationSink(
                            "risk",
                            SinkFormat.WEBHOOK,
                            () -> receiver.url("/hook").toString(),
                            EnumSet.of(NotificationType.SIGN_OFF_NEEDED, NotificationType.ESCALATED))),
                    HttpSettings.DEFAULT,
                    executor,
                    log::add,
                    Notifier.DEFAULT_CAPACITY);
            Policy policy = Harness.policy(ESCALATING);
            Harness h = new Harness();
            h.also = new NotificationListener(
                    notifier,
                    null,
                    Optional.of("https://ci.example/job/fraud/7/ml-rollout/"),
                    List.of("risk-oncall@example.com", "@ml-platform"));
            h.start(policy, SignOffRules.effective(policy, EndpointSignOffBounds.none()), "dave");

            h.runFor(Duration.ofMinutes(60));

            RecordedRequest needed = receiver.takeRequest(30, TimeUnit.SECONDS);
            assertThat(needed)
                    .as("the sign-off notification; the notifier said %s", log)
                    .isNotNull();
            RecordedRequest escalation = receiver.takeRequest(30, TimeUnit.SECONDS);
            assertThat(escalation)
                    .as("the escalation; the notifier said %s", log)
                    .isNotNull();
            assertThat(Json.mapper()
                            .readTree(needed.getBody().utf8())
                            .path("type")
                            .asText())
                    .isEqualTo("io.mlrollout.rollout.sign-off-needed");
            var event = Json.mapper().readTree(escalation.getBody().utf8());
            assertThat(event.path("type").asText()).isEqualTo("io.mlrollout.rollout.escalated");
            assertThat(event.path("data").path("contacts").toString())
                    .isEqualTo("[\"risk-oncall@example.com\",\"@ml-platform\"]");
            assertThat(event.path("data").path("link").asText())
                    .isEqualTo("https://ci.example/job/fraud/7/ml-rollout/");
            assertThat(log).isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }
}
