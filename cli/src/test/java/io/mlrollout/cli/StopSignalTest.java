package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutStateCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (a cancelled CI job; Ctrl-C is the same path) sent to a real {@code mlrollout canary} process while it bakes:
 * traffic is left safe as the policy says, the report is written, the output says where traffic is, and the exit code
 * is 3.
 */
class StopSignalTest {

    private static final String POLICY = """
            stages:
              - {weight: 10, bake: 30m}
              - {weight: 50, bake: 30m}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, critical: true}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", "");
        state = dir.resolve("state.json");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private ChildCli canaryStoppedWhileBaking(String policyText) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, policyText);
        ChildCli child = ChildCli.start(
                dir,
                Map.of("USER", "carol"),
                "canary",
                "--policy",
                policy.toString(),
                "--endpoint",
                endpointFile.toString(),
                "--state",
                state.toString(),
                "--candidate",
                "v2");
        child.awaitLine(line -> line.contains("stage 1/2") && line.contains("10%"), Duration.ofSeconds(60));
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
        child.terminate();
        return child;
    }

    @Test
    void sigtermRollsBackByDefaultWritesTheReportAndExits3() throws Exception {
        try (ChildCli child = canaryStoppedWhileBaking(POLICY)) {
            assertThat(child.exitCode(Duration.ofSeconds(60)))
                    .as(child.output())
                    .isEqualTo(ExitCodes.INFRASTRUCTURE);

            assertThat(endpoint.simulator.split().canaryWeight()).isZero();
            assertThat(child.output())
                    .contains("aborted by carol (Ctrl-C or SIGTERM)")
                    .contains("Stopped by Ctrl-C or SIGTERM: the rollout was aborted and rolled back")
                    .contains("All traffic is on v1 (0% to v2)")
                    .contains("start a new rollout with a new --state");
            assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.ROLLED_BACK);
            assertThat(dir.resolve("state.report.html")).exists();
            List<String> evidence = Files.readAllLines(dir.resolve("state.evidence.jsonl"));
            // the rollback, then the evidence pack's manifest digest, then the seal
            assertThat(evidence.get(evidence.size() - 3)).contains("\"type\":\"rolled-back\"");
            assertThat(evidence.get(evidence.size() - 2)).contains("\"type\":\"pack-sealed\"");
            assertThat(evidence.get(evidence.size() - 1)).contains("\"seal\"");
            assertThat(EvidenceVerifier.verify(dir.resolve("state.evidence.jsonl"))
                            .sealed())
                    .isTrue();
        }
    }

    @Test
    void withOnAbortHoldTrafficStaysAndTheOutputSaysHowToResume() throws Exception {
        try (ChildCli child = canaryStoppedWhileBaking(POLICY + "rollback: {onAbort: hold}\n")) {
            assertThat(child.exitCode(Duration.ofSeconds(60)))
                    .as(child.output())
                    .isEqualTo(ExitCodes.INFRASTRUCTURE);

            assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
            assertThat(child.output())
                    .contains("Stopped by Ctrl-C or SIGTERM: traffic is held at 10% to v2")
                    .contains("resume:    mlrollout canary --policy")
                    .contains("roll back: mlrollout rollback --policy");
            assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.BAKING);
            assertThat(dir.resolve("state.report.html")).exists();
        }
    }
}
