package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutStateCodec;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The responsibility matrix in an endpoint file, and gates by role through canary, approve and status. */
class RolesCommandsTest {

    private static final String ROLES = """
            roles:
              model-owner: {members: [alice]}
              platform: {members: [platform-team], escalation: [oncall@example.com], minimumQuorum: 1}
              risk: {members: [ml-risk], escalation: [risk-lead@example.com]}
            """;

    private static final String BY_ROLE_POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 5m}
              - {weight: 25, bake: 5m, signOff: true}
            analysis: {interval: 1m, minRequests: 500, score: {pass: 100, marginal: 80}}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 2%, critical: true}
            signOff: {roles: {risk: 1}}
            promote: {bake: 3m}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", ROLES);
        state = dir.resolve("rollout").resolve("state.json");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void theEndpointFileReadsTheMatrixInItsOrder() throws Exception {
        EndpointFile file = EndpointFileParser.parse(Files.readString(endpointFile), "endpoint.yaml");

        ResponsibilityMatrix matrix = file.signOff().matrix();
        assertThat(matrix.roles().keySet()).containsExactly("model-owner", "platform", "risk");
        assertThat(matrix.role("platform").orElseThrow())
                .isEqualTo(new ResponsibilityMatrix.Role(List.of("platform-team"), List.of("oncall@example.com"), 1));
    }

    @Test
    void aBadMatrixIsRefusedWithFieldPaths() {
        assertThatThrownBy(() -> EndpointFileParser.parse(
                        Files.readString(endpointFile)
                                + "  Data Owner: {members: [x]}\n"
                                + "  data-owner: {escalation: [y], minimumQuorum: -1, owners: [z]}\n",
                        "endpoint.yaml"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("roles.Data Owner: 'Data Owner' is not a role name")
                .hasMessageContaining("roles.data-owner.members: is required")
                .hasMessageContaining("roles.data-owner.minimumQuorum: must be at least 0, got -1")
                .hasMessageContaining("roles.data-owner.owners: unknown key");
    }

    @Test
    void aGateByRoleWaitsForEachRoleAndStatusSaysWhichAreMissing() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, BY_ROLE_POLICY);

        Cli.Result canary = run("canary", policy, "--candidate", "v2", "--started-by", "carol");
        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(canary.out())
                .contains("SIGN-OFF NEEDED for stage 2/2 (25%) and promotion: 2 approval(s); by role: platform 1 of"
                        + " (platform-team), risk 1 of (ml-risk); one role per approver");

        endpoint.pause(Duration.ofMinutes(2));
        Cli.Result dave =
                run("approve", policy, "--user", "dave", "--group", "platform-team", "--comment", "capacity ok");
        assertThat(dave.exitCode()).as(dave.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(dave.out()).contains("approve by dave (1 of 2; waiting for: platform 1/1, risk 0/1)");

        Cli.Result status = run("status", policy);
        assertThat(status.out())
                .contains("roles     waiting for: platform 1/1, risk 0/1; risk may be signed by ml-risk");

        Cli.Result alice = run("approve", policy, "--user", "alice", "--comment", "I own it");
        assertThat(alice.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(alice.err()).contains("alice is not one of the approvers (platform: platform-team; risk: ml-risk)");

        Cli.Result erin = run("approve", policy, "--user", "erin", "--group", "ml-risk", "--comment", "model card ok");
        assertThat(erin.exitCode()).as(erin.toString()).isZero();
        assertThat(erin.out()).contains("settled: approved by dave, erin (quorum 2; platform: dave; risk: erin)");
        assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(RolloutFiles.beside(state).events().stream()
                        .filter(RolloutEvent.Signed.class::isInstance)
                        .map(e -> ((RolloutEvent.Signed) e).waitingFor()))
                .as("the evidence keeps the tally of each signature")
                .containsExactly("waiting for: platform 1/1, risk 0/1", "every role signed: platform 1/1, risk 1/1");
    }

    private Cli.Result run(String command, Path policy, String... extra) {
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
}
