package io.mlrollout.core.signoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.policy.SignOffPolicy.OnExpiry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignOffRulesTest {

    private static final String BASE = """
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%}
            """;

    private static final EndpointSignOffBounds RISK_TEAM =
            new EndpointSignOffBounds(List.of("ml-risk", "alice"), 2, false);

    @Test
    void aPolicyAddsApproversAndRaisesTheQuorum() throws Exception {
        SignOffRules rules = effective(
                        "signOff: {approvers: [bob, alice], quorum: 3, expires: 4h, onExpiry: hold}\n", RISK_TEAM)
                .orElseThrow();

        assertThat(rules)
                .isEqualTo(new SignOffRules(
                        List.of("ml-risk", "alice", "bob"), 3, false, Duration.ofHours(4), OnExpiry.HOLD));
    }

    @Test
    void aPolicyMayNotLowerTheEndpointsMinimumQuorum() {
        assertThat(refusals("signOff: {approvers: [bob], quorum: 1}\n", RISK_TEAM))
                .containsExactly(new PolicyError(
                        "signOff.quorum",
                        "1 is below the endpoint's minimum of 2; a pipeline may raise the quorum, never lower it"));
    }

    @Test
    void aSectionThatStatesNoQuorumTakesTheEndpointsMinimum() throws Exception {
        SignOffRules rules = effective("signOff: {approvers: [bob], expires: 4h}\n", RISK_TEAM)
                .orElseThrow();

        assertThat(rules.quorum()).isEqualTo(2);
        assertThat(rules.approvers()).containsExactly("ml-risk", "alice", "bob");
    }

    @Test
    void aSectionThatStatesNoQuorumIsToldToAddApproversWhenTheEndpointsMinimumCannotBeMet() {
        assertThat(refusals("signOff: {expires: 4h}\n", new EndpointSignOffBounds(List.of("alice"), 2, false)))
                .containsExactly(new PolicyError(
                        "signOff.approvers",
                        "the endpoint requires 2 approvals but the policy and the endpoint name only 1; add approvers"
                                + " in signOff.approvers"));
    }

    @Test
    void aPolicyMayNotAllowSelfApprovalTheEndpointForbids() {
        assertThat(refusals("signOff: {quorum: 2, allowSelfApproval: true}\n", RISK_TEAM))
                .containsExactly(new PolicyError(
                        "signOff.allowSelfApproval",
                        "the endpoint forbids self-approval; a pipeline may forbid it but not allow it"));
    }

    @Test
    void aPolicyMayForbidSelfApprovalTheEndpointAllows() throws Exception {
        EndpointSignOffBounds lenient = new EndpointSignOffBounds(List.of("alice", "bob"), 1, true);

        assertThat(effective("signOff: {allowSelfApproval: false}\n", lenient)
                        .orElseThrow()
                        .allowSelfApproval())
                .isFalse();
        assertThat(effective("signOff: {allowSelfApproval: true}\n", lenient)
                        .orElseThrow()
                        .allowSelfApproval())
                .isTrue();
    }

    @Test
    void withoutASectionTheEndpointsBoundsApply() throws Exception {
        assertThat(effective("", RISK_TEAM))
                .contains(new SignOffRules(
                        List.of("ml-risk", "alice"), 2, false, Duration.ofHours(24), OnExpiry.ROLLBACK));
        assertThat(effective("", new EndpointSignOffBounds(List.of("alice"), 0, true)))
                .contains(new SignOffRules(List.of("alice"), 1, true, Duration.ofHours(24), OnExpiry.ROLLBACK));
    }

    @Test
    void withNobodyNamedThereAreNoRules() throws Exception {
        assertThat(effective("", EndpointSignOffBounds.none())).isEmpty();
    }

    @Test
    void aStageSignOffNeedsApproversFromOneSideOrTheOther() throws Exception {
        String stageGate = BASE.replace("{weight: 25, bake: 10m}", "{weight: 25, bake: 10m, signOff: true}");

        assertThat(catchThrowableOfType(
                                PolicyException.class,
                                () -> SignOffRules.effective(
                                        PolicyParser.parse(stageGate), EndpointSignOffBounds.none()))
                        .errors())
                .containsExactly(
                        new PolicyError(
                                "stages[1].signOff",
                                "needs approvers, but neither the policy's signOff section nor the endpoint names any approvers"));
        assertThat(SignOffRules.effective(PolicyParser.parse(stageGate), RISK_TEAM))
                .isPresent();
    }

    @Test
    void onInconclusiveSignOffCountsTheEndpointsApprovers() throws Exception {
        String asksApprovers = "analysis: {onInconclusive: signOff}\n";

        assertThat(refusals(asksApprovers, EndpointSignOffBounds.none()))
                .containsExactly(new PolicyError(
                        "analysis.onInconclusive",
                        "signOff needs approvers, but neither the policy's signOff section nor the endpoint names any"
                                + " approvers"));
        assertThat(effective(asksApprovers, RISK_TEAM)).isPresent();
    }

    @Test
    void aSectionWithoutApproversNeedsTheEndpointsApprovers() {
        assertThat(refusals("signOff: {quorum: 1}\n", EndpointSignOffBounds.none()))
                .containsExactly(new PolicyError(
                        "signOff.approvers",
                        "no approvers: neither the policy's signOff section nor the endpoint names any approvers"));
    }

    @Test
    void aQuorumLargerThanAllApproversTogetherIsRefused() {
        assertThat(refusals("signOff: {quorum: 3}\n", RISK_TEAM))
                .containsExactly(new PolicyError(
                        "signOff.quorum", "3 is more than the 2 approvers of the policy and the endpoint together"));
    }

    @Test
    void anEndpointThatRequiresApprovalsButNamesTooFewApproversIsReported() {
        assertThat(refusals("", new EndpointSignOffBounds(List.of(), 2, false)))
                .containsExactly(new PolicyError(
                        "signOff.approvers",
                        "the endpoint requires 2 approvals but names no approvers; list them in signOff.approvers"));
        assertThat(refusals("", new EndpointSignOffBounds(List.of("alice"), 2, false)))
                .containsExactly(new PolicyError(
                        "signOff.approvers",
                        "the endpoint requires 2 approvals but names only 1; add approvers in signOff.approvers"));
    }

    @Test
    void aPolicyMayNotSkipThePromotionSignOffTheEndpointRequires() throws Exception {
        assertThat(refusals("promote: {signOff: false}\n", RISK_TEAM))
                .containsExactly(new PolicyError(
                        "promote.signOff",
                        "the endpoint requires a sign-off of at least 2 before promotion; a pipeline may not turn it"
                                + " off"));
        EndpointSignOffBounds optional = new EndpointSignOffBounds(List.of("alice"), 0, false);
        assertThat(effective("promote: {signOff: false}\n", optional)).isPresent();
    }

    @Test
    void allConflictsAreReportedTogether() {
        assertThat(refusals(
                        "signOff: {approvers: [bob], quorum: 1, allowSelfApproval: true}\npromote: {signOff: false}\n",
                        RISK_TEAM))
                .extracting(PolicyError::path)
                .containsExactly("signOff.quorum", "signOff.allowSelfApproval", "promote.signOff");
    }

    @Test
    void rulesAndBoundsSurviveJavaSerialization() throws Exception {
        SignOffRules rules =
                new SignOffRules(List.of("alice", "ml-risk"), 2, false, Duration.ofHours(24), OnExpiry.ROLLBACK);

        assertThat(Serialization.roundTrip(rules)).isEqualTo(rules);
        assertThat(Serialization.roundTrip(RISK_TEAM)).isEqualTo(RISK_TEAM);
    }

    private static java.util.Optional<SignOffRules> effective(String extra, EndpointSignOffBounds endpoint)
            throws PolicyException {
        return SignOffRules.effective(policy(extra), endpoint);
    }

    private static List<PolicyError> refusals(String extra, EndpointSignOffBounds endpoint) {
        Policy policy = policy(extra);
        PolicyException refused =
                catchThrowableOfType(PolicyException.class, () -> SignOffRules.effective(policy, endpoint));
        assertThat(refused).as("the combination should be refused").isNotNull();
        return refused.errors();
    }

    private static Policy policy(String extra) {
        try {
            return PolicyParser.parse(BASE + extra);
        } catch (PolicyException e) {
            throw new AssertionError("the test policy itself is invalid: " + e.getMessage(), e);
        }
    }
}
