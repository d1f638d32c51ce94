package io.mlrollout.core.signoff;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One accepted decision on a gate: the decision record of who decided what, when and why.
 *
 * @param comment the signer's reason; required for approvals and overrides, may be empty for a rejection
 */
public record Signature(String userId, Decision decision, String comment, Instant at) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Signature {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(at, "at");
    }
}
