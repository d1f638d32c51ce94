package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.Identity;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import io.mlrollout.core.signoff.ResponsibilityMatrix.Role;
import io.mlrollout.core.signoff.RoleTally;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.signoff.Signature;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Gates that need approvals by role, through the engine: "one from risk and one from platform". */
class RolloutRolesTest {

    private static final String BY_ROLE = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true}
            signOff: {roles: {risk: 1, platform: 1}, expires: 2h}
            promote: {bake: 10m}
            """;

    private static final Identity CAROL_IN_ML_RISK = new Identity("carol", Set.of("ml-risk"), false);
    private static final Identity DAVE_IN_PLATFORM = new Identity("dave", Set.of("platform-team"), false);
    /** Holds both roles: may count for either, never for both at one gate. */
    private static final Identity ERIN_IN_BOTH = new Identity("erin", Set.of("ml-risk", "platform-team"), false);

    static ResponsibilityMatrix matrix() {
        Map<String, Role> roles = new LinkedHashMap<>();
        roles.put("model-owner", new Role(List.of("alice"), List.of(), 0));
        roles.put("platform", new Role(List.of("platform-team"), List.of("oncall@example.com"), 0));
        roles.put("risk", new Role(List.of("ml-risk"), List.of("risk-lead@example.com"), 0));
        return new ResponsibilityMatrix(roles);
    }

    private Harness start(String startedBy) throws PolicyException {
        Policy policy = Harness.policy(BY_ROLE);
        EndpointSignOffBounds endpoint = new EndpointSignOffBounds(List.of(), 0, false, matrix());
        Optional<SignOffRules> rules = SignOffRules.effective(policy, endpoint);
        return new Harness().start(policy, rules, startedBy);
    }

    private static Optional<String> sign(Harness h, Identity who, String comment) {
        return h.driver.submit(new Input.SignOff(who, Decision.APPROVE, comment, h.time.instant()));
    }

    @Test
    void anEscalationGoesToTheContactsOfTheRolesStillMissing() throws PolicyException {
        Policy policy = Harness.policy(BY_ROLE.replace("expires: 2h}", "expires: 2h, escalateAfter: 30m}"));
        EndpointSignOffBounds endpoint = new EndpointSignOffBounds(List.of(), 0, false, matrix());
        Harness h = new Harness()
                .start(policy, SignOffRules.effective(policy, endpoint), "alice")
                .runFor(Duration.ofMinutes(21));
        assertThat(sign(h, DAVE_IN_PLATFORM, "capacity fine")).isEmpty(); // platform signed, risk still missing

        h.runFor(Duration.ofMinutes(40));

        List<RolloutEvent.GateEscalated> escalated = h.events(RolloutEvent.GateEscalated.class);
        assertThat(escalated).hasSize(1);
        assertThat(escalated.get(0).roleContacts()).containsExactly("risk-lead@example.com");
    }

    @Test
    void theGateWaitsForEveryRoleAndSaysWhichAreStillNeeded() throws PolicyException {
        Harness h = start("alice").runFor(Duration.ofMinutes(21));
        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        RolloutEvent.GateOpened opened = h.events(RolloutEvent.GateOpened.class).get(0);
        assertThat(opened.quorum()).isEqualTo(2);
        assertThat(opened.roles()).extracting(RoleTally::role).containsExactly("platform", "risk");
        assertThat(LogLines.format(opened))
                .contains("2 approval(s); by role: platform 1 of (platform-team), risk 1 of (ml-risk)");

        assertThat(sign(h, DAVE_IN_PLATFORM, "capacity fine")).isEmpty();
        h.runFor(Duration.ofMinutes(5));
        assertThat(h.phase()).as("platform alone is not enough").isEqualTo(Phase.AWAITING_SIGNOFF);
        RolloutEvent.Signed signed = h.events(RolloutEvent.Signed.class).get(0);
        assertThat(signed.waitingFor()).isEqualTo("waiting for: platform 1/1, risk 0/1");
        assertThat(LogLines.format(signed)).contains("(1 of 2; waiting for: platform 1/1, risk 0/1)");

        assertThat(sign(h, CAROL_IN_ML_RISK, "model card reviewed")).isEmpty();
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.events(RolloutEvent.GateSettled.class).get(0).outcome())
                .isEqualTo("approved by dave, carol (quorum 2; platform: dave; risk: carol)");
    }

    @Test
    void twoPeopleOfOneRoleDoNotMakeUpForAMissingRole() throws PolicyException {
        Harness h = start("alice").runFor(Duration.ofMinutes(21));
        sign(h, CAROL_IN_ML_RISK, "ok");
        sign(h, new Identity("frank", Set.of("ml-risk"), false), "ok too");
        h.runFor(Duration.ofMinutes(5));

        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(h.state().gate().approvals()).isEqualTo(2);
        assertThat(h.events(RolloutEvent.Signed.class).get(1).waitingFor())
                .isEqualTo("waiting for: platform 0/1, risk 1/1");
    }

    @Test
    void onePersonHoldingBothRolesCountsForOneOnlyAndIsMovedToTheRoleNobodyElseCanFill() throws PolicyException {
        Harness h = start("alice").runFor(Duration.ofMinutes(21));
        sign(h, ERIN_IN_BOTH, "both hats on");
        h.runFor(Duration.ofMinutes(2));
        assertThat(h.phase()).as("one person, one role").isEqualTo(Phase.AWAITING_SIGNOFF);

        sign(h, DAVE_IN_PLATFORM, "capacity fine");
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.events(RolloutEvent.GateSettled.class).get(0).outcome())
                .as("erin took the first seat, platform; dave can fill only platform, so erin moves to risk")
                .contains("platform: dave; risk: erin");
    }

    @Test
    void theStarterHoldingARoleMayNotApproveWithoutSelfApproval() throws PolicyException {
        Harness h = start("carol").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, CAROL_IN_ML_RISK, "mine, but fine"))
                .hasValueSatisfying(why -> assertThat(why).contains("carol started this rollout"));
    }

    @Test
    void someoneHoldingNoRequiredRoleIsRefusedWithTheRolesNamed() throws PolicyException {
        Harness h = start("dave").runFor(Duration.ofMinutes(21));

        assertThat(sign(h, Identity.user("mallory"), "lgtm"))
                .hasValue("mallory is not one of the approvers (platform: platform-team; risk: ml-risk)");
        assertThat(sign(h, Identity.user("alice"), "I own the model"))
                .as("model-owner is a role of the endpoint, but this gate does not require it")
                .isPresent();
    }

    @Test
    void whoSignedForWhichRoleSurvivesARestartAndTheGateSettlesTheSame() throws PolicyException {
        Harness h = start("alice").runFor(Duration.ofMinutes(21));
        sign(h, ERIN_IN_BOTH, "both hats on");
        String saved = RolloutStateCodec.write(h.state());
        RolloutState restored = RolloutStateCodec.read(saved);
        assertThat(restored).isEqualTo(h.state());
        assertThat(restored.gate().signatures())
                .extracting(Signature::roles)
                .containsExactly(List.of("platform", "risk"));

        h = h.resumeFrom(saved);
        sign(h, DAVE_IN_PLATFORM, "capacity fine");
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.events(RolloutEvent.GateSettled.class).get(0).outcome()).contains("platform: dave; risk: erin");
    }
}
