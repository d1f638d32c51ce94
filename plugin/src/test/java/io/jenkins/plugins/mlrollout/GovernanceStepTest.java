package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.fasterxml.jackson.databind.JsonNode;
import hudson.model.Failure;
import hudson.security.ACL;
import hudson.util.Secret;
import io.jenkins.plugins.okhttp.api.JenkinsOkHttpClient;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/** Deployment windows and notifications through mlCanary's step execution; Jenkins mocked at its seams. */
class GovernanceStepTest {

    /** Stage 2 starts at 10:10 UTC, in the window; stage 3 would start at 10:20, after it. */
    static final String MORNING = """
            timeZone: UTC
            windows: [{days: [mon-fri], from: '09:00', to: '10:15'}]
            """;

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<CredentialsProvider> credentials;
    private MockedStatic<HttpResponses> responses;
    private MockedStatic<ACL> acl;
    private MockedStatic<JenkinsOkHttpClient> okhttp;
    private final MockWebServer receiver = new MockWebServer();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StepFixture(home);
        credentials = mockStatic(CredentialsProvider.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
        acl = mockStatic(ACL.class);
        okhttp = mockStatic(JenkinsOkHttpClient.class);
        okhttp.when(() -> JenkinsOkHttpClient.newClientBuilder(any()))
                .thenAnswer(
                        invocation -> invocation.<OkHttpClient>getArgument(0).newBuilder());
        receiver.start(0);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        okhttp.close();
        acl.close();
        responses.close();
        credentials.close();
        fixture.close();
    }

    private void signedInAs(String user, boolean administrator) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(user, "n/a", List.of());
        fixture.jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(fixture.jenkins.hasPermission2(authentication, Jenkins.ADMINISTER)).thenReturn(administrator);
    }

    /** A webhook sink named audit, its URL (with a token in it) in a Secret text credential, posting to receiver. */
    private void auditSink() {
        secretText("audit-hook", receiver.url("/hooks/s3cr3t").toString());
        fixture.endpoint.setNotifications("sinks: [{name: audit, type: webhook, credentialsId: audit-hook}]\n");
    }

    private void secretText(String id, String value) {
        StringCredentials credential = mock(StringCredentials.class);
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(value);
        when(credential.getSecret()).thenReturn(secret);
        when(credential.getId()).thenReturn(id);
        credentials
                .when(() -> CredentialsProvider.lookupCredentialsInItemGroup(
                        StringCredentials.class, null, ACL.SYSTEM2, List.of()))
                .thenReturn(List.of(credential));
    }

    @Test
    void aShiftWaitsForTheWindowShowsItAndAnAdministratorOpensItOnTheRecord() throws Exception {
        fixture.endpoint.setDeploymentCalendar(MORNING);
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));

        fixture.runFor(Duration.ofMinutes(25));

        RolloutAction page = build.action(ENDPOINT);
        assertThat(page.getPhase()).isEqualTo(Phase.WAITING_FOR_WINDOW.name());
        assertThat(page.getStatus())
                .startsWith("waiting for the deployment window at 25%: opens Tue 2026-11-24 09:00 UTC");
        assertThat(page.getWindow().getOpensAt()).isEqualTo("2026-11-24T09:00:00Z");
        assertThat(page.getWindow().getMove()).isEqualTo("NEXT_STAGE");
        assertThat(build.log())
                .contains("[ml-rollout] waiting for the deployment window before stage 3/3 (50%): opens Tue"
                        + " 2026-11-24 09:00 UTC (outside the windows Mon,Tue,Wed,Thu,Fri 09:00-10:15 UTC)");
        assertThat(canary.ended()).isFalse();

        signedInAs("mallory", false);
        assertThat(page.isCanOpenWindow()).isFalse();
        signedInAs("root", true);
        assertThat(page.isCanOpenWindow()).isTrue();
        assertThatThrownBy(() -> page.doOpenWindow(" "))
                .isInstanceOf(Failure.class)
                .hasMessageContaining("comment");
        page.doOpenWindow("hotfix for the fraud spike");
        fixture.runUntilEnded(canary);

        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
        assertThat(build.log())
                .contains("[ml-rollout] WINDOW OPENED EARLY by root for stage 3/3 (50%): \"hotfix for the fraud"
                        + " spike\"");
        assertThat(canary.result()).isPresent();
    }

    @Test
    void theEndpointsSinkIsToldWithoutTheUrlEverReachingTheLog() throws Exception {
        receiver.enqueue(new MockResponse.Builder().code(500).build());
        for (int i = 0; i < 5; i++) {
            receiver.enqueue(new MockResponse.Builder().code(200).build());
        }
        secretText("team-ml-hook", receiver.url("/services/s3cr3t").toString());
        fixture.endpoint.setNotifications("""
                escalationContacts: [risk-oncall@example.com]
                sinks:
                  - {name: team-ml, type: slack, credentialsId: team-ml-hook, events: [started, promoted]}
                """);
        FakeBuild build = fixture.build("fraud-deploy", 2, "dave");
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runUntilEnded(canary);

        RecordedRequest failed = receiver.takeRequest(30, TimeUnit.SECONDS);
        RecordedRequest retried = receiver.takeRequest(30, TimeUnit.SECONDS);

        assertThat(failed).isNotNull();
        assertThat(retried).isNotNull();
        JsonNode message = Json.mapper().readTree(retried.getBody().utf8());
        assertThat(message.path("text").asText())
                .startsWith("*fraud-scorer: started (v2, ")
                .contains("<https://jenkins.example/job/fraud-deploy/2/ml-rollout-fraud-scorer/|Open the rollout>");
        assertThat(canary.result()).isPresent();
        assertThat(build.log()).doesNotContain("s3cr3t");
    }

    @Test
    void aSinkWhoseCredentialIsMissingStopsTheStepBeforeAnythingMoves() throws Exception {
        fixture.endpoint.setNotifications("sinks: [{name: team-ml, type: teams, credentialsId: gone}]\n");
        FakeBuild build = fixture.build("fraud-deploy", 3, "dave");
        FakeStepContext canary = build.newContext();

        new MlCanaryStep(THREE_STAGES, "v2").start(canary).start();
        fixture.runUntilEnded(canary);

        assertThat(canary.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("endpoint 'fraud-scorer' notifications.sinks[0].credentialsId: no 'Secret text' credentials"
                        + " with id 'gone'")
                .contains("Nothing was moved");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void aSinkCredentialThatHoldsNoHttpUrlStopsTheStepWithoutRepeatingIt() throws Exception {
        // A Slack URL pasted without its scheme: every delivery would fail, and only the log would say so.
        secretText("team-ml-hook", "hooks.slack.com/services/T000/B000/s3cr3t");
        fixture.endpoint.setNotifications("sinks: [{name: team-ml, type: slack, credentialsId: team-ml-hook}]\n");
        FakeBuild build = fixture.build("fraud-deploy", 4, "dave");
        FakeStepContext canary = build.newContext();

        new MlCanaryStep(THREE_STAGES, "v2").start(canary).start();
        fixture.runUntilEnded(canary);

        assertThat(canary.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("endpoint 'fraud-scorer' notifications.sinks[0].credentialsId: the 'Secret text' credentials"
                        + " 'team-ml-hook' do not hold an http(s) URL")
                .contains("Nothing was moved")
                .doesNotContain("s3cr3t")
                .doesNotContain("hooks.slack.com");
        assertThat(build.log()).doesNotContain("s3cr3t");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void anMlRollbackWithoutARolloutTellsTheSinksThatItFailed() throws Exception {
        receiver.enqueue(new MockResponse.Builder().code(202).build());
        auditSink();
        fixture.serving.weight = 25;
        fixture.serving.rollbackBroken = true;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext rollback = build.newContext();

        started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(rollback));
        fixture.runUntilEnded(rollback);

        assertThat(rollback.failure()).isPresent();
        RecordedRequest request = receiver.takeRequest(30, TimeUnit.SECONDS);
        assertThat(request).as("a notification").isNotNull();
        JsonNode event = Json.mapper().readTree(request.getBody().utf8());
        assertThat(event.path("type").asText()).isEqualTo("io.mlrollout.rollout.rollback-failed");
        assertThat(event.path("data").path("endpoint").asText()).isEqualTo(ENDPOINT);
        assertThat(event.path("data").path("rollout").asText()).isEqualTo("fraud-smoke-tests#9");
        assertThat(event.path("data").path("candidate").asText()).isEqualTo("v2");
        assertThat(event.path("data").path("summary").asText()).startsWith("ROLLBACK FAILED: ");
        assertThat(event.path("data").path("link").asText())
                .isEqualTo("https://jenkins.example/job/fraud-smoke-tests/9/");
        assertThat(build.log()).doesNotContain("s3cr3t");
    }

    @Test
    void anUndeliveredNotificationIsToldInJenkinsLogTooSinceTheBuildsLogMayHaveClosed() throws Exception {
        BlockingQueue<LogRecord> warnings = new LinkedBlockingQueue<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(RolloutNotifications.class.getName());
        logger.addHandler(handler);
        try {
            receiver.enqueue(new MockResponse.Builder().code(400).build()); // a 4xx is not retried
            auditSink();
            fixture.serving.weight = 25;
            FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
            FakeStepContext rollback = build.newContext();

            started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(rollback));
            fixture.runUntilEnded(rollback);

            LogRecord warning = warnings.poll(30, TimeUnit.SECONDS);
            assertThat(warning).as("a warning in Jenkins' log").isNotNull();
            String line = MessageFormat.format(warning.getMessage(), warning.getParameters());
            assertThat(line)
                    .startsWith("ML Rollout fraud-smoke-tests#9: notification rolledBack to webhook 'audit'")
                    .contains("not delivered: HTTP 400")
                    .doesNotContain("s3cr3t");
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void anMlRollbackWithNothingToRollBackTellsNobody() throws Exception {
        receiver.enqueue(new MockResponse.Builder().code(202).build());
        auditSink();
        FakeBuild failedEarly = fixture.build("fraud-smoke-tests", 8, "carol");
        FakeStepContext nothingToDo = failedEarly.newContext();
        started(new MlRollbackStep(ENDPOINT, "unit tests failed").start(nothingToDo));
        fixture.runUntilEnded(nothingToDo);
        fixture.serving.weight = 25;
        FakeBuild failedLater = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext rollback = failedLater.newContext();

        started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(rollback));
        fixture.runUntilEnded(rollback);

        assertThat(nothingToDo.result()).isPresent();
        assertThat(failedEarly.log()).contains("ROLLED BACK");
        RecordedRequest first = receiver.takeRequest(30, TimeUnit.SECONDS);
        assertThat(first).as("a notification").isNotNull();
        JsonNode event = Json.mapper().readTree(first.getBody().utf8());
        assertThat(event.path("data").path("rollout").asText()).isEqualTo("fraud-smoke-tests#9");
    }

    @Test
    void anMlRollbackWithoutARolloutGoesOnWhenASinkCredentialIsMissing() throws Exception {
        fixture.endpoint.setNotifications("sinks: [{name: audit, type: webhook, credentialsId: gone}]\n");
        fixture.serving.weight = 25;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext rollback = build.newContext();

        started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(rollback));
        fixture.runUntilEnded(rollback);

        assertThat(rollback.result()).isPresent();
        assertThat(fixture.serving.weight).isZero();
        assertThat(build.log())
                .contains("[ml-rollout] notifications are off for this rollback: endpoint 'fraud-scorer'"
                        + " notifications.sinks[0].credentialsId: no 'Secret text' credentials with id 'gone'");
    }

    @Test
    void theEndpointFormRefusesACalendarOrSinksItCannotRead() {
        assertThatThrownBy(() -> fixture.endpoint.setDeploymentCalendar("timeZone: Mars/Olympus\n"))
                .hasMessageStartingWith("deploymentCalendar: timeZone: 'Mars/Olympus' is not an IANA time zone");
        assertThatThrownBy(() -> fixture.endpoint.setNotifications(
                        "sinks: [{name: a, type: slack, url: 'https://hooks.slack.com/services/x'}]\n"))
                .hasMessageContaining("notifications: sinks[0].url:")
                .hasMessageNotContaining("hooks.slack.com");
    }
}
