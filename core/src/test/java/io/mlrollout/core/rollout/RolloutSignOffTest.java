package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.Identity;
import io.mlrollout.core.signoff.SignOffRules;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sign-off gates inside a running rollout: approve, reject, self-approval, expiry, override, promotion. */
class RolloutSignOffTest {

    static final String GATED = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true}
            signOff: {approvers: [alice, bob, ml-risk], quorum: 2, expires: 2h}
            promote: {bake: 10m}
            """;

    private static final Identity ALICE = Identity.user("alice");
    private static final Identity BOB = Identity.user("bob");
    private static final Identity CAROL_IN_ML_RISK = new Identity("carol", Set.of("ml-risk"), false);
    private static final Identity MALLORY = Identity.user("mallory");
    private static final Identity ADMIN = new Identity("root", Set.of(), true);

    private Harness startGated(String yaml, String startedBy) throws PolicyException {
        Policy policy = Harness.policy(yaml);
        Optional<SignOffRules> rules = SignOffRules.effective(policy, EndpointSignOffBounds.none());
        return new Harness().start(policy, rules, startedBy);
    }

    private static Optional<String> sign(Harness h, Identity who, Decision decision, String comment) {
        return h.driver.submit(new Input.SignOff(who, decision, comment, h.time.instant()));
    }

    @Test
    void theRolloutWaitsAtTheGateUntilTheQuorumApproves() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(30));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(h.serving.weight).isEqualTo(25);

        assertThat(sign(h, ALICE, Decision.APPROVE, "error rate flat")).isEmpty();
        h.runFor(Duration.ofMinutes(5));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(sign(h, CAROL_IN_ML_RISK, Decision.APPROVE, "risk review done"))
                .isEmpty();

        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50);
        assertThat(h.events(RolloutEvent.GateSettled.class))
                .singleElement()
                .satisfies(settled ->
                        assertThat(settled.outcome()).contains("alice").contains("carol"));
    }

    @Test
    void aRejectionRollsBackWithTheRejectersReason() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, BOB, Decision.REJECT, "drift in the score histogram"))
                .isEmpty();
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.weight).isZero();
        assertThat(h.state().reason()).isEqualTo("rejected by bob: drift in the score histogram");
    }

    @Test
    void aRejectionWithoutACommentSaysSoWithoutADanglingColon() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, BOB, Decision.REJECT, "")).isEmpty();
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().reason()).isEqualTo("rejected by bob");
    }

    @Test
    void whoStartedTheRolloutCannotApproveIt() throws PolicyException {
        Harness h = startGated(GATED, "alice").runFor(Duration.ofMinutes(21));

        Optional<String> refusal = sign(h, ALICE, Decision.APPROVE, "lgtm");

        assertThat(refusal).hasValueSatisfying(why -> assertThat(why).contains("alice"));
        assertThat(h.state().gate().approvals()).isZero();
        assertThat(h.events(RolloutEvent.SignatureRefused.class)).hasSize(1);
    }

    @Test
    void someoneWhoIsNotAnApproverIsRefused() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, MALLORY, Decision.APPROVE, "ship it")).isPresent();
        assertThat(sign(h, MALLORY, Decision.REJECT, "no")).isPresent();
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
    }

    @Test
    void eachPersonSignsOnce() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, ALICE, Decision.APPROVE, "ok")).isEmpty();
        assertThat(sign(h, ALICE, Decision.APPROVE, "really ok")).isPresent();
        assertThat(h.state().gate().approvals()).isEqualTo(1);
    }

    @Test
    void anExpiredGateRollsBackByDefault() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().reason()).contains("expired");
        assertThat(h.time.instant())
                .isEqualTo(Harness.T0.plus(Duration.ofMinutes(20)).plus(Duration.ofHours(2)));
    }

    /**
     * A command that resumes a gate long after it expired (a forgotten approval job, a week later) settles the expiry
     * after the looks that fell due before it, instead of first reading every look of the week since.
     */
    @Test
    void aGateResumedLongAfterItExpiredExpiresWithoutReadingTheLooksAfterIt() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        String saved = h.savedStates.get(h.savedStates.size() - 1);
        int readsBefore = h.serving.metricReads;

        h.time.advance(Duration.ofDays(8)); // no process ran meanwhile
        Harness resumed = h.resumeFrom(saved).runToRest();

        assertThat(resumed.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(resumed.state().reason()).contains("expired");
        // the looks of the two hours the gate was open, two versions each, and none after
        assertThat(h.serving.metricReads - readsBefore).isLessThanOrEqualTo(2 * 120);
    }

    @Test
    void anExpiredGateHoldsTrafficWhenThePolicySaysHold() throws PolicyException {
        Harness h = startGated(GATED.replace("expires: 2h}", "expires: 2h, onExpiry: hold}"), "dave")
                .runToRest();

        assertThat(h.phase()).isEqualTo(Phase.HALTED);
        assertThat(h.serving.weight).isEqualTo(25);
    }

    @Test
    void aRegressionWhileAwaitingSignOffRollsBackWithoutWaitingForPeople() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(25));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);

        h.serving.candidateErrorRate = 0.05;
        h.runFor(Duration.ofMinutes(10));

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().reason()).startsWith("regression while awaiting sign-off");
    }

    @Test
    void anAdministratorsOverrideLetsTheRolloutOnAndIsRecordedAsAnOverride() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, MALLORY, Decision.OVERRIDE, "incident 4711")).isPresent(); // not an administrator
        assertThat(sign(h, ADMIN, Decision.OVERRIDE, "incident 4711: ship the fix"))
                .isEmpty();
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.events(RolloutEvent.Signed.class))
                .extracting(RolloutEvent.Signed::decision)
                .containsExactly(Decision.OVERRIDE);
        assertThat(h.events(RolloutEvent.GateSettled.class).get(0).outcome()).contains("overridden by root");
    }

    @Test
    void promotionWaitsForItsOwnSignOffWhenTheLastStageHadNone() throws PolicyException {
        Harness h = startGated(GATED, "dave").runFor(Duration.ofMinutes(21));
        sign(h, ALICE, Decision.APPROVE, "stage 2 fine");
        sign(h, BOB, Decision.APPROVE, "stage 2 fine");
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);

        h.driver.submit(new Input.PromoteRequested("release-bot", h.time.instant()));
        h.runFor(Duration.ofMinutes(3));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(h.state().gate().purpose()).isEqualTo("promotion to 100%");
        h = h.resumeFrom(RolloutStateCodec.write(h.state())); // who asked survives a restart
        assertThat(h.serving.weight).isEqualTo(50);

        sign(h, ALICE, Decision.APPROVE, "promote");
        sign(h, BOB, Decision.APPROVE, "promote");
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50, 90, 100);
        assertThat(h.events(RolloutEvent.PromotionStarted.class))
                .as("the promotion is the requester's, not the last approver's")
                .extracting(RolloutEvent.PromotionStarted::by)
                .containsExactly("release-bot");
    }

    @Test
    void aSignedLastStageCountsAsThePromotionSignOff() throws PolicyException {
        String lastGated = GATED.replace("- {weight: 25, bake: 10m, signOff: true}", "- {weight: 25, bake: 10m}")
                .replace("- {weight: 50, bake: 10m}", "- {weight: 50, bake: 10m, signOff: true}");
        Harness h = startGated(lastGated, "dave").runFor(Duration.ofMinutes(31));
        assertThat(h.state().gate().purpose()).isEqualTo("stage 3/3 (50%) and promotion");
        sign(h, ALICE, Decision.APPROVE, "good");
        sign(h, BOB, Decision.APPROVE, "good");
        h.runToRest();

        h.driver.submit(new Input.PromoteRequested("dave", h.time.instant()));
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(h.events(RolloutEvent.GateOpened.class)).hasSize(1);
    }

    @Test
    void anInconclusiveStageAsksPeopleWhenThePolicySaysSo() throws PolicyException {
        String askPeople = GATED.replace(
                        "analysis: {interval: 1m, minRequests: 500}",
                        "analysis: {interval: 1m, minRequests: 500, onInconclusive: signOff}")
                .replace("- {weight: 25, bake: 10m, signOff: true}", "- {weight: 25, bake: 10m}");
        Harness h = startGated(askPeople, "dave").runFor(Duration.ofMinutes(2));
        h.serving.metricsDown = true;
        h.runFor(Duration.ofMinutes(4));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(h.state().gate().purpose()).startsWith("stage 1 was inconclusive");

        h.serving.metricsDown = false;
        sign(h, ALICE, Decision.APPROVE, "metrics outage was Prometheus, not the model");
        sign(h, BOB, Decision.APPROVE, "agreed");
        h.runFor(Duration.ofMinutes(1));

        assertThat(h.phase()).isEqualTo(Phase.BAKING);
        assertThat(h.state().stageIndex()).isEqualTo(1);
        assertThat(h.serving.shifts).isEqualTo(List.of(5, 25));
    }
}
