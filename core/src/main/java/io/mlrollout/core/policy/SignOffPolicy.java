package io.mlrollout.core.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who must sign before traffic moves past a gate.
 *
 * @param approvers user ids or group names; anyone matching one of them may sign
 * @param quorum how many different people must approve
 * @param allowSelfApproval whether the person who started the rollout may sign for it
 * @param expires how long a gate stays open
 * @param onExpiry what an expired gate leads to
 * @param roles how many approvals each role of the endpoint's responsibility matrix must give, by role name
 * @param escalateAfter how long a gate may stay unsettled before the escalation contacts are told; empty: never
 */
public record SignOffPolicy(
        List<String> approvers,
        int quorum,
        boolean allowSelfApproval,
        Duration expires,
        OnExpiry onExpiry,
        Map<String, Integer> roles,
        Optional<Duration> escalateAfter) {

    public SignOffPolicy {
        approvers = List.copyOf(approvers);
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        Objects.requireNonNull(escalateAfter, "escalateAfter");
    }

    /** A section that requires no roles and never escalates. */
    public SignOffPolicy(
            List<String> approvers, int quorum, boolean allowSelfApproval, Duration expires, OnExpiry onExpiry) {
        this(approvers, quorum, allowSelfApproval, expires, onExpiry, Map.of(), Optional.empty());
    }

    /** A section that never escalates. */
    public SignOffPolicy(
            List<String> approvers,
            int quorum,
            boolean allowSelfApproval,
            Duration expires,
            OnExpiry onExpiry,
            Map<String, Integer> roles) {
        this(approvers, quorum, allowSelfApproval, expires, onExpiry, roles, Optional.empty());
    }

    /** A section that requires no roles. */
    public SignOffPolicy(
            List<String> approvers,
            int quorum,
            boolean allowSelfApproval,
            Duration expires,
            OnExpiry onExpiry,
            Optional<Duration> escalateAfter) {
        this(approvers, quorum, allowSelfApproval, expires, onExpiry, Map.of(), escalateAfter);
    }

    /** No approvers of its own (the endpoint's count), quorum 1, no self-approval, 24 hours, then roll back. */
    public static SignOffPolicy defaults() {
        return new SignOffPolicy(List.of(), 1, false, Duration.ofHours(24), OnExpiry.ROLLBACK);
    }

    /** What happens when nobody settles a gate in time. */
    public enum OnExpiry {
        ROLLBACK,
        /** Leave traffic where it is and fail the step; a person decides with mlRollback or a new run. */
        HOLD
    }
}
