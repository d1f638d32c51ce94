package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A rollout that starts with a shadow stage: the candidate gets a mirrored share and serves no user. */
class ShadowStageTest {

    private static final String SHADOW_THEN_CANARY = """
            stages:
              - {shadow: 20%, bake: 10m}
              - {weight: 5, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 15%}
              - {name: score-drift, kind: distribution, histogram: 'sum by (le) (increase(model_score_bucket{version="${version}"}[${interval}]))', maxPsi: 0.2}
            promote: {bake: 10m, signOff: false}
            """;

    @Test
    void theShadowStageMirrorsWithNoUserTrafficThenTheNextStageEndsTheMirror() {
        Harness h = new Harness().start(SHADOW_THEN_CANARY).runFor(Duration.ofMinutes(5));

        assertThat(h.phase()).isEqualTo(Phase.BAKING);
        assertThat(h.serving.mirrors).containsExactly(20);
        assertThat(h.serving.shifts).as("no user moved to the candidate").isEmpty();
        assertThat(h.serving.weight).isZero();
        RolloutEvent.StageStarted started =
                h.events(RolloutEvent.StageStarted.class).get(0);
        assertThat(started.shadow()).isEqualTo(20);
        assertThat(LogLines.format(started)).contains("stage 1/2 (shadow 20%: mirrored, no user traffic)");
        assertThat(h.events(RolloutEvent.Looked.class)).isNotEmpty().allSatisfy(look -> {
            assertThat(look.shadow()).isEqualTo(20);
            assertThat(look.weight()).isZero();
        });

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.state().stages()).extracting(StageSummary::verdict).containsExactly(Verdict.PASS, Verdict.PASS);
        assertThat(h.state().stages())
                .as("named as the log names them, in the state the build page and status read")
                .extracting(StageSummary::label)
                .containsExactly("shadow 20%", "5%");
        assertThat(RolloutStateCodec.read(RolloutStateCodec.write(h.state())).stages())
                .extracting(StageSummary::label)
                .containsExactly("shadow 20%", "5%");
        String savedBefore = RolloutStateCodec.write(h.state()).replace(",\"shadow\":20", "");
        assertThat(RolloutStateCodec.read(savedBefore).stages())
                .as("a state saved before the share was kept still reads")
                .extracting(StageSummary::shadow)
                .containsExactly(0, 0);
        assertThat(h.serving.shifts).containsExactly(5);
        assertThat(h.serving.mirror)
                .as("leaving the shadow stage removes the mirror")
                .isZero();
    }

    @Test
    void aCandidateThatRegressesInTheShadowIsRolledBackAndTheMirrorRemoved() {
        Harness h = new Harness();
        h.serving.candidateErrorRate = 0.04; // 4× the baseline's 1%, on mirrored requests only
        h.start(SHADOW_THEN_CANARY).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().reason()).startsWith("stage 1 failed: error-rate FAIL");
        assertThat(h.serving.shifts)
                .as("only the rollback: the candidate never served a user")
                .containsExactly(0);
        assertThat(h.serving.mirror).isZero();
        RolloutEvent.RolledBack rolledBack =
                h.events(RolloutEvent.RolledBack.class).get(0);
        assertThat(rolledBack.split().mirrorPercent()).isZero();
        assertThat(LogLines.format(h.events(RolloutEvent.StageConcluded.class).get(0)))
                .contains("stage 1/2 (shadow 20%) FAIL");
    }

    @Test
    void aRouterThatDoesNotSetUpTheMirrorIsNoticedAndRolledBack() {
        Harness h = new Harness();
        h.serving.ignoresMirror = true;
        h.start(SHADOW_THEN_CANARY).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.events(RolloutEvent.ShiftRetry.class))
                .first()
                .extracting(RolloutEvent.ShiftRetry::reason)
                .isEqualTo("the router reports no mirror after asking for 20% mirrored to the candidate");
        assertThat(h.events(RolloutEvent.StageStarted.class)).isEmpty();
    }

    @Test
    void aRollbackThatLeavesTheMirrorOnFailsLoudly() {
        Harness h = new Harness();
        h.serving.candidateErrorRate = 0.04;
        h.serving.mirrorStuck = true;
        h.start(SHADOW_THEN_CANARY).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLBACK_FAILED);
        assertThat(h.state().reason()).contains("20% mirrored to it after asking for 0% and no mirror");
    }

    @Test
    void aRestartDuringTheShadowStageResumesIt() {
        Harness h = new Harness().start(SHADOW_THEN_CANARY).runFor(Duration.ofMinutes(4));
        String saved = h.savedStates.get(h.savedStates.size() - 1);

        Harness resumed = h.resumeFrom(saved).runToRest();

        assertThat(resumed.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(resumed.serving.mirrors)
                .as("the resumed rollout did not set the mirror up again")
                .hasSize(1);
        assertThat(resumed.serving.mirror).isZero();
    }

    @Test
    void aShadowStageIsRefusedForARouterThatCannotMirrorBeforeAnythingMoves() {
        TrafficRouter kserveLike = new TrafficRouter() {
            @Override
            public TrafficSplit current() {
                throw new AssertionError("nothing may be read or moved");
            }

            @Override
            public TrafficSplit shift(String candidate, int canaryWeight) {
                throw new AssertionError("nothing may be read or moved");
            }

            @Override
            public String describe() {
                return "kserve InferenceService fraud";
            }
        };

        PolicyException refused = catchThrowableOfType(
                PolicyException.class,
                () -> ShadowStages.requireMirroring(Harness.policy(SHADOW_THEN_CANARY), kserveLike));

        assertThat(refused.errors()).extracting(PolicyError::path).containsExactly("stages[0].shadow");
        assertThat(refused.errors().get(0).message())
                .contains("kserve InferenceService fraud")
                .contains("cannot mirror requests");
    }
}
