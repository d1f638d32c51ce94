package io.mlrollout.core.signoff;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.signoff.Settlement.Outcome;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One point where a rollout waits for people: the signatures so far and, once settled, the settlement. Immutable and
 * serializable, so a rollout's state can hold it across a controller restart; every accepted signature returns a new
 * gate. Who may sign is decided by {@link #sign}; time is always passed in, never read from a clock.
 */
@JsonAutoDetect(
        fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class SignOffGate implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String purpose;
    private final Instant openedAt;
    private final Instant expiresAt;
    private final List<Signature> signatures;
    /** Null while the gate is open. */
    private final Settlement settlement;

    @JsonCreator // the rollout state is kept as JSON, so a gate is read back through its fields
    private SignOffGate(
            @JsonProperty("purpose") String purpose,
            @JsonProperty("openedAt") Instant openedAt,
            @JsonProperty("expiresAt") Instant expiresAt,
            @JsonProperty("signatures") List<Signature> signatures,
            @JsonProperty("settlement") Settlement settlement) {
        this.purpose = Objects.requireNonNull(purpose, "purpose");
        this.openedAt = Objects.requireNonNull(openedAt, "openedAt");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.signatures = List.copyOf(signatures);
        this.settlement = settlement;
    }

    /**
     * Opens a gate that expires after the rules' {@code expires}.
     *
     * @param purpose what is being signed for, in words, e.g. {@code stage 2/3 (25%)} or {@code promotion}
     */
    public static SignOffGate open(String purpose, SignOffRules rules, Instant now) {
        return open(purpose, now, rules.expires());
    }

    public static SignOffGate open(String purpose, Instant now, Duration expiresAfter) {
        if (expiresAfter.isNegative() || expiresAfter.isZero()) {
            throw new IllegalArgumentException("a gate must stay open for some time, got " + expiresAfter);
        }
        return new SignOffGate(purpose, now, now.plus(expiresAfter), List.of(), null);
    }

    /** {@link #sign(SignOffRules, Identity, Decision, String, Instant, String, ApproverMatcher)} with ids compared case-insensitively. */
    public SignResult sign(
            SignOffRules rules, Identity who, Decision decision, String comment, Instant now, String startedBy) {
        return sign(rules, who, decision, comment, now, startedBy, ApproverMatcher.CASE_INSENSITIVE);
    }

    /**
     * Takes or refuses a signature. Only approvers (by user id or group) may approve or reject; an approval or an
     * override needs a comment; the person who started the rollout may reject but not approve or override unless the
     * rules allow self-approval; each person signs once; a rejection settles the gate at once; an override needs an
     * administrator and settles it as {@link Outcome#OVERRIDDEN}; the gate is approved when the quorum of different
     * people approved and every required role's quorum is filled by different people (see {@link #tally}). Holders of
     * a required role may sign as approvers do. A settled or expired gate refuses everything.
     *
     * @param startedBy the user id of the person who started the rollout; null or blank when no person did
     */
    public SignResult sign(
            SignOffRules rules,
            Identity who,
            Decision decision,
            String comment,
            Instant now,
            String startedBy,
            ApproverMatcher matcher) {
        String reason = comment == null ? "" : comment.strip();
        if (settlement != null) {
            return refused("the sign-off for " + purpose + " is already settled: " + settlement.summary());
        }
        if (!now.isBefore(expiresAt)) {
            return refused("the sign-off for " + purpose + " expired at " + Format.moment(expiresAt));
        }
        Optional<Signature> earlier = signatureOf(who, matcher);
        if (earlier.isPresent()) {
            return refused(
                    who.userId() + " already signed (" + word(earlier.get().decision()) + " at "
                            + Format.moment(earlier.get().at()) + "); each person signs once");
        }
        boolean startedIt = isStarter(who, startedBy, matcher);
        return switch (decision) {
            case APPROVE -> approve(rules, who, reason, now, startedIt, matcher);
            case REJECT -> reject(rules, who, reason, now, matcher);
            case OVERRIDE -> override(rules, who, reason, now, startedIt);
        };
    }

    private SignResult approve(
            SignOffRules rules, Identity who, String comment, Instant now, boolean startedIt, ApproverMatcher matcher) {
        if (!rules.maySign(who, matcher)) {
            return refused(notAnApprover(rules, who)
                    + (who.administrator()
                            ? "; as an administrator you may override instead, which is recorded as an override"
                            : ""));
        }
        if (comment.isEmpty()) {
            return refused("an approval needs a comment: it is the decision record");
        }
        if (barredAsStarter(startedIt, rules)) {
            return refused(who.userId() + " started this rollout and may not approve it (self-approval is not"
                    + " allowed); they may reject it");
        }
        List<Signature> signed =
                with(new Signature(who.userId(), Decision.APPROVE, comment, now, rules.rolesOf(who, matcher)));
        GateTally tally = tally(signed, rules, matcher);
        Settlement settled = tally.isMet()
                ? new Settlement(
                        Outcome.APPROVED,
                        now,
                        "approved by " + String.join(", ", approvingPeople(signed, matcher)) + " (quorum "
                                + rules.quorum() + rolesCounted(tally) + ")")
                : null;
        return new SignResult.Accepted(new SignOffGate(purpose, openedAt, expiresAt, signed, settled));
    }

    private SignResult reject(SignOffRules rules, Identity who, String comment, Instant now, ApproverMatcher matcher) {
        if (!rules.maySign(who, matcher)) {
            return refused(notAnApprover(rules, who) + "; to stop the rollout, abort the build or roll back");
        }
        Settlement settled = new Settlement(
                Outcome.REJECTED, now, "rejected by " + who.userId() + (comment.isEmpty() ? "" : ": " + comment));
        return new SignResult.Accepted(new SignOffGate(
                purpose,
                openedAt,
                expiresAt,
                with(new Signature(who.userId(), Decision.REJECT, comment, now, rules.rolesOf(who, matcher))),
                settled));
    }

    /**
     * Whether {@code who} may override a gate under {@code rules}, as {@link #sign} decides it (a comment aside): an
     * administrator who did not start the rollout ({@code startedBy}, null when unknown), or one who did where
     * self-approval is allowed. For a page that shows the button only to those it would not refuse.
     */
    public static boolean mayOverride(SignOffRules rules, Identity who, String startedBy, ApproverMatcher matcher) {
        return who.administrator() && !barredAsStarter(isStarter(who, startedBy, matcher), rules);
    }

    /**
     * Whether {@code who}, an approver under {@code rules}, may approve rather than only reject, as {@link #sign}
     * decides it: not the one who started the rollout unless self-approval is allowed. For a page that shows Approve
     * only to those it would not refuse.
     */
    public static boolean mayApprove(SignOffRules rules, Identity who, String startedBy, ApproverMatcher matcher) {
        return rules.maySign(who, matcher) && !barredAsStarter(isStarter(who, startedBy, matcher), rules);
    }

    /** The signature {@code who} already gave this gate, if any: each person signs a gate once, an override too. */
    public Optional<Signature> signatureOf(Identity who, ApproverMatcher matcher) {
        return signatures.stream()
                .filter(s -> matcher.samePerson(s.userId(), who.userId()))
                .findFirst();
    }

    /** The one who started the rollout may reject it, but approve or override only where self-approval is allowed. */
    private static boolean barredAsStarter(boolean startedIt, SignOffRules rules) {
        return startedIt && !rules.allowSelfApproval();
    }

    private static boolean isStarter(Identity who, String startedBy, ApproverMatcher matcher) {
        return startedBy != null && !startedBy.isBlank() && matcher.samePerson(startedBy, who.userId());
    }

    private SignResult override(SignOffRules rules, Identity who, String comment, Instant now, boolean startedIt) {
        if (!who.administrator()) {
            return refused("only an administrator may override a sign-off");
        }
        if (comment.isEmpty()) {
            return refused("an override needs a comment: it is the decision record");
        }
        if (barredAsStarter(startedIt, rules)) {
            return refused(who.userId() + " started this rollout and may not override its sign-off (self-approval is"
                    + " not allowed)");
        }
        Settlement settled = new Settlement(Outcome.OVERRIDDEN, now, "overridden by " + who.userId() + ": " + comment);
        return new SignResult.Accepted(new SignOffGate(
                purpose,
                openedAt,
                expiresAt,
                with(new Signature(who.userId(), Decision.OVERRIDE, comment, now)),
                settled));
    }

    /** Settles an open gate as expired once its time has come; otherwise returns this gate unchanged. */
    public SignOffGate expire(Instant now) {
        if (settlement != null || now.isBefore(expiresAt)) {
            return this;
        }
        int approvals = approvals();
        return new SignOffGate(
                purpose,
                openedAt,
                expiresAt,
                signatures,
                new Settlement(
                        Outcome.EXPIRED,
                        expiresAt,
                        "expired at " + Format.moment(expiresAt) + " with " + approvals + " approval"
                                + (approvals == 1 ? "" : "s")));
    }

    public String purpose() {
        return purpose;
    }

    public Instant openedAt() {
        return openedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** Accepted signatures, oldest first. */
    public List<Signature> signatures() {
        return signatures;
    }

    public Optional<Settlement> settlement() {
        return Optional.ofNullable(settlement);
    }

    public boolean isOpen() {
        return settlement == null;
    }

    /** How many people approved so far. */
    public int approvals() {
        return (int) signatures.stream()
                .filter(s -> s.decision() == Decision.APPROVE)
                .count();
    }

    /** How many people approved of the quorum, and per required role who counts for it. */
    public GateTally tally(SignOffRules rules, ApproverMatcher matcher) {
        return tally(signatures, rules, matcher);
    }

    private static GateTally tally(List<Signature> signed, SignOffRules rules, ApproverMatcher matcher) {
        List<Signature> approvals = new ArrayList<>();
        for (Signature s : signed) {
            if (s.decision() == Decision.APPROVE
                    && approvals.stream().noneMatch(a -> matcher.samePerson(a.userId(), s.userId()))) {
                approvals.add(s);
            }
        }
        return new GateTally(approvals.size(), rules.quorum(), RoleAssignment.tally(rules.roles(), approvals));
    }

    /** E.g. {@code ; risk: carol; platform: dave}: who counted for which role, for the settlement's record. */
    private static String rolesCounted(GateTally tally) {
        StringBuilder text = new StringBuilder();
        for (RoleTally role : tally.roles()) {
            text.append("; ").append(role.role()).append(": ").append(String.join(", ", role.signedBy()));
        }
        return text.toString();
    }

    private List<Signature> with(Signature signature) {
        List<Signature> signed = new ArrayList<>(signatures);
        signed.add(signature);
        return signed;
    }

    /** The quorum counts people, not signatures: ids the realm considers equal count once. */
    private static List<String> approvingPeople(List<Signature> signed, ApproverMatcher matcher) {
        List<String> people = new ArrayList<>();
        for (Signature s : signed) {
            if (s.decision() == Decision.APPROVE && people.stream().noneMatch(p -> matcher.samePerson(p, s.userId()))) {
                people.add(s.userId());
            }
        }
        return people;
    }

    private static String notAnApprover(SignOffRules rules, Identity who) {
        return who.userId() + " is not one of the approvers (" + rules.signers() + ")";
    }

    private static String word(Decision decision) {
        return decision.name().toLowerCase(Locale.ROOT);
    }

    private static SignResult refused(String reason) {
        return new SignResult.Refused(reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignOffGate g
                && purpose.equals(g.purpose)
                && openedAt.equals(g.openedAt)
                && expiresAt.equals(g.expiresAt)
                && signatures.equals(g.signatures)
                && Objects.equals(settlement, g.settlement);
    }

    @Override
    public int hashCode() {
        return Objects.hash(purpose, openedAt, expiresAt, signatures, settlement);
    }

    @Override
    public String toString() {
        return "SignOffGate[" + purpose + ", " + signatures.size() + " signature(s), "
                + (settlement == null ? "open until " + Format.moment(expiresAt) : settlement.summary()) + "]";
    }
}
