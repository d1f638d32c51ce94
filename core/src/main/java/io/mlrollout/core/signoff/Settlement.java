package io.mlrollout.core.signoff;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * How and when a gate was settled; a gate settles once and stays settled.
 *
 * @param summary one sentence for the build log and the report, e.g. {@code approved by alice, bob (quorum 2)}
 */
public record Settlement(Outcome outcome, Instant at, String summary) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Settlement {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(summary, "summary");
    }

    public enum Outcome {
        /** The quorum of approvers approved. */
        APPROVED,
        /** An administrator overrode the gate: the rollout goes on, and the record says it was an override. */
        OVERRIDDEN,
        /** An approver rejected. */
        REJECTED,
        /** Nobody settled it in time; the policy's {@code onExpiry} says what follows. */
        EXPIRED;

        /** Whether the rollout may go past the gate. */
        public boolean letsThrough() {
            return this == APPROVED || this == OVERRIDDEN;
        }
    }
}
