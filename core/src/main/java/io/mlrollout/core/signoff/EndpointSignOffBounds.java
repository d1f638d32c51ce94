package io.mlrollout.core.signoff;

import java.io.Serializable;
import java.util.List;

/**
 * What an administrator configured for an endpoint's sign-offs; a pipeline's policy may tighten these, never loosen
 * them (see {@link SignOffRules#effective}).
 *
 * @param approvers user ids or group names who may always sign for this endpoint
 * @param minimumQuorum the fewest approvals any rollout of this endpoint needs; 0 when the endpoint does not insist
 * @param allowSelfApproval whether the person who started a rollout may ever approve it
 * @param matrix the endpoint's roles: who holds them, whom to escalate to, and the roles every gate needs
 */
public record EndpointSignOffBounds(
        List<String> approvers, int minimumQuorum, boolean allowSelfApproval, ResponsibilityMatrix matrix)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public EndpointSignOffBounds {
        approvers = List.copyOf(approvers);
        if (approvers.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("an endpoint approver is blank");
        }
        if (minimumQuorum < 0) {
            throw new IllegalArgumentException("the minimum quorum is negative: " + minimumQuorum);
        }
        matrix = matrix == null ? ResponsibilityMatrix.none() : matrix;
    }

    /** Bounds without a responsibility matrix. */
    public EndpointSignOffBounds(List<String> approvers, int minimumQuorum, boolean allowSelfApproval) {
        this(approvers, minimumQuorum, allowSelfApproval, ResponsibilityMatrix.none());
    }

    /** An endpoint that names no approvers and imposes nothing: the policy alone decides. */
    public static EndpointSignOffBounds none() {
        return new EndpointSignOffBounds(List.of(), 0, true);
    }
}
