package io.mlrollout.core.signoff;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a gate stands against its rules: how many people approved of how many needed, and per required role who
 * counted for it.
 */
public record GateTally(int approvals, int quorum, List<RoleTally> roles) {

    public GateTally {
        roles = List.copyOf(roles);
    }

    /** Whether enough different people approved and every role's quorum is filled. */
    public boolean isMet() {
        return approvals >= quorum && roles.stream().allMatch(RoleTally::isMet);
    }

    /** The roles still short of their quorum. */
    public List<String> rolesShort() {
        return roles.stream().filter(r -> !r.isMet()).map(RoleTally::role).toList();
    }

    /**
     * E.g. {@code waiting for: risk 0/1, platform 1/1}, or {@code every role signed: risk 1/1, platform 1/1}; every
     * required role is listed so the reader sees the whole gate. Empty when the gate requires no roles.
     */
    public String waitingFor() {
        if (roles.isEmpty()) {
            return "";
        }
        String progress = roles.stream().map(RoleTally::progress).collect(Collectors.joining(", "));
        return rolesShort().isEmpty() ? "every role signed: " + progress : "waiting for: " + progress;
    }
}
