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
 * @param quorum how many different people must approve; {@link #ENDPOINT_MINIMUM} when the policy does not say
 * @param allowSelfApproval whether the person who started the rollout may sign for it
 * @param expires how long a gate stays open
 * @param onExpiry what an expired gate leads to
 * @param roles how many approvals each role of the endpoint's responsibility matrix must give, by role name
 * @param escalateAfter how long a gate may stay unsettled before the escalation contacts are told; empty: never
 * @param selfApprovalAsEndpoint whether the endpoint's self-approval setting applies instead of {@code
 *     allowSelfApproval}: true only for a section a tier or an endpoint floor added to a policy that had none, which
 *     must not change what the endpoint allows
 */
public record SignOffPolicy(
        List<String> approvers,
        int quorum,
        boolean allowSelfApproval,
        Duration expires,
        OnExpiry onExpiry,
        Map<String, Integer> roles,
        Optional<Duration> escalateAfter,
        boolean selfApprovalAsEndpoint) {

    /**
     * The quorum of a section that does not state one: the endpoint's minimum quorum, at least 1. A policy that lists
     * approvers without a quorum asks for no more than the endpoint does, and must not be refused for being below it.
     */
    public static final int ENDPOINT_MINIMUM = 0;

    public SignOffPolicy {
        if (quorum < ENDPOINT_MINIMUM) {
            throw new IllegalArgumentException("quorum must be at least 1 (or ENDPOINT_MINIMUM), got " + quorum);
        }
        approvers = List.copyOf(approvers);
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        Objects.requireNonNull(escalateAfter, "escalateAfter");
    }

    /** A section as a policy writes it: its own {@code allowSelfApproval} applies. */
    public SignOffPolicy(
            List<String> approvers,
            int quorum,
            boolean allowSelfApproval,
            Duration expires,
            OnExpiry onExpiry,
            Map<String, Integer> roles,
            Optional<Duration> escalateAfter) {
        this(approvers, quorum, allowSelfApproval, expires, onExpiry, roles, escalateAfter, false);
    }

    /** A section that requires no roles and never escalates. */
    public SignOffPolicy(
            List<String> approvers, int quorum, boolean allowSelfApproval, Duration expires, OnExpiry onExpiry) {
        this(approvers, quorum, allowSelfApproval, expires, onExpiry, Map.of(), Optional.empty());
    }

    /**
     * No approvers of its own (the endpoint's count), the endpoint's minimum quorum, no self-approval, 24 hours, then
     * roll back.
     */
    public static SignOffPolicy defaults() {
        return new SignOffPolicy(List.of(), ENDPOINT_MINIMUM, false, Duration.ofHours(24), OnExpiry.ROLLBACK);
    }

    /** Whether the policy states its quorum rather than taking the endpoint's minimum. */
    public boolean statesQuorum() {
        return quorum != ENDPOINT_MINIMUM;
    }

    /** What happens when nobody settles a gate in time. */
    public enum OnExpiry {
        ROLLBACK,
        /** Leave traffic where it is and fail the step; a person decides with mlRollback or a new run. */
        HOLD
    }
}
