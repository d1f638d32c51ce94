package io.mlrollout.core.policy;

import java.time.Duration;

/**
 * @param bake how long the promoted candidate is watched at 100% before the rollout is complete
 * @param signOff whether promotion waits for the sign-off quorum (when the policy or the endpoint names approvers)
 */
public record PromoteSettings(Duration bake, boolean signOff) {

    /** Watch for 10 minutes; wait for the sign-off quorum when there are approvers. */
    public static PromoteSettings defaults() {
        return new PromoteSettings(Duration.ofMinutes(10), true);
    }
}
