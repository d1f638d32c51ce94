package io.mlrollout.core.signoff;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One accepted decision on a gate: the decision record of who decided what, when and why.
 *
 * @param comment the signer's reason; required for approvals and overrides, may be empty for a rejection
 * @param roles the gate's required roles the signer held when signing (kept, because the realm's groups that gave them
 *     are not, and the gate must settle the same after a restart); empty when the gate requires no roles
 */
public record Signature(String userId, Decision decision, String comment, Instant at, List<String> roles)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public Signature {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(at, "at");
        // a gate recorded before roles existed has none
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** A signature that holds no required role. */
    public Signature(String userId, Decision decision, String comment, Instant at) {
        this(userId, decision, comment, at, List.of());
    }
}
