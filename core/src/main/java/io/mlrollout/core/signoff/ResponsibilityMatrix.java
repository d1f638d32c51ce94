package io.mlrollout.core.signoff;

import io.mlrollout.core.policy.Suggestions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who is responsible for what on an endpoint, as its administrator configured it: each role (model-owner, platform,
 * risk, data-owner, ...) names the users and groups who hold it, whom to escalate to when a gate waits for it too
 * long, and how many of its holders must approve at every gate of every rollout on the endpoint (a floor a pipeline's
 * policy may raise, never lower).
 *
 * @param roles by role name, in the order the administrator listed them
 */
public record ResponsibilityMatrix(Map<String, Role> roles) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The same spelling as endpoint names, so a role reads the same in YAML, in Jenkins and in a log line. */
    public static final Pattern ROLE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public ResponsibilityMatrix {
        Map<String, Role> copy = new LinkedHashMap<>();
        roles.forEach((name, role) -> {
            if (!ROLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a role name: use lower-case letters, digits"
                        + " and -, not starting with -");
            }
            copy.put(name, Objects.requireNonNull(role, name));
        });
        roles = Collections.unmodifiableMap(copy);
    }

    /** An endpoint without roles: sign-offs name approvers only. */
    public static ResponsibilityMatrix none() {
        return new ResponsibilityMatrix(Map.of());
    }

    public Optional<Role> role(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    /** Why {@code name} is not a role of this matrix, if it is not: with a hint, and the roles it has. */
    public Optional<String> unknownRole(String name) {
        if (roles.containsKey(name)) {
            return Optional.empty();
        }
        if (roles.isEmpty()) {
            return Optional.of("'" + name + "' is not a role of this endpoint: the endpoint defines no roles (an"
                    + " administrator maps roles to people in the endpoint's settings)");
        }
        return Optional.of("'" + name + "' is not a role of this endpoint" + Suggestions.hint(name, roles.keySet())
                + "; its roles are " + String.join(", ", roles.keySet()));
    }

    /** The escalation contacts of these roles, each once, in the matrix's order; for a gate that waits too long. */
    public List<String> escalationFor(Collection<String> roleNames) {
        Set<String> contacts = new LinkedHashSet<>();
        roles.forEach((name, role) -> {
            if (roleNames.contains(name)) {
                contacts.addAll(role.escalation());
            }
        });
        return new ArrayList<>(contacts);
    }

    /**
     * One role of the matrix.
     *
     * @param members user ids or group names who hold the role
     * @param escalation user ids or addresses to tell when a gate waits too long for this role; data for notifiers
     * @param minimumQuorum how many holders must approve at every gate on this endpoint; 0 when the endpoint does not
     *     insist (a policy may still require the role)
     */
    public record Role(List<String> members, List<String> escalation, int minimumQuorum) implements Serializable {

        private static final long serialVersionUID = 1L;

        public Role {
            members = List.copyOf(members);
            escalation = List.copyOf(escalation);
            if (members.stream().anyMatch(String::isBlank)
                    || escalation.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("a role member or escalation contact is blank");
            }
            if (minimumQuorum < 0) {
                throw new IllegalArgumentException("a role's minimum quorum is negative: " + minimumQuorum);
            }
        }
    }
}
