package io.mlrollout.core.signoff;

import java.io.Serializable;
import java.util.Objects;
import java.util.Set;

/**
 * The person asking to sign, as the security realm authenticated them.
 *
 * @param userId the realm's user id
 * @param groups the groups (authorities) the realm gives them
 * @param administrator whether they hold Overall/Administer; only that allows an override, never a plain approval
 */
public record Identity(String userId, Set<String> groups, boolean administrator) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Identity {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("a user id is blank");
        }
        groups = Set.copyOf(groups);
    }

    /** A person with no groups and no administrator rights. */
    public static Identity user(String userId) {
        return new Identity(userId, Set.of(), false);
    }
}
