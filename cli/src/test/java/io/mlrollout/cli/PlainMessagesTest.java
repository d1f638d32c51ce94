package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the commands say must match what happened, in the CLI's own words. */
class PlainMessagesTest {

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;
    private Path policy;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", "signOff: {approvers: [alice], minimumQuorum: 0}\n");
        state = dir.resolve("state.json");
        policy = dir.resolve("policy.yaml");
        Files.writeString(policy, StatefulCommandsTest.GATED_POLICY);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private Cli.Result run(String command, String... extra) {
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

    @Test
    void anApprovalThatFindsTheRolloutRolledBackByItsCatchUpIsNotCalledBadInput() {
        assertThat(run("canary", "--candidate", "v2").exitCode()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        endpoint.simulator.setCanary(Scenario.BASELINE.withName("v2").withErrorRate(0.2));
        endpoint.pause(Duration.ofMinutes(10));

        Cli.Result approve = run("approve", "--user", "alice", "--comment", "looks fine");

        assertThat(approve.exitCode()).as(approve.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(approve.all()).doesNotContain("bad input");
        assertThat(approve.out())
                .contains("ROLLED BACK")
                .contains("approve by alice not applied: while no mlrollout process ran, the rollout moved on;"
                        + " it is now rolled back");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void statusListsEveryReasonOfAStage() {
        run("canary", "--candidate", "v2");

        Cli.Result status = run("status");

        assertThat(status.out()).containsPattern("verdict   stage 1 \\(5%\\) PASS score \\d+\\n          - ");
        assertThat(status.out()
                        .lines()
                        .filter(line -> line.startsWith("          - "))
                        .count())
                .as("one line per reason, both metrics of stage 1")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRolloutThatCouldNotReadItsRouterSaysToStartWithANewStateFile() throws Exception {
        endpointFile = Files.writeString(
                dir.resolve("broken-endpoint.yaml"),
                "name: fraud-scorer\nrouter: {type: webhook, url: 'http://127.0.0.1:9/'}\n"
                        + "prometheus: {url: 'http://127.0.0.1:9/'}\n"
                        + "signOff: {approvers: [alice], minimumQuorum: 0}\n");

        Cli.Result canary = run("canary", "--candidate", "v2");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(canary.out())
                .contains("could not read the router, nothing was moved")
                .contains("start again with a new --state");
    }

    @Test
    void whoRunsACommandIsTheLoginNameWhenNoVariableSaysSo() {
        Environment bare = new Environment(Map.of(), () -> null, (p, c) -> null);

        assertThat(bare.actor()).isEqualTo(System.getProperty("user.name")).isNotEqualTo("unknown");
        assertThat(new Environment(Map.of("LOGNAME", "erin"), () -> null, (p, c) -> null).actor())
                .isEqualTo("erin");
    }
}
