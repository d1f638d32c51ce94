package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployment windows and notifications from the command line, against the simulator and a real webhook receiver. */
class GovernanceCliTest {

    static final String POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 10, bake: 5m}
              - {weight: 50, bake: 5m}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, critical: true}
            promote: {bake: 2m}
            """;

    static final String NOTIFICATIONS = """
            notifications:
              escalationContacts: [risk-oncall@example.com]
              sinks:
                - {name: team-ml, type: webhook, urlEnv: TEAM_ML_HOOK, events: [rolledBack, promoted]}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private final MockWebServer receiver = new MockWebServer();
    private Path state;

    @BeforeEach
    void start() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        receiver.start(0);
        state = dir.resolve("rollout").resolve("state.json");
    }

    @AfterEach
    void stop() {
        endpoint.close();
        receiver.close();
    }

    private Cli.Result run(Path endpointFile, String policyYaml, String command, String... extra) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, policyYaml);
        List<String> args = new ArrayList<>(List.of(
                command,
                "--policy",
                policy.toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpointFile.toString()));
        args.addAll(List.of(extra));
        return Cli.run(endpoint.environment(), args.toArray(String[]::new));
    }

    private JsonNode received() throws Exception {
        RecordedRequest request = receiver.takeRequest(30, TimeUnit.SECONDS);
        assertThat(request).as("a notification").isNotNull();
        return Json.mapper().readTree(request.getBody().utf8());
    }

    @Test
    void theEndpointsSinkHearsWhatItAndThePolicySubscribedTo() throws Exception {
        for (int i = 0; i < 5; i++) {
            receiver.enqueue(new MockResponse.Builder().code(202).build());
        }
        endpoint.variables.put("TEAM_ML_HOOK", receiver.url("/hooks/s3cr3t").toString());
        Path endpointFile = endpoint.endpointFile(dir, "", NOTIFICATIONS);
        String policy = POLICY + "notifications: [{sink: team-ml, events: [started]}]\n";

        Cli.Result canary = run(endpointFile, policy, "canary", "--candidate", "v2");
        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        Cli.Result promote = run(endpointFile, policy, "promote");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();

        JsonNode started = received();
        assertThat(started.path("type").asText()).isEqualTo("io.mlrollout.rollout.started");
        assertThat(started.path("data").path("endpoint").asText()).isEqualTo("fraud-scorer");
        JsonNode promoted = received();
        assertThat(promoted.path("type").asText()).isEqualTo("io.mlrollout.rollout.promoted");
        assertThat(promoted.path("data").path("candidate").asText()).isEqualTo("v2");
        assertThat(receiver.getRequestCount()).isEqualTo(2);
        assertThat(canary.out() + canary.err() + promote.out() + promote.err()).doesNotContain("s3cr3t");
    }

    @Test
    void theLastNotificationOfACommandIsStillRetriedAsDocumented() throws Exception {
        // promote ends right after PROMOTED: its delivery's retry falls due after the command has finished its work.
        receiver.enqueue(new MockResponse.Builder()
                .code(503)
                .headersDelay(300, TimeUnit.MILLISECONDS)
                .build());
        receiver.enqueue(new MockResponse.Builder().code(202).build());
        endpoint.variables.put("TEAM_ML_HOOK", receiver.url("/hooks/s3cr3t").toString());
        Path endpointFile = endpoint.endpointFile(dir, "", NOTIFICATIONS);

        Cli.Result canary = run(endpointFile, POLICY, "canary", "--candidate", "v2");
        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        Cli.Result promote = run(endpointFile, POLICY, "promote");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();

        assertThat(promote.all()).doesNotContain("dropped").doesNotContain("not delivered");
        RecordedRequest unavailable = receiver.takeRequest(30, TimeUnit.SECONDS);
        RecordedRequest retried = receiver.takeRequest(30, TimeUnit.SECONDS);
        assertThat(retried).as("the retry").isNotNull();
        assertThat(retried.getBody().utf8()).isEqualTo(unavailable.getBody().utf8());
    }

    @Test
    void aSinkWithoutItsUrlIsRefusedBeforeAnythingMoves() throws Exception {
        Path endpointFile = endpoint.endpointFile(dir, "", NOTIFICATIONS);

        Cli.Result canary = run(endpointFile, POLICY, "canary", "--candidate", "v2");

        assertThat(canary.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(canary.err())
                .contains("notifications.sinks[0].urlEnv")
                .contains("the environment variable TEAM_ML_HOOK is not set");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aSinkUrlThatIsNoHttpUrlIsRefusedBeforeAnythingMovesWithoutRepeatingIt() throws Exception {
        // A Slack URL pasted without its scheme: every delivery would fail, and only the log would say so.
        endpoint.variables.put("TEAM_ML_HOOK", "hooks.slack.com/services/T000/B000/s3cr3t");
        Path endpointFile = endpoint.endpointFile(dir, "", NOTIFICATIONS);

        Cli.Result canary = run(endpointFile, POLICY, "canary", "--candidate", "v2");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(canary.err())
                .contains("notifications.sinks[0].urlEnv: ")
                .contains("the environment variable TEAM_ML_HOOK does not hold an http(s) URL");
        assertThat(canary.out() + canary.err()).doesNotContain("s3cr3t").doesNotContain("hooks.slack.com");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void anEmptySinkUrlFileIsRefusedBeforeAnythingMoves() throws Exception {
        Path urlFile = Files.writeString(dir.resolve("audit-hook-url"), "\n");
        Path endpointFile = endpoint.endpointFile(dir, "", """
                notifications:
                  sinks:
                    - {name: audit, type: webhook, urlFile: %s}
                """.formatted(urlFile));

        Cli.Result canary = run(endpointFile, POLICY, "canary", "--candidate", "v2");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(canary.err())
                .contains("notifications.sinks[0].urlFile: ")
                .contains(urlFile + " does not hold an http(s) URL");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aPolicyNamingASinkTheEndpointLacksIsRefused() throws Exception {
        endpoint.variables.put("TEAM_ML_HOOK", receiver.url("/hook").toString());
        Path endpointFile = endpoint.endpointFile(dir, "", NOTIFICATIONS);

        Cli.Result canary = run(
                endpointFile,
                POLICY + "notifications: [{sink: risk, events: [escalated]}]\n",
                "canary",
                "--candidate",
                "v2");

        assertThat(canary.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(canary.err())
                .contains("notifications[0].sink: 'risk' is not a notification sink of endpoint 'fraud-scorer'"
                        + " (team-ml)");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aFreezeInTheEndpointFileFailsTheShiftWhenThePolicySaysFail() throws Exception {
        // The simulated run starts on Monday 2026-11-23 10:00 UTC; the freeze begins two minutes later.
        Path endpointFile = endpoint.endpointFile(dir, "", """
                schedule:
                  timeZone: UTC
                  freezes:
                    - {name: incident-42, from: '2026-11-23T10:02', to: '2026-11-24', reason: open incident}
                """);

        Cli.Result canary =
                run(endpointFile, POLICY + "schedule: {outsideWindow: fail}\n", "canary", "--candidate", "v2");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(canary.out())
                .contains("the deployment window for stage 2/2 (50%) is closed, it opens Wed 2026-11-25 00:00 UTC"
                        + " (freeze 'incident-42': open incident until Wed 2026-11-25 00:00 UTC)");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }
}
