package io.mlrollout.core.signoff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which role each approver counts for, so that one person never counts for two roles at one gate. Approvers
 * are assigned to the roles' seats by a maximum bipartite matching (augmenting paths), not greedily: an approver who
 * holds two roles and signed first is moved to the other role when a later approver can fill only the first, so the
 * order people sign in never blocks a gate that could settle.
 */
final class RoleAssignment {

    private final List<Signature> approvals;
    /** For each seat (role quorum slots laid end to end), the index of the approval sitting in it, or -1. */
    private final int[] seatedBy;

    private final String[] seatRole;

    private RoleAssignment(List<RoleQuorum> roles, List<Signature> approvals) {
        this.approvals = approvals;
        int seats = roles.stream().mapToInt(RoleQuorum::quorum).sum();
        seatedBy = new int[seats];
        seatRole = new String[seats];
        Arrays.fill(seatedBy, -1);
        int seat = 0;
        for (RoleQuorum role : roles) {
            for (int i = 0; i < role.quorum(); i++) {
                seatRole[seat++] = role.role();
            }
        }
    }

    /**
     * @param approvals one approval per person, oldest first; each carries the roles the signer held when signing
     * @return one tally per required role, in the rules' order
     */
    static List<RoleTally> tally(List<RoleQuorum> roles, List<Signature> approvals) {
        RoleAssignment assignment = new RoleAssignment(roles, approvals);
        for (int person = 0; person < approvals.size(); person++) {
            assignment.seat(person, new boolean[assignment.seatedBy.length]);
        }
        List<RoleTally> tallies = new ArrayList<>();
        for (RoleQuorum role : roles) {
            List<String> signedBy = new ArrayList<>();
            // listed in the order they signed
            for (int person = 0; person < approvals.size(); person++) {
                if (assignment.sits(person, role.role())) {
                    signedBy.add(approvals.get(person).userId());
                }
            }
            tallies.add(new RoleTally(role.role(), role.quorum(), role.members(), signedBy));
        }
        return tallies;
    }

    /** Kuhn's augmenting path: seat {@code person}, moving earlier approvers to other seats they may take. */
    private boolean seat(int person, boolean[] visited) {
        for (int seat = 0; seat < seatedBy.length; seat++) {
            if (visited[seat] || !approvals.get(person).roles().contains(seatRole[seat])) {
                continue;
            }
            visited[seat] = true;
            if (seatedBy[seat] < 0 || seat(seatedBy[seat], visited)) {
                seatedBy[seat] = person;
                return true;
            }
        }
        return false;
    }

    private boolean sits(int person, String role) {
        for (int seat = 0; seat < seatedBy.length; seat++) {
            if (seatedBy[seat] == person && seatRole[seat].equals(role)) {
                return true;
            }
        }
        return false;
    }
}
