package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutStateCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Facts on the command line choose the tier: auto-approved, gated by role, or refused before anything moves. */
class TiersCliTest {

    private static final String ENDPOINT_REST = """
            roles:
              platform: {members: [platform-team]}
              risk: {members: [ml-risk]}
            tiers:
              facts: {changeType: string}
              floors:
                - {when: "changeType == 'architecture'", signOff: {roles: {risk: 1}}}
            """;

    private static final String TIERED_POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 5m}
              - {weight: 25, bake: 5m, signOff: true}
            analysis: {interval: 1m, minRequests: 500, score: {pass: 100, marginal: 80}}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 2%, critical: true}
            signOff: {roles: {platform: 1}}
            promote: {bake: 3m}
            facts: {changeType: string, evalDelta: double}
            tiers:
              - {name: minor, when: "changeType != 'config' && evalDelta >= -0.005", signOff: none}
              - {name: major, when: "true"}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;
    private Path policy;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", ENDPOINT_REST);
        state = dir.resolve("rollout").resolve("state.json");
        policy = dir.resolve("policy.yaml");
        Files.writeString(policy, TIERED_POLICY);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aMinorChangeIsAutoApprovedAndTheEvidenceSaysWhy() throws Exception {
        Cli.Result canary =
                run("canary", "--candidate", "v2", "--fact", "changeType=retrain", "--fact", "evalDelta=0.001");

        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        assertThat(canary.out())
                .contains("tier minor: auto-approved by rule tiers[0] on facts {changeType=retrain, evalDelta=0.001}")
                .doesNotContain("SIGN-OFF NEEDED");
        assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(RolloutFiles.beside(state).events().get(1)).isInstanceOf(RolloutEvent.TierChosen.class);
    }

    @Test
    void theEndpointsFloorOverridesTheMinorTierAndLaterCommandsKeepTheRecordedTier() throws Exception {
        Cli.Result canary =
                run("canary", "--candidate", "v2", "--fact", "changeType=architecture", "--fact", "evalDelta=0");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(canary.out())
                .contains("tier minor: auto-approved by rule tiers[0]")
                .contains("endpoint floor tiers.floors[0] requires roles {risk=1}, which the pipeline cannot lower")
                .contains("by role: risk 1 of (ml-risk)");

        Cli.Result erin = run("approve", "--user", "erin", "--group", "ml-risk", "--comment", "new architecture ok");
        assertThat(erin.exitCode()).as(erin.toString()).isZero();
        assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.CANARY_PASSED);
    }

    @Test
    void factsFromAFileCountLikeFactsOnTheCommandLine() throws Exception {
        Path file = dir.resolve("facts.yaml");
        Files.writeString(file, "{changeType: retrain, evalDelta: 0.001}\n");

        Cli.Result twice = run("canary", "--candidate", "v2", "--facts", file.toString(), "--fact", "evalDelta=0");
        assertThat(twice.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(twice.err()).contains("--fact: evalDelta is in " + file + " already; give it once");
        Cli.Result twiceOnTheCommandLine =
                run("canary", "--candidate", "v2", "--fact", "changeType=config", "--fact", "changeType=retrain");
        assertThat(twiceOnTheCommandLine.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(twiceOnTheCommandLine.err())
                .contains("--fact changeType: is given twice (config, then retrain); give each name once");

        Cli.Result canary = run("canary", "--candidate", "v2", "--facts", file.toString());
        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        assertThat(canary.out())
                .contains("tier minor: auto-approved by rule tiers[0] on facts {changeType=retrain, evalDelta=0.001}");
    }

    @Test
    void aMajorChangeKeepsThePolicysGate() {
        Cli.Result canary = run("canary", "--candidate", "v2", "--fact", "changeType=config", "--fact", "evalDelta=0");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(canary.out())
                .contains("tier major: sign-offs as the policy writes them by rule tiers[1]")
                .contains("by role: platform 1 of (platform-team)");
    }

    @Test
    void aTypoInARuleAndABadFactAreRefusedBeforeAnythingMoves() throws Exception {
        Files.writeString(policy, TIERED_POLICY.replace("evalDelta >= -0.005", "evalDleta >= -0.005"));
        Cli.Result typo = run("canary", "--candidate", "v2", "--fact", "changeType=retrain", "--fact", "evalDelta=0");

        assertThat(typo.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(typo.err()).contains("tiers[0].when: undeclared reference 'evalDleta'");

        Files.writeString(policy, TIERED_POLICY);
        Cli.Result bad = run("canary", "--candidate", "v2", "--fact", "changeType=retrain", "--fact", "evalDelta=lots");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err()).contains("facts.evalDelta: 'lots' is not a double");
        assertThat(endpoint.simulator.split().canaryWeight())
                .as("nothing moved")
                .isZero();
        assertThat(Files.exists(state)).isFalse();
    }

    /** The minor tier ramps 10% → 50% for 3m each, with a tighter error-rate bound; major keeps the policy's. */
    private static final String SHAPED_POLICY = TIERED_POLICY.replace(
            "signOff: none}",
            "signOff: none,\n     stages: [{weight: 10, bake: 3m}, {weight: 50, bake: 3m}],\n"
                    + "     metrics: {error-rate: {maxIncrease: 10%}}}");

    @Test
    void aMinorChangeRunsItsTiersStagesAndAResumeAndThePromotionKeepThem() throws Exception {
        Files.writeString(policy, SHAPED_POLICY);
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(4)));

        Cli.Result dropped =
                run("canary", "--candidate", "v2", "--fact", "changeType=retrain", "--fact", "evalDelta=0.001");

        assertThat(dropped.out())
                .contains("[ml-rollout] rollout of v2 on fraud-scorer: stages 10% for 3m → 50% for 3m;")
                .contains("[ml-rollout] tier minor: auto-approved by rule tiers[0] on facts"
                        + " {changeType=retrain, evalDelta=0.001}; stages 10% for 3m → 50% for 3m from"
                        + " tiers[0].stages; bounds error-rate maxIncrease 10% from tiers[0].metrics")
                .contains("plan: ");
        assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.BAKING);

        // The process died in stage 2; the next run states no facts: the recorded ones choose the same tier again,
        // so the rollout goes on with the stages it started with (a different plan would be refused).
        Cli.Result resumed = run("canary");
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.CANARY_PASSED);

        Cli.Result promoted = run("promote");
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(RolloutStateCodec.read(Files.readString(state)).phase()).isEqualTo(Phase.PROMOTED);
        List<RolloutEvent> events = RolloutFiles.beside(state).events();
        assertThat(events)
                .filteredOn(RolloutEvent.TrafficShifted.class::isInstance)
                .map(e -> ((RolloutEvent.TrafficShifted) e).split().canaryWeight())
                .startsWith(10, 50)
                .doesNotContain(5, 25);
        assertThat(events).filteredOn(RolloutEvent.TierChosen.class::isInstance).hasSize(1);
        Cli.Result verified = Cli.run(
                endpoint.environment(),
                "verify-evidence",
                RolloutFiles.beside(state).evidence().toString());
        assertThat(verified.exitCode()).as(verified.toString()).isZero();
    }

    @Test
    void aMajorChangeKeepsThePolicysStages() throws Exception {
        Files.writeString(policy, SHAPED_POLICY);

        Cli.Result canary = run("canary", "--candidate", "v2", "--fact", "changeType=config", "--fact", "evalDelta=0");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(canary.out())
                .contains("stages 5% for 5m → 25% for 5m + sign-off;")
                .contains("tier major: sign-offs as the policy writes them by rule tiers[1] on facts"
                        + " {changeType=config, evalDelta=0.0}\n");
    }

    @Test
    void theEndpointChecksTheTiersStagesAsThePolicysOwnBeforeAnythingMoves() throws Exception {
        // No approvers anywhere: the policy's own stages have no gate, the minor tier's would wait for nobody.
        Files.writeString(
                policy,
                SHAPED_POLICY
                        .replace("signOff: {roles: {platform: 1}}\n", "promote: {bake: 3m, signOff: false}\n")
                        .replace("promote: {bake: 3m}\n", "")
                        .replace("{weight: 25, bake: 5m, signOff: true}", "{weight: 25, bake: 5m}")
                        .replace("signOff: none,", "")
                        .replace("{weight: 50, bake: 3m}]", "{weight: 50, bake: 3m, signOff: true}]"));
        endpointFile = endpoint.endpointFile(dir, "", "");

        Cli.Result minor = run("canary", "--candidate", "v2", "--fact", "changeType=retrain", "--fact", "evalDelta=0");

        assertThat(minor.exitCode()).as(minor.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(minor.err())
                .contains("tiers[0].stages[1].signOff: needs approvers, but neither the policy's signOff section nor"
                        + " the endpoint names any approvers");
        assertThat(endpoint.simulator.split().canaryWeight())
                .as("nothing moved")
                .isZero();
        assertThat(Files.exists(state)).isFalse();

        Cli.Result major = run("canary", "--candidate", "v2", "--fact", "changeType=config", "--fact", "evalDelta=0");
        assertThat(major.exitCode())
                .as("the policy's own stages pass the same check: " + major)
                .isZero();
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
}
