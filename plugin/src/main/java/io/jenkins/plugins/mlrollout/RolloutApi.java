package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.policy.TemplateOrigin;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.StageSummary;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.GateTally;
import io.mlrollout.core.signoff.RoleTally;
import io.mlrollout.core.signoff.Settlement;
import io.mlrollout.core.signoff.SignOffGate;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.signoff.Signature;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The parts of a rollout that {@code <build>/ml-rollout-<endpoint>/api/json} writes below the top level: a stage's
 * verdict, a sign-off and its signatures, the evidence head. Plain values only (times as ISO-8601 text), so the remote
 * API writes them the same in JSON, XML and Python.
 */
final class RolloutApi {

    private RolloutApi() {}

    static String time(@CheckForNull Instant at) {
        return at == null ? null : at.toString();
    }

    /** A finished stage: its weight, verdict, score and the reasons, one sentence per metric that mattered. */
    @ExportedBean(defaultVisibility = 2)
    public static final class StageVerdict {
        private final StageSummary summary;

        StageVerdict(StageSummary summary) {
            this.summary = summary;
        }

        @Exported
        public int getStage() {
            return summary.stage();
        }

        @Exported
        public int getWeight() {
            return summary.weight();
        }

        @Exported
        public String getVerdict() {
            return summary.verdict().name();
        }

        @Exported
        public double getScore() {
            return summary.score();
        }

        @Exported
        public List<String> getReasons() {
            return summary.reasons();
        }
    }

    /**
     * The open sign-off, or the last one: why it opened, who may sign, how many have, until when, how it settled, and
     * whether the person asking may sign it now.
     */
    @ExportedBean(defaultVisibility = 2)
    public static final class SignOff {
        private final SignOffGate gate;
        private final boolean open;
        private final @CheckForNull SignOffRules rules;
        private final List<RoleTally> roles;
        private final boolean canSign;
        private final boolean canOverride;
        private final String url;

        SignOff(
                SignOffGate gate,
                boolean open,
                @CheckForNull SignOffRules rules,
                List<RoleTally> roles,
                boolean canSign,
                boolean canOverride,
                String url) {
            this.gate = gate;
            this.open = open;
            this.rules = rules;
            this.roles = List.copyOf(roles);
            this.canSign = canSign;
            this.canOverride = canOverride;
            this.url = url;
        }

        @Exported
        public String getPurpose() {
            return gate.purpose();
        }

        /** Whether it waits for signatures now. */
        @Exported
        public boolean isOpen() {
            return open;
        }

        @Exported
        public String getOpenedAt() {
            return time(gate.openedAt());
        }

        @Exported
        public String getExpiresAt() {
            return time(gate.expiresAt());
        }

        @Exported
        public int getApprovals() {
            return gate.approvals();
        }

        @Exported
        public int getQuorum() {
            return rules == null ? 0 : rules.quorum();
        }

        /** The user ids and groups who may approve or reject (administrators may also override). */
        @Exported
        public List<String> getApprovers() {
            return rules == null ? List.of() : rules.approvers();
        }

        /** The roles the gate requires: who holds each, its quorum and who counted for it so far. */
        @Exported
        public List<RoleView> getRoles() {
            return roles.stream().map(RoleView::new).toList();
        }

        /** E.g. {@code waiting for: risk 0/1, platform 1/1}; empty when the gate requires no roles. */
        @Exported
        public String getWaitingFor() {
            return roles.isEmpty() ? "" : new GateTally(getApprovals(), getQuorum(), roles).waitingFor();
        }

        @Exported
        public boolean isAllowSelfApproval() {
            return rules != null && rules.allowSelfApproval();
        }

        /** Whether the user asking may approve or reject now: an approver who has not signed, the gate open. */
        @Exported
        public boolean isCanSign() {
            return canSign;
        }

        @Exported
        public boolean isCanOverride() {
            return canOverride;
        }

        /** Where to POST {@code approve}, {@code reject} or {@code override}, relative to Jenkins' root. */
        @Exported
        public String getUrl() {
            return url;
        }

        @Exported(skipNull = true)
        public String getOutcome() {
            return gate.settlement().map(s -> s.outcome().name()).orElse(null);
        }

        @Exported(skipNull = true)
        public String getSettlement() {
            return gate.settlement().map(Settlement::summary).orElse(null);
        }

        @Exported
        public List<SignatureView> getSignatures() {
            return gate.signatures().stream().map(SignatureView::new).toList();
        }
    }

    /** One role a gate requires: who holds it, how many must approve, who counted for it. */
    @ExportedBean(defaultVisibility = 3)
    public static final class RoleView {
        private final RoleTally tally;

        RoleView(RoleTally tally) {
            this.tally = tally;
        }

        @Exported
        public String getName() {
            return tally.role();
        }

        @Exported
        public int getQuorum() {
            return tally.quorum();
        }

        /** The user ids and groups who hold the role. */
        @Exported
        public List<String> getMembers() {
            return tally.members();
        }

        /** The approvers counted for this role; each approver counts for one role only. */
        @Exported
        public List<String> getSignedBy() {
            return tally.signedBy();
        }

        @Exported
        public boolean isMet() {
            return tally.isMet();
        }
    }

    /** One accepted signature: who, in which role, what, when and why. */
    @ExportedBean(defaultVisibility = 3)
    public static final class SignatureView {
        private final Signature signature;

        SignatureView(Signature signature) {
            this.signature = signature;
        }

        @Exported
        public String getUser() {
            return signature.userId();
        }

        @Exported
        public String getDecision() {
            return signature.decision().name().toLowerCase(Locale.ROOT);
        }

        /** {@code administrator} for an override, else {@code approver}: the capacity in which they signed. */
        @Exported
        public String getRole() {
            return signature.decision() == Decision.OVERRIDE ? "administrator" : "approver";
        }

        /** The roles the gate required that the signer held when signing; empty when it required none. */
        @Exported
        public List<String> getRoles() {
            return signature.roles();
        }

        @Exported
        public String getAt() {
            return time(signature.at());
        }

        @Exported
        public String getComment() {
            return signature.comment();
        }
    }

    /** Where the evidence file stood when the state was last saved; {@code mlrollout verify-evidence} checks it. */
    @ExportedBean(defaultVisibility = 2)
    public static final class Evidence {
        private final Report.EvidenceHead head;

        Evidence(Report.EvidenceHead head) {
            this.head = head;
        }

        @Exported
        public long getLines() {
            return head.lines();
        }

        @Exported
        public String getHead() {
            return head.head();
        }

        @Exported
        public boolean isSealed() {
            return head.sealed();
        }

        @Exported(skipNull = true)
        public String getKeyFingerprint() {
            return head.keyFingerprint();
        }
    }

    /** The shared policy template a rollout used: which text (name, version, digest) and where it was defined. */
    @ExportedBean(defaultVisibility = 2)
    public static final class Template {
        private final TemplateOrigin origin;

        Template(TemplateOrigin origin) {
            this.origin = origin;
        }

        @Exported
        public String getName() {
            return origin.name();
        }

        @Exported
        public int getVersion() {
            return origin.version();
        }

        /** {@code sha256:} and the hex digest of the version and text, as the evidence records it. */
        @Exported
        public String getDigest() {
            return origin.digest();
        }

        /** E.g. {@code folder 'team-a/risk'} or {@code the global configuration}. */
        @Exported(skipNull = true)
        public String getDefinedIn() {
            return origin.definedIn();
        }
    }

    /** A shift to a higher stage or a promotion waiting for the deployment window: what, since when, until when, why. */
    @ExportedBean(defaultVisibility = 2)
    public static final class WindowWait {
        private final RolloutState.WindowHold hold;

        WindowWait(RolloutState.WindowHold hold) {
            this.hold = hold;
        }

        /** {@code NEXT_STAGE} or {@code PROMOTION}. */
        @Exported
        public String getMove() {
            return hold.move().name();
        }

        @Exported
        public String getSince() {
            return time(hold.since());
        }

        @Exported
        public String getOpensAt() {
            return time(hold.opensAt());
        }

        /** E.g. {@code opens Tue 2026-11-24 09:00 Europe/Berlin (freeze 'year-end' until ...)}. */
        @Exported
        public String getExplanation() {
            return hold.explanation();
        }
    }
}
