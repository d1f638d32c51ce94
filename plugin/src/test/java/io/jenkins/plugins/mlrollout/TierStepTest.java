package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlCanary(..., facts: [...])}: the facts choose the policy's tier when the step starts, the endpoint's floors
 * are applied on top, bad rules and facts are refused before anything moves, and the tier survives a restart.
 */
class TierStepTest {

    static final String TIERED = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
            signOff: {approvers: [alice, bob], quorum: 2, expires: 2h}
            promote: {bake: 10m}
            facts: {changeType: string, evalDelta: double, featuresChanged: bool}
            tiers:
              - {name: minor, when: "changeType != 'config' && !featuresChanged && evalDelta >= -0.005", signOff: none}
              - {name: major, when: "true", signOff: {roles: {risk: 1, platform: 1}}}
            """;

    @TempDir
    Path home;

    private StepFixture fixture;
    private FakeBuild build;
    private FakeStepContext context;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        // The roles the tiers and floors name, with no quorum of the endpoint's own, so a tier may waive every gate.
        EndpointRole platform = new EndpointRole("platform");
        platform.setMembers("platform-team");
        EndpointRole risk = new EndpointRole("risk");
        risk.setMembers("carol, ml-risk");
        fixture.endpoint.setRoles(List.of(platform, risk));
        build = fixture.build("fraud-deploy", 1, "dave");
        context = build.newContext();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static MlCanaryStep step(String policy, Object changeType, Object evalDelta, Object featuresChanged) {
        MlCanaryStep step = new MlCanaryStep(policy, "v2");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("changeType", changeType);
        facts.put("evalDelta", evalDelta);
        facts.put("featuresChanged", featuresChanged);
        step.setFacts(facts);
        return step;
    }

    private List<RolloutEvent> evidence() throws Exception {
        return EvidenceLog.readEvents(
                build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve("evidence.jsonl"));
    }

    @Test
    void aMinorChangeIsAutoApprovedAndTheLogAndEvidenceSayByWhichRule() throws Exception {
        started(step(TIERED, "retrain", 0.001, false).start(context));
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isEmpty();
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
        assertThat(build.log())
                .contains("[ml-rollout] tier minor: auto-approved by rule tiers[0] on facts"
                        + " {changeType=retrain, evalDelta=0.001, featuresChanged=false}")
                .doesNotContain("SIGN-OFF NEEDED");
        RolloutEvent.TierChosen chosen = (RolloutEvent.TierChosen) evidence().get(1);
        assertThat(chosen.tier()).isEqualTo("minor");
        assertThat(chosen.autoApproved()).isTrue();
    }

    @Test
    void theEndpointsFloorOverridesAMinorTierAndTheTierSurvivesARestart() throws Exception {
        fixture.endpoint.setTierFloors("""
                facts: {changeType: string}
                floors:
                  - {when: "changeType == 'architecture'", signOff: {roles: {risk: 1}}}
                """);
        MlCanaryStep.Execution execution = started((MlCanaryStep.Execution)
                step(TIERED, "architecture", 0.0, false).start(context));
        fixture.runFor(Duration.ofMinutes(21));

        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(build.log())
                .contains("endpoint floor floors[0] requires roles {risk=1}, which the pipeline cannot lower")
                .contains("by role: risk 1 of (carol, ml-risk)");
        assertThat(build.action(ENDPOINT).getStatus())
                .as("the status line names the roles still missing")
                .startsWith("awaiting sign-off for ")
                .endsWith("; waiting for: risk 0/1");
        assertThat(execution.getStatus()).endsWith("; waiting for: risk 0/1");

        MlCanaryStep.Execution resumed = Restart.roundTrip(execution);
        RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
        fixture.restart();
        build.actions.clear();
        build.actions.add(reloaded);
        reloaded.onLoad(build.run);
        resumed.onResume();
        fixture.runHeldWork();

        assertThat(reloaded.live().plan().tier().orElseThrow().floorRoles()).containsEntry("risk", 1);
        assertThat(reloaded.live().plan().policy().signOff().orElseThrow().roles())
                .containsEntry("risk", 1);
    }

    /** The minor tier ramps 20% → 60% for 5m each, with a tighter error-rate bound; major keeps the policy's. */
    static final String SHAPED = TIERED.replace(
            "signOff: none}",
            "signOff: none,\n     stages: [{weight: 20, bake: 5m}, {weight: 60, bake: 5m}],\n"
                    + "     metrics: {error-rate: {maxIncrease: 5%}}}");

    @Test
    void aMinorTiersStagesDriveTheRolloutAndARestartKeepsThem() throws Exception {
        MlCanaryStep.Execution execution = started(
                (MlCanaryStep.Execution) step(SHAPED, "retrain", 0.001, false).start(context));
        fixture.runFor(Duration.ofMinutes(9));
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.BAKING);
        assertThat(fixture.serving.shifts).containsExactly(20, 60);

        MlCanaryStep.Execution resumed = Restart.roundTrip(execution);
        RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
        fixture.restart();
        build.actions.clear();
        build.actions.add(reloaded);
        reloaded.onLoad(build.run);
        resumed.onResume();
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isEmpty();
        assertThat(fixture.serving.shifts).as("the tier's stages, each once").containsExactly(20, 60);
        assertThat(build.log())
                .contains("[ml-rollout] rollout of v2 on fraud-scorer: stages 20% for 5m → 60% for 5m;")
                .contains("[ml-rollout] tier minor: auto-approved by rule tiers[0] on facts {changeType=retrain,"
                        + " evalDelta=0.001, featuresChanged=false}; stages 20% for 5m → 60% for 5m from"
                        + " tiers[0].stages; bounds error-rate maxIncrease 5% from tiers[0].metrics")
                .contains("within the allowed +5%")
                .contains("[ml-rollout] CANARY PASSED at 60%");
        assertThat(reloaded.live().plan().policy().stages())
                .extracting(s -> s.weight())
                .containsExactly(20, 60);
        RolloutEvent.TierChosen chosen = (RolloutEvent.TierChosen) evidence().get(1);
        assertThat(chosen.summary()).contains("stages 20% for 5m → 60% for 5m from tiers[0].stages");
    }

    @Test
    void aMajorChangeRunsThePolicysOwnStages() throws Exception {
        fixture.endpoint.setRoles(List.of());
        String ungated = SHAPED.replace(", signOff: true}", "}")
                .replace(
                        "{name: major, when: \"true\", signOff: {roles: {risk: 1, platform: 1}}}",
                        "{name: major," + " when: \"true\"}")
                .replace("promote: {bake: 10m}", "promote: {bake: 10m, signOff: false}");
        started(step(ungated, "config", 0.0, false).start(context));
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isEmpty();
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
        assertThat(build.log())
                .contains("[ml-rollout] tier major: sign-offs as the policy writes them by rule tiers[1]");
    }

    @Test
    void theEndpointChecksTheTiersStagesAsThePolicysOwnBeforeAnythingMoves() {
        // Nobody is named to sign: the minor tier keeps sign-offs as written and puts a gate in its own stages.
        fixture.endpoint.setRoles(List.of());
        String gatedTier = SHAPED.replace("signOff: {approvers: [alice, bob], quorum: 2, expires: 2h}\n", "")
                .replace(", signOff: true}", "}")
                .replace("signOff: none,", "")
                .replace("{weight: 60, bake: 5m}]", "{weight: 60, bake: 5m, signOff: true}]")
                .replace("promote: {bake: 10m}", "promote: {bake: 10m, signOff: false}")
                .replace(", signOff: {roles: {risk: 1, platform: 1}}}", "}");

        assertThatThrownBy(() ->
                        step(gatedTier, "retrain", 0.001, false).start(context).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("tiers[0].stages[1].signOff: needs approvers, but neither the policy's signOff"
                        + " section nor the endpoint names any approvers");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(build.actions).isEmpty();
    }

    @Test
    void aRuleWithATypoIsRefusedWithItsPathBeforeAnythingMoves() {
        String typo = TIERED.replace("evalDelta >= -0.005", "evalDleta >= -0.005");

        assertThatThrownBy(
                        () -> step(typo, "retrain", 0.001, false).start(context).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("tiers[0].when: undeclared reference 'evalDleta'");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(build.actions).isEmpty();
    }

    @Test
    void factsOfTheWrongTypeOrMissingAreRefusedBeforeAnythingMoves() {
        MlCanaryStep step = step(TIERED, "retrain", "0.001", "no");
        Map<String, Object> facts = new LinkedHashMap<>(step.getFacts());
        facts.remove("changeType");
        step.setFacts(facts);

        assertThatThrownBy(() -> step.start(context).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("facts.changeType: no value was stated")
                .hasMessageContaining("facts.featuresChanged: 'no' is not a bool");
        assertThat(fixture.serving.shifts).isEmpty();
    }
}
