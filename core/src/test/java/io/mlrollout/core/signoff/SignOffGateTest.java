package io.mlrollout.core.signoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.policy.SignOffPolicy.OnExpiry;
import io.mlrollout.core.signoff.Settlement.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignOffGateTest {

    private static final Instant OPENED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant LATER = OPENED.plus(Duration.ofMinutes(5));
    private static final Instant EXPIRY = OPENED.plus(Duration.ofHours(24));
    private static final String STARTER = "carol";

    private static final SignOffRules RULES =
            new SignOffRules(List.of("alice", "bob", "ml-risk"), 2, false, Duration.ofHours(24), OnExpiry.ROLLBACK);
    private static final SignOffRules SELF_ALLOWED =
            new SignOffRules(List.of("alice", "bob", "ml-risk"), 2, true, Duration.ofHours(24), OnExpiry.ROLLBACK);

    private static final Identity ALICE = Identity.user("alice");
    private static final Identity BOB = Identity.user("bob");
    private static final Identity CAROL_IN_RISK = new Identity("carol", Set.of("ml-risk"), false);
    private static final Identity DAVE_IN_RISK = new Identity("dave", Set.of("ml-risk"), false);
    private static final Identity EVE = Identity.user("eve");
    private static final Identity ROOT = new Identity("root", Set.of("admins"), true);

    private final SignOffGate gate = SignOffGate.open("stage 2/3 (25%)", RULES, OPENED);

    @Test
    void aNewGateIsOpenUntilItsRulesExpire() {
        assertThat(gate.isOpen()).isTrue();
        assertThat(gate.purpose()).isEqualTo("stage 2/3 (25%)");
        assertThat(gate.openedAt()).isEqualTo(OPENED);
        assertThat(gate.expiresAt()).isEqualTo(EXPIRY);
        assertThat(gate.signatures()).isEmpty();
        assertThat(gate.settlement()).isEmpty();
    }

    @Test
    void anApproverByIdMayApproveWithAComment() {
        SignOffGate signed = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "p99 looks fine", LATER, STARTER));

        assertThat(signed.signatures())
                .containsExactly(new Signature("alice", Decision.APPROVE, "p99 looks fine", LATER));
        assertThat(signed.approvals()).isEqualTo(1);
        assertThat(signed.isOpen()).isTrue();
        assertThat(gate.signatures()).as("the original gate is unchanged").isEmpty();
    }

    @Test
    void aMemberOfAnApproverGroupMayApprove() {
        SignOffGate signed = accepted(gate.sign(RULES, DAVE_IN_RISK, Decision.APPROVE, "ok", LATER, STARTER));

        assertThat(signed.approvals()).isEqualTo(1);
    }

    @Test
    void theQuorumOfDifferentPeopleSettlesTheGateAsApproved() {
        SignOffGate once = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", LATER, STARTER));
        SignOffGate twice = accepted(once.sign(RULES, BOB, Decision.APPROVE, "agreed", LATER.plusSeconds(1), STARTER));

        assertThat(twice.isOpen()).isFalse();
        assertThat(twice.settlement())
                .contains(new Settlement(Outcome.APPROVED, LATER.plusSeconds(1), "approved by alice, bob (quorum 2)"));
        assertThat(twice.settlement().orElseThrow().outcome().letsThrough()).isTrue();
    }

    @Test
    void twoMembersOfOneGroupCountAsTwoPeople() {
        SignOffGate once = accepted(gate.sign(RULES, DAVE_IN_RISK, Decision.APPROVE, "ok", LATER, "zed"));
        SignOffGate twice = accepted(once.sign(RULES, CAROL_IN_RISK, Decision.APPROVE, "ok", LATER, "zed"));

        assertThat(twice.settlement().orElseThrow().outcome()).isEqualTo(Outcome.APPROVED);
    }

    @Test
    void someoneWhoIsNotAnApproverIsRefused() {
        assertThat(refusal(gate.sign(RULES, EVE, Decision.APPROVE, "looks good", LATER, STARTER)))
                .isEqualTo("eve is not one of the approvers (alice, bob, ml-risk)");
        assertThat(refusal(gate.sign(RULES, EVE, Decision.REJECT, "no", LATER, STARTER)))
                .isEqualTo("eve is not one of the approvers (alice, bob, ml-risk); to stop the rollout, abort the build"
                        + " or roll back");
    }

    @Test
    void anApprovalWithoutACommentIsRefused() {
        String expected = "an approval needs a comment: it is the decision record";
        assertThat(refusal(gate.sign(RULES, ALICE, Decision.APPROVE, null, LATER, STARTER)))
                .isEqualTo(expected);
        assertThat(refusal(gate.sign(RULES, ALICE, Decision.APPROVE, "  \n", LATER, STARTER)))
                .isEqualTo(expected);
    }

    @Test
    void theStarterMayNotApproveUnlessSelfApprovalIsAllowed() {
        assertThat(refusal(gate.sign(RULES, CAROL_IN_RISK, Decision.APPROVE, "mine, fine", LATER, STARTER)))
                .isEqualTo("carol started this rollout and may not approve it (self-approval is not allowed); they may"
                        + " reject it");
        assertThat(accepted(gate.sign(SELF_ALLOWED, CAROL_IN_RISK, Decision.APPROVE, "mine, fine", LATER, STARTER))
                        .approvals())
                .isEqualTo(1);
    }

    @Test
    void theStarterMayReject() {
        SignOffGate rejected =
                accepted(gate.sign(RULES, CAROL_IN_RISK, Decision.REJECT, "I saw a bug", LATER, STARTER));

        assertThat(rejected.settlement())
                .contains(new Settlement(Outcome.REJECTED, LATER, "rejected by carol: I saw a bug"));
    }

    @Test
    void aRejectionByAnApproverSettlesTheGateAtOnceEvenAfterApprovals() {
        SignOffGate approvedOnce = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", LATER, STARTER));
        SignOffGate rejected = accepted(approvedOnce.sign(RULES, BOB, Decision.REJECT, "", LATER, STARTER));

        assertThat(rejected.settlement()).contains(new Settlement(Outcome.REJECTED, LATER, "rejected by bob"));
        assertThat(rejected.settlement().orElseThrow().outcome().letsThrough()).isFalse();
        assertThat(rejected.signatures())
                .extracting(Signature::decision)
                .containsExactly(Decision.APPROVE, Decision.REJECT);
    }

    @Test
    void aRefusalQuotesTheEarlierSignaturesTimeToTheSecond() {
        Instant signedAt = LATER.plusNanos(364_150_776);
        SignOffGate once = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", signedAt, STARTER));

        assertThat(refusal(once.sign(RULES, ALICE, Decision.APPROVE, "again", LATER.plusSeconds(1), STARTER)))
                .isEqualTo("alice already signed (approve at 2026-03-01T10:05:00Z); each person signs once");
    }

    @Test
    void eachPersonSignsOnceWhateverTheSpellingOfTheirId() {
        SignOffGate once = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", LATER, STARTER));

        String again = "alice already signed (approve at " + LATER + "); each person signs once";
        assertThat(refusal(once.sign(RULES, ALICE, Decision.APPROVE, "again", LATER, STARTER)))
                .isEqualTo(again);
        assertThat(refusal(
                        once.sign(RULES, Identity.user("ALICE"), Decision.REJECT, "changed my mind", LATER, STARTER)))
                .isEqualTo(again.replaceFirst("alice", "ALICE"));
    }

    @Test
    void idsAndGroupsCompareCaseInsensitivelyByDefault() {
        assertThat(accepted(gate.sign(RULES, Identity.user("Alice"), Decision.APPROVE, "ok", LATER, STARTER))
                        .approvals())
                .isEqualTo(1);
        Identity shouting = new Identity("frank", Set.of("ML-RISK"), false);
        assertThat(accepted(gate.sign(RULES, shouting, Decision.APPROVE, "ok", LATER, STARTER))
                        .approvals())
                .isEqualTo(1);
        assertThat(refusal(gate.sign(RULES, Identity.user("alice"), Decision.APPROVE, "ok", LATER, "ALICE")))
                .startsWith("alice started this rollout");
    }

    @Test
    void aCaseSensitiveRealmCanBeInjected() {
        ApproverMatcher exact = new ApproverMatcher(IdMatching.CASE_SENSITIVE, IdMatching.CASE_SENSITIVE);

        assertThat(refusal(gate.sign(RULES, Identity.user("Alice"), Decision.APPROVE, "ok", LATER, STARTER, exact)))
                .isEqualTo("Alice is not one of the approvers (alice, bob, ml-risk)");
        assertThat(accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", LATER, "Alice", exact))
                        .approvals())
                .as("Alice and alice are different people to this realm, so alice is not the starter")
                .isEqualTo(1);
    }

    @Test
    void anAdministratorOverridesAndTheRecordSaysSo() {
        SignOffGate overridden =
                accepted(gate.sign(RULES, ROOT, Decision.OVERRIDE, "incident 4711, approvers away", LATER, STARTER));

        assertThat(overridden.settlement())
                .contains(
                        new Settlement(Outcome.OVERRIDDEN, LATER, "overridden by root: incident 4711, approvers away"));
        assertThat(overridden.settlement().orElseThrow().outcome().letsThrough())
                .isTrue();
        assertThat(overridden.signatures()).extracting(Signature::decision).containsExactly(Decision.OVERRIDE);
        assertThat(overridden.approvals()).isZero();
    }

    @Test
    void anOverrideNeedsAnAdministratorAndAComment() {
        assertThat(refusal(gate.sign(RULES, ALICE, Decision.OVERRIDE, "hurry", LATER, STARTER)))
                .isEqualTo("only an administrator may override a sign-off");
        assertThat(refusal(gate.sign(RULES, ROOT, Decision.OVERRIDE, " ", LATER, STARTER)))
                .isEqualTo("an override needs a comment: it is the decision record");
    }

    @Test
    void anAdministratorWhoIsNotAnApproverHasNoSilentApprovalPower() {
        assertThat(refusal(gate.sign(RULES, ROOT, Decision.APPROVE, "fine by me", LATER, STARTER)))
                .isEqualTo("root is not one of the approvers (alice, bob, ml-risk); as an administrator you may"
                        + " override instead, which is recorded as an override");
    }

    @Test
    void theStarterMayNotOverrideTheirOwnGateUnlessSelfApprovalIsAllowed() {
        assertThat(refusal(gate.sign(RULES, ROOT, Decision.OVERRIDE, "just ship it", LATER, "root")))
                .isEqualTo("root started this rollout and may not override its sign-off (self-approval is not"
                        + " allowed)");
        assertThat(accepted(gate.sign(SELF_ALLOWED, ROOT, Decision.OVERRIDE, "just ship it", LATER, "root"))
                        .isOpen())
                .isFalse();
    }

    @Test
    void aSettledGateRefusesEveryFurtherSignature() {
        SignOffGate rejected = accepted(gate.sign(RULES, ALICE, Decision.REJECT, "no", LATER, STARTER));

        for (Decision decision : Decision.values()) {
            assertThat(refusal(rejected.sign(
                            RULES, decision == Decision.OVERRIDE ? ROOT : BOB, decision, "x", LATER, STARTER)))
                    .isEqualTo("the sign-off for stage 2/3 (25%) is already settled: rejected by alice: no");
        }
    }

    @Test
    void anExpiredGateRefusesSignaturesFromItsExpiryOn() {
        assertThat(accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", EXPIRY.minusMillis(1), STARTER))
                        .approvals())
                .isEqualTo(1);
        assertThat(refusal(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", EXPIRY, STARTER)))
                .isEqualTo("the sign-off for stage 2/3 (25%) expired at 2026-03-02T10:00:00Z");
        assertThat(refusal(gate.sign(RULES, ROOT, Decision.OVERRIDE, "late", EXPIRY.plusSeconds(60), STARTER)))
                .startsWith("the sign-off for stage 2/3 (25%) expired");
    }

    @Test
    void expireSettlesAnOpenGateOnlyOnceItsTimeHasPassed() {
        SignOffGate once = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", LATER, STARTER));

        assertThat(once.expire(EXPIRY.minusMillis(1))).isSameAs(once);
        SignOffGate expired = once.expire(EXPIRY.plusSeconds(30));
        assertThat(expired.settlement())
                .contains(new Settlement(Outcome.EXPIRED, EXPIRY, "expired at 2026-03-02T10:00:00Z with 1 approval"));
        assertThat(expired.settlement().orElseThrow().outcome().letsThrough()).isFalse();
        assertThat(refusal(expired.sign(RULES, BOB, Decision.APPROVE, "ok", LATER, STARTER)))
                .startsWith("the sign-off for stage 2/3 (25%) is already settled: expired at");
    }

    @Test
    void expireLeavesASettledGateAlone() {
        SignOffGate rejected = accepted(gate.sign(RULES, ALICE, Decision.REJECT, "no", LATER, STARTER));

        assertThat(rejected.expire(EXPIRY.plusSeconds(1))).isSameAs(rejected);
    }

    @Test
    void aGateNeedsSomeTimeToStayOpen() {
        assertThatThrownBy(() -> SignOffGate.open("promotion", OPENED, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGateSurvivesJavaSerializationOpenAndSettled() throws Exception {
        SignOffGate once = accepted(gate.sign(RULES, ALICE, Decision.APPROVE, "ok", LATER, STARTER));
        SignOffGate settled = accepted(once.sign(RULES, DAVE_IN_RISK, Decision.APPROVE, "ok", LATER, STARTER));

        SignOffGate openCopy = Serialization.roundTrip(once);
        SignOffGate settledCopy = Serialization.roundTrip(settled);

        assertThat(openCopy).isEqualTo(once).isNotSameAs(once);
        assertThat(settledCopy).isEqualTo(settled);
        assertThat(settledCopy.settlement()).isEqualTo(settled.settlement());
        // The copy keeps working: signing the restored open gate reaches the quorum.
        assertThat(accepted(openCopy.sign(RULES, BOB, Decision.APPROVE, "ok", LATER, STARTER))
                        .isOpen())
                .isFalse();
        assertThat(Serialization.roundTrip(DAVE_IN_RISK)).isEqualTo(DAVE_IN_RISK);
    }

    private static SignOffGate accepted(SignResult result) {
        assertThat(result).isInstanceOf(SignResult.Accepted.class);
        return ((SignResult.Accepted) result).gate();
    }

    private static String refusal(SignResult result) {
        assertThat(result).isInstanceOf(SignResult.Refused.class);
        return ((SignResult.Refused) result).reason();
    }
}
