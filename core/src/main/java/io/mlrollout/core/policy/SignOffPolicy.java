package io.mlrollout.core.policy;

import java.time.Duration;
import java.util.List;

/**
 * Who must sign before traffic moves past a gate.
 *
 * @param approvers user ids or group names; anyone matching one of them may sign
 * @param quorum how many different people must approve
 * @param allowSelfApproval whether the person who started the rollout may sign for it
 * @param expires how long a gate stays open
 * @param onExpiry what an expired gate leads to
 */
public record SignOffPolicy(
        List<String> approvers, int quorum, boolean allowSelfApproval, Duration expires, OnExpiry onExpiry) {

    public SignOffPolicy {
        approvers = List.copyOf(approvers);
    }

    /** What happens when nobody settles a gate in time. */
    public enum OnExpiry {
        ROLLBACK,
        /** Leave traffic where it is and fail the step; a person decides with mlRollback or a new run. */
        HOLD
    }
}
