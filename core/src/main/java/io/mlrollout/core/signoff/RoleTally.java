package io.mlrollout.core.signoff;

import java.util.List;
import java.util.Objects;

/**
 * How far a gate got with one role: who counted for it so far out of how many it needs. Recorded in the gate's
 * events, so the log, the report and the evidence say which roles were still awaited.
 *
 * @param members who holds the role (users and groups), so the reader knows whom to ask
 * @param signedBy the approvers counted for this role; each approver counts for one role only
 */
public record RoleTally(String role, int quorum, List<String> members, List<String> signedBy) {

    public RoleTally {
        Objects.requireNonNull(role, "role");
        members = members == null ? List.of() : List.copyOf(members);
        signedBy = signedBy == null ? List.of() : List.copyOf(signedBy);
    }

    public boolean isMet() {
        return signedBy.size() >= quorum;
    }

    /** E.g. {@code risk 0/1}. */
    public String progress() {
        return role + " " + signedBy.size() + "/" + quorum;
    }
}
