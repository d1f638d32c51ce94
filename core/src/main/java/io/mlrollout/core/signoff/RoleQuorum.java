package io.mlrollout.core.signoff;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A role a gate needs approvals from: the endpoint's floor and the policy's demand combined.
 *
 * @param role the role's name in the endpoint's responsibility matrix
 * @param members the users and groups who hold it
 * @param quorum how many different holders must approve
 * @param escalation whom to tell when the gate waits too long for this role
 */
public record RoleQuorum(String role, List<String> members, int quorum, List<String> escalation)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public RoleQuorum {
        Objects.requireNonNull(role, "role");
        members = List.copyOf(members);
        escalation = List.copyOf(escalation);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("the role " + role + " has no members");
        }
        if (quorum < 1) {
            throw new IllegalArgumentException("the role " + role + " needs a quorum of at least 1, got " + quorum);
        }
    }
}
