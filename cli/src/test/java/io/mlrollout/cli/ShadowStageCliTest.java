package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutStateCodec;
import io.mlrollout.core.traffic.TrafficSplit;
import io.mlrollout.simulator.VersionProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlrollout canary} with a shadow stage, end to end: the real webhook router asks the simulator to mirror, the
 * candidate is judged on the mirrored copies (errors, latency and its score distribution) and serves no user.
 */
class ShadowStageCliTest {

    static final String SHADOW_POLICY = """
            stages:
              - {shadow: 20%, bake: 5m}
              - {weight: 10, bake: 5m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 2%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 20%}
              - {name: score-drift, kind: distribution, preset: model-score, maxPsi: 0.1}
            promote: {bake: 2m}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private Cli.Result canary(Path endpointFile) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, SHADOW_POLICY);
        return Cli.run(
                endpoint.environment(),
                "canary",
                "--policy",
                policy.toString(),
                "--state",
                dir.resolve("state.json").toString(),
                "--endpoint",
                endpointFile.toString(),
                "--candidate",
                "v2");
    }

    private List<RolloutEvent> events() throws Exception {
        return RolloutFiles.beside(dir.resolve("state.json")).events();
    }

    @Test
    void aHealthyCandidatePassesTheShadowStageThenServesItsFirstUsers() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));

        Cli.Result run = canary(endpoint.endpointFile(dir, "", ""));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("stages shadow 20% for 5m → 10% for 5m")
                .contains("stage 1: traffic now v1 100% / v2 0%, 20% of requests mirrored to v2")
                .contains("stage 1/2 (shadow 20%: mirrored, no user traffic) baking until")
                .contains("stage 1/2 (shadow 20%): 1m of 5m baked")
                .contains("stage 1/2 (shadow 20%) PASS")
                .contains("stage 2: traffic now v1 90% / v2 10%\n");
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
        assertThat(endpoint.simulator.split().mirrorPercent())
                .as("the mirror ended with the shadow stage")
                .isZero();
        RolloutFiles files = RolloutFiles.beside(dir.resolve("state.json"));
        assertThat(RolloutStateCodec.read(Files.readString(files.state())).phase())
                .isEqualTo(Phase.CANARY_PASSED);
        assertThat(Files.readString(files.reportHtml())).contains("shadow 20%: mirrored, no user traffic");
        Cli.Result status = Cli.run(
                endpoint.environment(),
                "status",
                "--state",
                dir.resolve("state.json").toString());
        assertThat(status.out())
                .as(status.toString())
                .contains("verdict   stage 1 (shadow 20%) PASS")
                .contains("verdict   stage 2 (10%) PASS");
    }

    @Test
    void statusDuringTheShadowStageSaysWhatIsMirrored() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpoint.dropAt(SimulatedEndpoint.T0.plus(java.time.Duration.ofMinutes(2)));
        canary(endpoint.endpointFile(dir, "", ""));

        Cli.Result status = Cli.run(
                endpoint.environment(),
                "status",
                "--state",
                dir.resolve("state.json").toString());

        assertThat(status.out())
                .as(status.toString())
                .contains("weight    0% to v2, 20% of requests mirrored to it (shadow stage)\n");
    }

    @Test
    void aCandidateWhoseScoresShiftIsRolledBackWithoutServingAUser() throws Exception {
        VersionProfile shifted = Scenario.BASELINE.withName("v2").withScores(5, 2);
        endpoint = new SimulatedEndpoint(shifted);

        Cli.Result run = canary(endpoint.endpointFile(dir, "", ""));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("stage 1/2 (shadow 20%) FAIL").contains("score-drift FAIL");
        assertThat(events())
                .filteredOn(RolloutEvent.TrafficShifted.class::isInstance)
                .extracting(e -> ((RolloutEvent.TrafficShifted) e).split())
                .extracting(TrafficSplit::canaryWeight)
                .as("no user request ever went to the candidate")
                .containsOnly(0);
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertThat(endpoint.simulator.split().mirrorPercent())
                .as("the rollback removed the mirror")
                .isZero();
    }

    @Test
    void aRollbackWithoutAStateFileEndsAMirrorLeftOn() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpoint.simulator.setSplit(0, 20);

        Cli.Result run = Cli.run(
                endpoint.environment(),
                "rollback",
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("reports v1 100% / v2 0%, mirroring 20% to v2")
                .contains("ROLLED BACK: traffic now v1 100% / v2 0% (requested by");
        assertThat(endpoint.simulator.split().mirrorPercent()).isZero();
    }

    @Test
    void aShadowStageOnAKServeEndpointIsRefusedBeforeAnythingMoves() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        Path kserve = dir.resolve("kserve.yaml");
        Files.writeString(kserve, """
                name: fraud-scorer
                router: {type: kserve, apiServer: 'http://127.0.0.1:9', namespace: ml, inferenceService: fraud-scorer}
                prometheus: {url: 'http://127.0.0.1:9/'}
                """);

        Cli.Result run = canary(kserve);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("stages[0].shadow")
                .contains("cannot mirror requests")
                .contains("KServe has no request mirroring");
        assertThat(RolloutFiles.beside(dir.resolve("state.json")).evidence()).doesNotExist();
    }
}
