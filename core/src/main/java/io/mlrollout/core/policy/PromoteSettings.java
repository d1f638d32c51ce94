package io.mlrollout.core.policy;

import java.time.Duration;

/**
 * @param bake how long the promoted candidate is watched before the rollout is complete
 * @param holdback the share of traffic (percent) kept on the baseline while the promoted candidate is watched, so the
 *     watch compares against a live baseline; 0 watches at 100% against the absolute limits only
 * @param signOff whether promotion waits for the sign-off quorum (when the policy or the endpoint names approvers)
 */
public record PromoteSettings(Duration bake, int holdback, boolean signOff) {

    /** 10% of traffic stays on the baseline during the watch, as a live comparison. */
    public static final int DEFAULT_HOLDBACK = 10;

    public PromoteSettings(Duration bake, boolean signOff) {
        this(bake, DEFAULT_HOLDBACK, signOff);
    }

    /** How long the watch may bake on when the data have not yet shown the candidate within bounds. */
    public Duration maxBake() {
        return bake.multipliedBy(Stage.DEFAULT_MAX_BAKE_FACTOR);
    }

    /** The candidate's weight while it is watched. */
    public int watchWeight() {
        return 100 - holdback;
    }

    /** Watch for 10 minutes; wait for the sign-off quorum when there are approvers. */
    public static PromoteSettings defaults() {
        return new PromoteSettings(Duration.ofMinutes(10), true);
    }
}
