package io.mlrollout.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.policy.TiersSection;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import io.mlrollout.core.signoff.ResponsibilityMatrix.Role;
import io.mlrollout.core.signoff.RoleQuorum;
import io.mlrollout.core.signoff.SignOffRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Facts, tier rules in CEL and endpoint floors: parsing, choosing and applying, without a rollout. */
class TiersTest {

    static final String TIERED = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true}
            signOff: {approvers: [alice, ml-risk], quorum: 2}
            facts: {changeType: string, evalDelta: double, featuresChanged: bool}
            tiers:
              - {name: minor, when: "changeType == 'retrain' && !featuresChanged && evalDelta >= -0.005", signOff: none}
              - {name: major, when: "true", signOff: {roles: {risk: 1, platform: 1}}}
            """;

    static final String ARCHITECTURE_NEEDS_RISK = """
            facts: {changeType: string}
            floors:
              - {when: "changeType == 'architecture'", signOff: {roles: {risk: 1}}}
            """;

    static Map<String, Object> facts(Object changeType, Object evalDelta, Object featuresChanged) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("changeType", changeType);
        facts.put("evalDelta", evalDelta);
        facts.put("featuresChanged", featuresChanged);
        return facts;
    }

    private static TierDecision decide(String policy, String floors, Map<String, ?> facts) throws PolicyException {
        return TierChooser.decide(PolicyParser.parse(policy).tiers(), TiersSection.endpointFloors(floors), facts)
                .orElseThrow();
    }

    private static Iterable<String> errors(ThrowingCall call) {
        try {
            call.run();
        } catch (PolicyException e) {
            return e.errors().stream().map(PolicyError::toString).toList();
        }
        throw new AssertionError("expected the input to be refused");
    }

    interface ThrowingCall {
        void run() throws PolicyException;
    }

    @Test
    void aRetrainWithinTheEvalBoundIsAutoApprovedByTheFirstTier() throws PolicyException {
        TierDecision decision = decide(TIERED, "", facts("retrain", 0.001, false));

        assertThat(decision.tier()).isEqualTo("minor");
        assertThat(decision.autoApproved()).isTrue();
        assertThat(decision.summary())
                .isEqualTo("tier minor: auto-approved by rule tiers[0] on facts"
                        + " {changeType=retrain, evalDelta=0.001, featuresChanged=false}");
    }

    @Test
    void theFirstMatchingTierWinsAndFactsStatedAsTextAreTyped() throws PolicyException {
        TierDecision decision = decide(TIERED, "", facts("retrain", "-0.02", "false"));

        assertThat(decision.tier()).isEqualTo("major");
        assertThat(decision.rule()).isEqualTo("tiers[1]");
        assertThat(decision.autoApproved()).isFalse();
        assertThat(decision.summary())
                .startsWith("tier major: sign-off by roles {risk=1, platform=1} by rule tiers[1]");
    }

    @Test
    void anEndpointFloorOverridesATierThatWaivesSignOffs() throws PolicyException {
        String lenient = TIERED.replace("changeType == 'retrain' && ", "");
        TierDecision decision = decide(lenient, ARCHITECTURE_NEEDS_RISK, facts("architecture", 0.0, false));

        assertThat(decision.tier()).isEqualTo("minor");
        assertThat(decision.autoApproved()).isFalse();
        assertThat(decision.floorRoles()).containsExactly(Map.entry("risk", 1));
        assertThat(decision.summary())
                .contains("tier minor: auto-approved by rule tiers[0]")
                .contains("endpoint floor floors[0] requires roles {risk=1}, which the pipeline cannot lower")
                .endsWith("so a gate waits for roles {risk=1}");

        Policy applied = TierChooser.apply(PolicyParser.parse(lenient), decision);
        assertThat(applied.signOff().orElseThrow().roles()).containsExactly(Map.entry("risk", 1));
        assertThat(applied.signOff().orElseThrow().approvers())
                .as("the tier waived the policy's own approvers; only the floor's role waits")
                .isEmpty();
        assertThat(applied.stage(1).signOff()).isTrue();
    }

    @Test
    void aFloorOnAPolicyWithoutASignOffSectionKeepsTheEndpointsMinimumQuorum() throws PolicyException {
        // The sign-off section the floor adds states no quorum, so the endpoint's minimum applies, not a quorum of 1
        // that the endpoint would refuse as below it.
        String unsigned = TIERED.replace("signOff: {approvers: [alice, ml-risk], quorum: 2}\n", "")
                .replace("changeType == 'retrain' && ", "");
        Map<String, Role> roles = new LinkedHashMap<>();
        roles.put("risk", new Role(List.of("ml-risk", "carol"), List.of(), 0));
        EndpointSignOffBounds endpoint =
                new EndpointSignOffBounds(List.of("alice", "bob"), 2, false, new ResponsibilityMatrix(roles));

        Policy applied = TierChooser.apply(
                PolicyParser.parse(unsigned),
                decide(unsigned, ARCHITECTURE_NEEDS_RISK, facts("architecture", 0.0, false)));

        SignOffRules rules = SignOffRules.effective(applied, endpoint).orElseThrow();
        assertThat(rules.quorum()).isEqualTo(2);
        assertThat(rules.roles()).extracting(RoleQuorum::role).containsExactly("risk");
    }

    @Test
    void aFloorOnAPolicyWithoutASignOffSectionKeepsTheEndpointsSelfApproval() throws PolicyException {
        // Without a signOff section the endpoint's self-approval setting applies; the section a floor or a tier's
        // roles add must not turn it off, since the policy as written never said so.
        String unsigned = TIERED.replace("signOff: {approvers: [alice, ml-risk], quorum: 2}\n", "")
                .replace("changeType == 'retrain' && ", "");
        Map<String, Role> roles = new LinkedHashMap<>();
        roles.put("risk", new Role(List.of("ml-risk", "carol"), List.of(), 0));
        roles.put("platform", new Role(List.of("platform-team"), List.of(), 0));
        EndpointSignOffBounds allowing =
                new EndpointSignOffBounds(List.of("alice"), 1, true, new ResponsibilityMatrix(roles));
        Policy written = PolicyParser.parse(unsigned);
        assertThat(SignOffRules.effective(written, allowing).orElseThrow().allowSelfApproval())
                .isTrue();

        Policy floored = TierChooser.apply(
                written, decide(unsigned, ARCHITECTURE_NEEDS_RISK, facts("architecture", 0.0, false)));
        Policy major = TierChooser.apply(written, decide(unsigned, "", facts("config", 0.0, true)));

        assertThat(SignOffRules.effective(floored, allowing).orElseThrow().allowSelfApproval())
                .as("a floor's roles on a tier that waived sign-offs")
                .isTrue();
        assertThat(SignOffRules.effective(major, allowing).orElseThrow().allowSelfApproval())
                .as("a tier's roles")
                .isTrue();
    }

    @Test
    void aFloorThatDoesNotHoldLeavesTheTierAlone() throws PolicyException {
        TierDecision decision = decide(TIERED, ARCHITECTURE_NEEDS_RISK, facts("retrain", 0.0, false));

        assertThat(decision.floors()).isEmpty();
        assertThat(decision.autoApproved()).isTrue();
        Policy applied = TierChooser.apply(PolicyParser.parse(TIERED), decision);
        assertThat(applied.signOff()).isEmpty();
        assertThat(applied.stages()).noneMatch(s -> s.signOff());
        assertThat(applied.promote().signOff()).isFalse();
    }

    @Test
    void aRolesTierKeepsThePolicysApproversAndAddsTheRoles() throws PolicyException {
        Policy policy = PolicyParser.parse(TIERED);
        Policy applied = TierChooser.apply(policy, decide(TIERED, "", facts("config", 0.0, false)));

        assertThat(applied.signOff().orElseThrow().approvers()).containsExactly("alice", "ml-risk");
        assertThat(applied.signOff().orElseThrow().quorum()).isEqualTo(2);
        assertThat(applied.signOff().orElseThrow().roles())
                .containsExactly(Map.entry("risk", 1), Map.entry("platform", 1));
        assertThat(applied.stage(1).signOff()).isTrue();
    }

    @Test
    void rolesOnAPolicyWithoutGatesAddAGateBeforePromotion() throws PolicyException {
        String ungated = TIERED.replace(", signOff: true}", "}");
        Policy applied =
                TierChooser.apply(PolicyParser.parse(ungated), decide(ungated, "", facts("config", 0.0, false)));

        assertThat(applied.promote().signOff()).isTrue();
    }

    @Test
    void aDoubleFactComparesWithAWholeNumberAsWrittenInARule() throws PolicyException {
        String whole = TIERED.replace("evalDelta >= -0.005", "evalDelta >= 0 && evalDelta < 1");

        assertThat(decide(whole, "", facts("retrain", 0.5, false)).tier()).isEqualTo("minor");
        assertThat(decide(whole, "", facts("retrain", -0.5, false)).tier()).isEqualTo("major");
    }

    @Test
    void aRuleWithATypoIsRefusedWhenThePolicyIsReadWithItsPath() {
        String typo = TIERED.replace("evalDelta >= -0.005", "evalDleta >= -0.005");

        assertThat(errors(() -> PolicyParser.parse(typo)))
                .containsExactly("tiers[0].when: undeclared reference 'evalDleta'");
    }

    @Test
    void aRuleThatIsNotABoolOrDoesNotParseIsRefused() {
        String notBool = TIERED.replace("when: \"true\"", "when: \"evalDelta + 1.0\"");
        String broken = TIERED.replace("when: \"true\"", "when: \"changeType ==\"");

        assertThat(errors(() -> PolicyParser.parse(notBool)))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("tiers[1].when: ")
                .contains("bool")
                .contains("double");
        assertThat(errors(() -> PolicyParser.parse(broken)))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("tiers[1].when: ");
    }

    @Test
    void aRuleThatPassesTheCheckerAsDynButYieldsNoBoolIsRefusedWithItsPath() {
        String dynamic = TIERED.replace("when: \"true\"", "when: \"dyn(changeType)\"");

        assertThat(errors(() -> decide(dynamic, "", facts("config", 0.0, false))))
                .containsExactly("tiers[1].when: must yield a bool, but gave config for facts {changeType=config,"
                        + " evalDelta=0.0, featuresChanged=false}");
    }

    @Test
    void factsAndTiersAreCheckedLikeEveryOtherSection() {
        String bad = TIERED.replace("featuresChanged: bool}", "featuresChanged: boolean, in: string}")
                .replace("{name: major,", "{name: Major, signoff: none,");

        assertThat(errors(() -> PolicyParser.parse(bad)))
                .contains(
                        "facts.featuresChanged: 'boolean' is not a fact type; use one of string, double, int, bool",
                        "facts.in: 'in' is a reserved word of CEL; choose another fact name",
                        "tiers[1].name: 'Major' is not a tier name: use lower-case letters, digits and -")
                .anyMatch(e -> e.startsWith("tiers[1].signoff: "));
    }

    @Test
    void missingUndeclaredAndIllTypedFactsAreRefusedWithTheirNames() {
        Map<String, Object> facts = facts("retrain", "a lot", 1);
        facts.remove("changeType");
        facts.put("evalDleta", 0.1);

        assertThat(errors(() -> decide(TIERED, "", facts)))
                .containsExactlyInAnyOrder(
                        "facts.evalDleta: is not declared; declared facts: changeType, evalDelta, featuresChanged",
                        "facts.changeType: no value was stated; the pipeline must state this string",
                        "facts.evalDelta: 'a lot' is not a double",
                        "facts.featuresChanged: 1 is not a bool");
    }

    @Test
    void theEndpointsFloorsNeedTheirFactsEvenWhenThePolicyHasNoTiers() throws PolicyException {
        String plain = TIERED.substring(0, TIERED.indexOf("facts:"));

        assertThat(errors(() -> decide(plain, ARCHITECTURE_NEEDS_RISK, Map.of())))
                .containsExactly("facts.changeType: no value was stated; the pipeline must state this string");
        TierDecision decision = decide(plain, ARCHITECTURE_NEEDS_RISK, Map.of("changeType", "architecture"));
        assertThat(decision.summary()).startsWith("no tier: sign-offs as the policy writes them");
        assertThat(decision.floorRoles()).containsEntry("risk", 1);
    }

    @Test
    void aPolicyWithoutTiersSaysSoInItsOwnClauseOfTheLogLine() throws PolicyException {
        String plain = TIERED.substring(0, TIERED.indexOf("facts:"));

        TierDecision decision = decide(plain, ARCHITECTURE_NEEDS_RISK, Map.of("changeType", "architecture"));

        assertThat(decision.summary())
                .isEqualTo("no tier: sign-offs as the policy writes them (the policy has no tiers) on facts"
                        + " {changeType=architecture}; endpoint floor floors[0] requires roles {risk=1}, so a gate"
                        + " waits for roles {risk=1}");
    }

    @Test
    void aFactDeclaredWithTwoTypesIsRefused() {
        String floors = ARCHITECTURE_NEEDS_RISK
                .replace("{changeType: string}", "{changeType: string, evalDelta: int}")
                .replace("changeType == 'architecture'", "evalDelta > 0");

        assertThat(errors(() -> decide(TIERED, floors, facts("retrain", 0.0, false))))
                .containsExactly("facts.evalDelta: the policy declares double, the endpoint's floors read it as int;"
                        + " declare it as int");
    }

    @Test
    void factsWithNoTierThatMatchesAreRefused() {
        String noCatchAll = TIERED.replace("when: \"true\"", "when: \"changeType == 'architecture'\"");

        assertThat(errors(() -> decide(noCatchAll, "", facts("config", 0.0, false))))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("tiers: no tier matched facts {changeType=config");
    }

    @Test
    void aFloorRuleWithATypoIsRefusedWhenTheEndpointIsRead() {
        assertThatThrownBy(() -> TiersSection.endpointFloors(ARCHITECTURE_NEEDS_RISK.replace("== 'arch", "=== 'arch")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("floors[0].when:");
    }

    @Test
    void aPolicyWithoutTiersOrFactsDecidesNothing() throws PolicyException {
        String plain = TIERED.substring(0, TIERED.indexOf("facts:"));

        assertThat(TierChooser.decide(
                        PolicyParser.parse(plain).tiers(), io.mlrollout.core.tier.TierFloors.none(), Map.of()))
                .isEmpty();
    }
}
