package io.mlrollout.core.signoff;

/** What a signature says. */
public enum Decision {
    /** An approver agrees that the rollout may go on; counts towards the quorum. */
    APPROVE,
    /** An approver stops the rollout: the gate settles as rejected at once. */
    REJECT,
    /** An administrator settles the gate as approved without the quorum; recorded as an override, never as approval. */
    OVERRIDE
}
