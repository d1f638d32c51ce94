package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.signoff.SignOffGate;
import io.mlrollout.core.signoff.SignOffRules;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a rollout is, in one line for people: what a step's {@code getStatus()} and the build page show, e.g. {@code
 * stage 2/3 (25%) baking, next look in 40s, bake ends in 9m 20s}.
 */
final class StatusText {

    private StatusText() {}

    /**
     * While a gate waits for roles, says which are still missing, e.g. {@code waiting for: platform 1/1, risk 0/1}.
     *
     * @param stageCount how many stages the policy has
     * @param quorum how many approvals a gate needs, or 0 when no sign-off rules apply
     * @param rules the sign-off rules in force, empty when none apply
     */
    static String of(RolloutState s, int stageCount, int quorum, Optional<SignOffRules> rules, Instant now) {
        if (s.phase() == Phase.AWAITING_SIGNOFF
                && rules.isPresent()
                && !rules.get().roles().isEmpty()) {
            return awaiting(s, quorum, now) + "; "
                    + s.gate().tally(rules.get(), People.approverMatcher()).waitingFor();
        }
        return text(s, stageCount, quorum, now);
    }

    private static String text(RolloutState s, int stageCount, int quorum, Instant now) {
        String stage = "stage " + (s.stageIndex() + 1) + "/" + stageCount;
        return switch (s.phase()) {
            case PENDING -> "reading the router's split before moving any traffic";
            case SHIFTING -> stage + ": shifting traffic to " + s.shift().targetWeight() + "%" + retry(s, now);
            case BAKING ->
                stage + " (" + s.canaryWeight() + "%) baking, next look in "
                        + until(now, s.bake().nextLookAt()) + ", bake ends in "
                        + until(now, s.bake().endsAt());
            case AWAITING_SIGNOFF -> awaiting(s, quorum, now);
            case WAITING_FOR_WINDOW ->
                "waiting for the deployment window at " + s.canaryWeight() + "%: "
                        + s.window().explanation() + ", in "
                        + until(now, s.window().opensAt());
            case CANARY_PASSED ->
                "canary passed at " + s.canaryWeight() + "%; traffic stays there until mlPromote or mlRollback";
            case PROMOTING -> "promoting: shifting all traffic to the candidate" + retry(s, now);
            case WATCHING ->
                "watching the promoted candidate, next look in "
                        + until(now, s.bake().nextLookAt()) + ", watch ends in "
                        + until(now, s.bake().endsAt());
            case PROMOTED -> "promoted: the candidate serves all traffic";
            case ROLLING_BACK -> "rolling back: " + s.reason() + retry(s, now);
            case ROLLED_BACK -> "rolled back: " + s.reason();
            case ROLLBACK_FAILED ->
                "ROLLBACK FAILED with " + s.canaryWeight() + "% still on the candidate: " + s.reason();
            case HALTED -> "halted with " + s.canaryWeight() + "% on the candidate: " + s.reason();
            case DRY_RUN_COMPLETE -> "dry run complete: the router and the metrics were checked, nothing moved";
        };
    }

    private static String awaiting(RolloutState s, int quorum, Instant now) {
        SignOffGate gate = s.gate();
        String where = s.canaryWeight() == 100 ? "at 100%" : "at " + s.canaryWeight() + "%";
        return "awaiting sign-off for " + gate.purpose() + " " + where + ": " + gate.approvals() + " of " + quorum
                + " approval(s), expires in " + until(now, gate.expiresAt());
    }

    private static String retry(RolloutState s, Instant now) {
        RolloutState.ShiftProgress shift = s.shift();
        if (shift == null || shift.retryAt() == null) {
            return "";
        }
        return ", asking again in " + until(now, shift.retryAt())
                + (shift.lastFailure() == null ? "" : " (" + shift.lastFailure() + ")");
    }

    /** A short span such as {@code 40s}, {@code 9m 20s} or {@code 23h 10m}; {@code 0s} once it is due. */
    static String until(Instant now, Instant then) {
        long seconds = Math.max(0, Duration.between(now, then).toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + "s");
        }
        return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + "m");
    }
}
