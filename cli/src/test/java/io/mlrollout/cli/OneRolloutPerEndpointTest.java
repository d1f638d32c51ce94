package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second rollout on an endpoint is refused, whichever state file it uses, before any traffic moves. */
class OneRolloutPerEndpointTest {

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
    private Path policy;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", "");
        policy = dir.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aSecondProcessOnAnotherStateFileOfTheSameEndpointIsRefusedWhileTheFirstRuns() throws Exception {
        try (ChildCli first = ChildCli.start(
                dir,
                Map.of(),
                "canary",
                "--policy",
                policy.toString(),
                "--endpoint",
                endpointFile.toString(),
                "--state",
                dir.resolve("a.json").toString(),
                "--candidate",
                "v2")) {
            first.awaitLine(line -> line.contains("stage 1/2") && line.contains("10%"), Duration.ofSeconds(60));

            Cli.Result second = Cli.run(
                    endpoint.environment(),
                    "canary",
                    "--policy",
                    policy.toString(),
                    "--endpoint",
                    endpointFile.toString(),
                    "--state",
                    dir.resolve("b.json").toString(),
                    "--candidate",
                    "v3");

            assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(second.err())
                    .contains("endpoint 'fraud-scorer' is in use by another mlrollout process")
                    .contains("mlrollout-endpoint-fraud-scorer.lock");
            assertThat(endpoint.simulator.split().canary()).isEqualTo("v2");
            assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
            assertThat(dir.resolve("b.json")).doesNotExist();
        }
    }

    @Test
    void aStartIsRefusedWhenTheRouterAlreadySendsTrafficToAnotherCandidate() throws Exception {
        endpoint.close();
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v3"));
        endpointFile = endpoint.endpointFile(dir, "", "");
        endpoint.simulator.setSplit(10);
        Path elsewhere = Files.createDirectories(dir.resolve("other-folder"));

        Cli.Result start = Cli.run(
                endpoint.environment(),
                "canary",
                "--policy",
                policy.toString(),
                "--endpoint",
                endpointFile.toString(),
                "--state",
                elsewhere.resolve("state.json").toString(),
                "--candidate",
                "v2");

        assertThat(start.exitCode()).as(start.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(start.err())
                .contains("already sends 10% to v3, not to v2")
                .contains("mlrollout rollback --endpoint " + endpointFile);
        assertThat(endpoint.simulator.split().canary()).isEqualTo("v3");
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
    }

    /** Another rollout's shadow stage sends its candidate only copies of requests: it is under way all the same. */
    @Test
    void aStartIsRefusedWhenTheRouterMirrorsTrafficToAnotherCandidate() throws Exception {
        endpoint.close();
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v3"));
        endpointFile = endpoint.endpointFile(dir, "", "");
        endpoint.simulator.setSplit(0, 20);

        Cli.Result start = Cli.run(
                endpoint.environment(),
                "canary",
                "--policy",
                policy.toString(),
                "--endpoint",
                endpointFile.toString(),
                "--state",
                dir.resolve("state.json").toString(),
                "--candidate",
                "v2");

        assertThat(start.exitCode()).as(start.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(start.err()).contains("already mirrors 20% to v3, not to v2");
        assertThat(endpoint.simulator.split().canary()).isEqualTo("v3");
        assertThat(endpoint.simulator.split().mirrorPercent()).isEqualTo(20);
    }
}
