package io.mlrollout.core.rollout;

import java.util.Locale;

/**
 * Where a rollout is. The canary moves {@code PENDING → SHIFTING → BAKING → (AWAITING_SIGNOFF) → SHIFTING … →
 * CANARY_PASSED}; promotion moves {@code PROMOTING → WATCHING → PROMOTED}; any failure leads to {@code ROLLING_BACK →
 * ROLLED_BACK} (or {@code ROLLBACK_FAILED}).
 *
 * <p>Analysis is not a phase of its own: looks happen on a clock inside {@link #BAKING}, {@link #AWAITING_SIGNOFF} and
 * {@link #WATCHING}, so a regression is caught even while people are deciding.
 */
public enum Phase {
    /** Started; the router's current split is read first, so nothing moves before the baseline is known. */
    PENDING(false),
    /** Asking the router for the stage's weight and waiting until it is realised. */
    SHIFTING(false),
    /** At the stage's weight, looking at the metrics every interval until the bake ends. */
    BAKING(false),
    /** Waiting for the sign-off quorum, still looking at the metrics. */
    AWAITING_SIGNOFF(false),
    /**
     * A shift to a higher stage, or a promotion, waits for the deployment window; traffic stays where it is and is
     * still judged, a rollback is never held.
     */
    WAITING_FOR_WINDOW(false),
    /** Every stage passed; traffic stays at the last stage's weight until promotion or rollback. */
    CANARY_PASSED(true),
    /** Asking the router for 100% to the candidate. */
    PROMOTING(false),
    /** At 100%, watching the promoted candidate against what the baseline showed before. */
    WATCHING(false),
    /** Done: the candidate serves all traffic. */
    PROMOTED(true),
    /** Asking the router to send all traffic back to the baseline. */
    ROLLING_BACK(false),
    /** Done: the baseline serves all traffic. */
    ROLLED_BACK(true),
    /** The router did not return all traffic to the baseline: someone must act. */
    ROLLBACK_FAILED(true),
    /** Stopped without moving traffic back (the policy said hold); a person decides with a rollback or a new run. */
    HALTED(true),
    /** A dry run checked the router and the metrics and moved nothing. */
    DRY_RUN_COMPLETE(true);

    private final boolean resting;

    Phase(boolean resting) {
        this.resting = resting;
    }

    /** True when nothing happens until someone asks: no action, no timer. */
    public boolean isResting() {
        return resting;
    }

    /** The phase as people read it in a sentence, e.g. {@code waiting for window}. */
    public String inWords() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
