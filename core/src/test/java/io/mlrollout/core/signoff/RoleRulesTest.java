package io.mlrollout.core.signoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.signoff.ResponsibilityMatrix.Role;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sign-off requirements by role: the endpoint's responsibility matrix combined with a policy's signOff.roles. */
class RoleRulesTest {

    private static final String BASE = """
            stages:
              - {weight: 5, bake: 10m, signOff: true}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%}
            """;
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    /** platform needs one approval at every gate; risk only when a policy asks. */
    private static EndpointSignOffBounds endpoint() {
        Map<String, Role> roles = new LinkedHashMap<>();
        roles.put("platform", new Role(List.of("platform-team"), List.of("oncall@example.com"), 1));
        roles.put("risk", new Role(List.of("ml-risk", "carol"), List.of("risk-lead"), 0));
        roles.put("data-owner", new Role(List.of(), List.of("data-gov@example.com"), 0));
        return new EndpointSignOffBounds(List.of("alice"), 0, false, new ResponsibilityMatrix(roles));
    }

    @Test
    void theEndpointsRoleFloorAppliesWithoutASignOffSection() throws Exception {
        SignOffRules rules = SignOffRules.effective(policy(""), endpoint()).orElseThrow();

        assertThat(rules.roles())
                .containsExactly(
                        new RoleQuorum("platform", List.of("platform-team"), 1, List.of("oncall@example.com")));
        assertThat(rules.quorum()).isEqualTo(1);
    }

    @Test
    void theSignersAreTheApproversThenTheRequiredRolesMembersEachOnce() throws Exception {
        SignOffRules rules = SignOffRules.effective(
                        policy("signOff: {approvers: [bob, carol], roles: {risk: 1}}\n"), endpoint())
                .orElseThrow();

        assertThat(rules.signerNames()).containsExactly("alice", "bob", "carol", "platform-team", "ml-risk");
    }

    @Test
    void aPolicyAddsRolesAndTheQuorumGrowsToOnePersonPerSeat() throws Exception {
        SignOffRules rules = SignOffRules.effective(policy("signOff: {roles: {risk: 2}}\n"), endpoint())
                .orElseThrow();

        assertThat(rules.roles())
                .extracting(RoleQuorum::role, RoleQuorum::quorum)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("platform", 1),
                        org.assertj.core.groups.Tuple.tuple("risk", 2));
        assertThat(rules.quorum())
                .as("three different people: one person counts for one role")
                .isEqualTo(3);
        assertThat(rules.approvers()).containsExactly("alice");
    }

    @Test
    void aPolicyMayNotLowerARolesFloorNorNameARoleTheEndpointLacks() {
        Map<String, Role> roles = new LinkedHashMap<>();
        roles.put("platform", new Role(List.of("platform-team"), List.of(), 2));
        roles.put("risk", new Role(List.of("ml-risk"), List.of(), 0));
        EndpointSignOffBounds strict = new EndpointSignOffBounds(List.of(), 0, false, new ResponsibilityMatrix(roles));

        assertThat(refusals("signOff: {roles: {platform: 1, rsk: 1}}\n", strict))
                .extracting(PolicyError::toString)
                .containsExactly(
                        "signOff.roles.rsk: 'rsk' is not a role of this endpoint; did you mean risk?; its roles are"
                                + " platform, risk",
                        "signOff.roles.platform: 1 is below the endpoint's minimum of 2 for platform; a pipeline may"
                                + " raise a role's quorum, never lower it");
    }

    @Test
    void aRoleWithoutMembersCannotBeRequired() {
        assertThat(refusals("signOff: {roles: {data-owner: 1}}\n", endpoint()))
                .extracting(PolicyError::path)
                .containsExactly("signOff.roles.data-owner");
    }

    @Test
    void anEndpointWithoutRolesSaysSo() {
        assertThat(refusals("signOff: {approvers: [bob], roles: {risk: 1}}\n", EndpointSignOffBounds.none()))
                .extracting(PolicyError::message)
                .singleElement()
                .satisfies(message -> assertThat(message).contains("the endpoint defines no roles"));
    }

    @Test
    void aPolicyMayNotSkipThePromotionSignOffAnEndpointsRoleRequires() {
        assertThat(refusals("promote: {signOff: false}\n", endpoint()))
                .extracting(PolicyError::toString)
                .containsExactly("promote.signOff: the endpoint requires sign-offs by role (platform 1) before"
                        + " promotion; a pipeline may not turn it off");
    }

    @Test
    void roleQuorumsInThePolicyAreCheckedByTheParser() {
        PolicyException refused = catchThrowableOfType(
                PolicyException.class,
                () -> PolicyParser.parse(BASE + "signOff: {roles: {risk: 0, Platform: 1, ok: yes}}\n"));

        assertThat(refused.errors())
                .extracting(PolicyError::toString)
                .containsExactlyInAnyOrder(
                        "signOff.roles.risk: must be at least 1, got 0",
                        "signOff.roles.Platform: 'Platform' is not a role name: use lower-case letters, digits and -",
                        "signOff.roles.ok: expected a whole number, got the text 'yes'");
        assertThat(catchThrowableOfType(
                                PolicyException.class, () -> PolicyParser.parse(BASE + "signOff: {roles: [risk]}\n"))
                        .errors())
                .extracting(PolicyError::toString)
                .containsExactly("signOff.roles: got a list; expected a mapping of role names to quorums, e.g."
                        + " {risk: 1, platform: 1}");
    }

    @Test
    void aRejectionByARoleHolderSettlesTheGateAndRecordsTheirRoles() throws Exception {
        SignOffRules rules = SignOffRules.effective(policy("signOff: {roles: {risk: 1}}\n"), endpoint())
                .orElseThrow();
        SignOffGate gate = SignOffGate.open("stage 1/1 (5%)", rules, NOW);

        SignResult result = gate.sign(
                rules, new Identity("carol", Set.of(), false), Decision.REJECT, "bias report missing", NOW, "alice");

        SignOffGate rejected = ((SignResult.Accepted) result).gate();
        assertThat(rejected.settlement().orElseThrow().outcome()).isEqualTo(Settlement.Outcome.REJECTED);
        assertThat(rejected.signatures().get(0).roles()).containsExactly("risk");
    }

    @Test
    void theMatrixRefusesBadRoleNamesAndGivesEscalationContactsInItsOrder() {
        assertThatThrownBy(() -> new ResponsibilityMatrix(Map.of("Risk Team", new Role(List.of("x"), List.of(), 0))))
                .hasMessageContaining("'Risk Team' is not a role name");
        assertThat(endpoint().matrix().escalationFor(Set.of("risk", "platform")))
                .containsExactly("oncall@example.com", "risk-lead");
    }

    @Test
    void rulesBoundsAndGatesWithRolesSurviveJavaSerialization() throws Exception {
        SignOffRules rules = SignOffRules.effective(policy("signOff: {roles: {risk: 1}}\n"), endpoint())
                .orElseThrow();
        SignOffGate gate = ((SignResult.Accepted) SignOffGate.open("stage 1/1 (5%)", rules, NOW)
                        .sign(
                                rules,
                                new Identity("dave", Set.of("platform-team"), false),
                                Decision.APPROVE,
                                "ok",
                                NOW,
                                "alice"))
                .gate();

        assertThat(Serialization.roundTrip(rules)).isEqualTo(rules);
        assertThat(Serialization.roundTrip(endpoint())).isEqualTo(endpoint());
        assertThat(Serialization.roundTrip(gate)).isEqualTo(gate);
        GateTally tally = gate.tally(rules, ApproverMatcher.CASE_INSENSITIVE);
        assertThat(tally.waitingFor()).isEqualTo("waiting for: platform 1/1, risk 0/1");
        assertThat(rules.escalationFor(tally.rolesShort()))
                .as("whom a notifier tells when the gate waits too long: risk's contacts only")
                .containsExactly("risk-lead");
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
