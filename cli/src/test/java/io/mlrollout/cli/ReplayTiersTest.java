package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} of a policy with risk tiers, over the simulator's recorded traffic: it says which stages it ran. */
class ReplayTiersTest {

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2")).withHistoryBeforeT0();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aPolicyWithTiersIsReplayedOnItsOwnStagesAndSaysSo() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                endpoint: fraud-scorer
                stages:
                  - {weight: 10, bake: 5m}
                metrics:
                  - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                facts: {changeType: string}
                tiers:
                  - name: fast
                    when: "changeType == 'retrain'"
                    stages: [{weight: 50, bake: 1m}]
                  - {name: full, when: "true"}
                """);

        Cli.Result replay = Cli.run(
                endpoint.environment(),
                "replay",
                policy.toString(),
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString(),
                "--from",
                "30m",
                "--baseline",
                "v1",
                "--candidate",
                "v2");

        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out())
                .as(replay.toString())
                .startsWith("the policy's own stages and bounds; its tiers are not applied: a replay states no facts\n")
                .contains("stages 10% for 5m;");
    }
}
