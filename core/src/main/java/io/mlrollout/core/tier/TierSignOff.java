package io.mlrollout.core.tier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a tier says about sign-offs.
 *
 * @param kind whether the tier keeps the policy's sign-offs, waives them, or asks for roles
 * @param roles for {@link Kind#ROLES}: how many approvals each role of the endpoint's matrix must give
 */
public record TierSignOff(Kind kind, Map<String, Integer> roles) {

    public TierSignOff {
        Objects.requireNonNull(kind, "kind");
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    }

    public static TierSignOff asWritten() {
        return new TierSignOff(Kind.AS_WRITTEN, Map.of());
    }

    public static TierSignOff none() {
        return new TierSignOff(Kind.NONE, Map.of());
    }

    public static TierSignOff roles(Map<String, Integer> roles) {
        return new TierSignOff(Kind.ROLES, roles);
    }

    public enum Kind {
        /** The tier leaves sign-offs as the policy writes them. */
        AS_WRITTEN,
        /** Auto-approved: no gate waits for anyone (unless an endpoint floor asks for roles). */
        NONE,
        /** A gate waits for these roles, on top of the policy's approvers. */
        ROLES
    }
}
