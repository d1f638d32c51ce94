package io.mlrollout.cli.bench;

/**
 * A second yardstick beside the {@linkplain ClairvoyantJudge clairvoyant}: the same knowledge of the traffic model, but
 * one look, at the canary stage's last minute ({@link BenchSetup#CANARY_LOOKS}). There it rolls back when either
 * metric's pooled log ratio exceeds the value that at most half the policy's false-rollback rate of the calibration
 * rollouts at that metric's margin exceed at that minute ({@link KnownNull#exceeded}); otherwise it promotes. So it
 * rolls back a candidate within the margins at most 1% of the time, like ours.
 *
 * <p>A judge that looks every minute must set its bar higher than one that looks once, so that its looks together stay
 * within the budget. This one spends nothing on looking often and knows the null exactly: its share of a cell's
 * regressions shows how many the pooled ratio tells from the margin by the stage's end at best. A yardstick, not a
 * bound: a statistic that weighed drifting minutes less, or set bursts aside, could tell more.
 */
final class OneLookJudge implements RolloutJudge {

    /** The minute it looks at: the last of the canary stage, before the watch's other shares. */
    static final int MINUTE = BenchSetup.CANARY_LOOKS;

    private final KnownNull errors;
    private final KnownNull slowRequests;

    OneLookJudge(TrafficCalibration calibration) {
        this.errors = calibration.errorsNull();
        this.slowRequests = calibration.slowRequestsNull();
    }

    @Override
    public int decide(Traffic traffic) {
        int look = MINUTE - 1;
        boolean errorsBeyond = errors.exceeded(look, ClairvoyantJudge.errorPath(traffic)[look]);
        boolean slowBeyond = slowRequests.exceeded(look, ClairvoyantJudge.slowPath(traffic)[look]);
        return errorsBeyond || slowBeyond ? MINUTE : PROMOTED;
    }
}
