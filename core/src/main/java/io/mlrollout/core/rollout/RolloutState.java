package io.mlrollout.core.rollout;

import io.mlrollout.core.analysis.JudgeState;
import io.mlrollout.core.signoff.SignOffGate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the engine needs to decide what comes next, and nothing more: small, immutable, and written to JSON by
 * {@link RolloutStateCodec} so a Jenkins controller or the CLI can keep it across restarts. The full history lives in
 * the evidence log, not here.
 *
 * @param subject what is being rolled out, by whom
 * @param phase where the rollout is
 * @param phaseSince when it entered that phase
 * @param stageIndex the current stage, 0-based; -1 before the first
 * @param canaryWeight the split the router last reported, percent to the candidate
 * @param shift the shift in progress (SHIFTING, PROMOTING, ROLLING_BACK), or null
 * @param bake the analysis clock (BAKING, AWAITING_SIGNOFF, WATCHING), or null
 * @param judge the judge's accumulated evidence
 * @param gate the open or last sign-off gate, or null
 * @param stages the verdict of every finished stage
 * @param promotionSigned whether the sign-off that promotion needs has been given
 * @param watchPassed whether the promoted candidate passed its watch (the held-back share then follows it)
 * @param reason why the rollout came to rest (rolled back, halted, failed), or null
 * @param promotionRequestedBy who asked for the promotion while its sign-off is open (the promotion is theirs, not
 *     the last approver's), or null
 * @param window the move held for the deployment window (WAITING_FOR_WINDOW), or null
 * @param gateAlerts which reminders the open gate has sent, or null when none
 */
public record RolloutState(
        Subject subject,
        Phase phase,
        Instant phaseSince,
        int stageIndex,
        int canaryWeight,
        ShiftProgress shift,
        BakeClock bake,
        JudgeState judge,
        SignOffGate gate,
        GatePurpose gatePurpose,
        List<StageSummary> stages,
        boolean promotionSigned,
        boolean watchPassed,
        String reason,
        String promotionRequestedBy,
        WindowHold window,
        GateAlerts gateAlerts) {

    public RolloutState {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(phaseSince, "phaseSince");
        Objects.requireNonNull(judge, "judge");
        stages = List.copyOf(stages);
    }

    /**
     * What is rolled out.
     *
     * @param rolloutId unique per rollout, e.g. the build's id
     * @param endpoint the model endpoint
     * @param candidate the new version
     * @param baseline the serving version, known once the router was read (null before)
     * @param startedBy the user who started it (for the self-approval rule), or null when unknown
     * @param startedAt when it started
     */
    public record Subject(
            String rolloutId, String endpoint, String candidate, String baseline, String startedBy, Instant startedAt) {

        Subject withBaseline(String name) {
            return new Subject(rolloutId, endpoint, candidate, name, startedBy, startedAt);
        }
    }

    /**
     * A shift being carried out.
     *
     * @param targetWeight the percent asked for
     * @param attempts failed attempts so far
     * @param deadline when waiting for readiness gives up
     * @param retryAt when to ask again, or null to ask now
     * @param lastFailure why the last attempt failed, or null
     */
    public record ShiftProgress(
            int targetWeight, int attempts, Instant deadline, Instant retryAt, String lastFailure) {}

    /**
     * The analysis clock: absolute times, so a restart resumes exactly where it was.
     *
     * @param startedAt when the current stage (or the promotion watch) began at its weight
     * @param endsAt when its bake ends
     * @param lastLookAt the end of the last window read (the next window starts here)
     * @param nextLookAt when the next window ends and is read
     * @param extensions how many times this stage was extended
     */
    public record BakeClock(
            Instant startedAt, Instant endsAt, Instant lastLookAt, Instant nextLookAt, int extensions) {}

    /** Why a sign-off gate is open. */
    public enum GatePurpose {
        /** The stage passed and the policy asks for a sign-off before the next one. */
        STAGE,
        /** The stage was inconclusive and the policy lets people decide. */
        INCONCLUSIVE,
        /** Promotion to 100% waits for the quorum. */
        PROMOTION,
        /** The watch after promotion was inconclusive and the policy lets people decide. */
        WATCH
    }

    /** What waits for the deployment window. */
    public enum HeldMove {
        /** The shift to the next stage's weight. */
        NEXT_STAGE,
        /** The promotion a person asked for. */
        PROMOTION
    }

    /**
     * A move forward held until the deployment window opens.
     *
     * @param move what is held
     * @param since when the wait began
     * @param opensAt when the window opens (the engine looks again then)
     * @param explanation why it is closed and when it opens, for the log and the status
     * @param requestedBy who asked for a held promotion, or null
     */
    public record WindowHold(HeldMove move, Instant since, Instant opensAt, String explanation, String requestedBy) {}

    /**
     * The reminders an open gate has sent; each is sent once.
     *
     * @param escalated whether the escalation contacts were told the gate is still unsettled
     * @param expiryWarned whether people were told the gate is about to expire
     */
    public record GateAlerts(boolean escalated, boolean expiryWarned) {

        static final GateAlerts NONE = new GateAlerts(false, false);
    }

    /** The reminders sent for the open gate; none before any. */
    public GateAlerts alerts() {
        return gateAlerts == null ? GateAlerts.NONE : gateAlerts;
    }

    public Optional<SignOffGate> openGate() {
        return phase == Phase.AWAITING_SIGNOFF ? Optional.ofNullable(gate) : Optional.empty();
    }

    RolloutState enter(Phase next, Instant now) {
        return edit(draft -> {
            draft.phase = next;
            draft.phaseSince = now;
        });
    }

    RolloutState withSubject(Subject value) {
        return edit(draft -> draft.subject = value);
    }

    RolloutState withStageIndex(int value) {
        return edit(draft -> draft.stageIndex = value);
    }

    RolloutState withCanaryWeight(int value) {
        return edit(draft -> draft.canaryWeight = value);
    }

    RolloutState withShift(ShiftProgress value) {
        return edit(draft -> draft.shift = value);
    }

    RolloutState withBake(BakeClock value) {
        return edit(draft -> draft.bake = value);
    }

    RolloutState withJudge(JudgeState value) {
        return edit(draft -> draft.judge = value);
    }

    RolloutState withGate(SignOffGate value, GatePurpose purpose) {
        return edit(draft -> {
            draft.gate = value;
            draft.gatePurpose = purpose;
        });
    }

    RolloutState withStageSummary(StageSummary summary) {
        List<StageSummary> all = new ArrayList<>(stages);
        all.add(summary);
        return edit(draft -> draft.stages = all);
    }

    RolloutState withPromotionSigned(boolean value) {
        return edit(draft -> draft.promotionSigned = value);
    }

    RolloutState withWatchPassed(boolean value) {
        return edit(draft -> draft.watchPassed = value);
    }

    RolloutState withReason(String value) {
        return edit(draft -> draft.reason = value);
    }

    RolloutState withPromotionRequestedBy(String value) {
        return edit(draft -> draft.promotionRequestedBy = value);
    }

    RolloutState withWindow(WindowHold value) {
        return edit(draft -> draft.window = value);
    }

    RolloutState withGateAlerts(GateAlerts value) {
        return edit(draft -> draft.gateAlerts = value);
    }

    /** A copy with some fields changed: the one place that lists every field, so a new field is added once. */
    private RolloutState edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** The fields of a state while a copy of it is being changed. */
    private static final class Draft {
        Subject subject;
        Phase phase;
        Instant phaseSince;
        int stageIndex;
        int canaryWeight;
        ShiftProgress shift;
        BakeClock bake;
        JudgeState judge;
        SignOffGate gate;
        GatePurpose gatePurpose;
        List<StageSummary> stages;
        boolean promotionSigned;
        boolean watchPassed;
        String reason;
        String promotionRequestedBy;
        WindowHold window;
        GateAlerts gateAlerts;

        Draft(RolloutState state) {
            subject = state.subject;
            phase = state.phase;
            phaseSince = state.phaseSince;
            stageIndex = state.stageIndex;
            canaryWeight = state.canaryWeight;
            shift = state.shift;
            bake = state.bake;
            judge = state.judge;
            gate = state.gate;
            gatePurpose = state.gatePurpose;
            stages = state.stages;
            promotionSigned = state.promotionSigned;
            watchPassed = state.watchPassed;
            promotionRequestedBy = state.promotionRequestedBy;
            reason = state.reason;
            window = state.window;
            gateAlerts = state.gateAlerts;
        }

        RolloutState build() {
            return new RolloutState(
                    subject,
                    phase,
                    phaseSince,
                    stageIndex,
                    canaryWeight,
                    shift,
                    bake,
                    judge,
                    gate,
                    gatePurpose,
                    stages,
                    promotionSigned,
                    watchPassed,
                    reason,
                    promotionRequestedBy,
                    window,
                    gateAlerts);
        }
    }
}
