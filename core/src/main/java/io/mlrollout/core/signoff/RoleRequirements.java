package io.mlrollout.core.signoff;

import io.mlrollout.core.policy.PolicyError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Combines the roles a policy's {@code signOff.roles} asks for with the endpoint's responsibility matrix: the matrix
 * says who holds a role and how many of them every gate needs at least; the policy may ask for more, never fewer, and
 * may name only roles the matrix has (a pipeline cannot make up who signs for risk).
 */
final class RoleRequirements {

    private RoleRequirements() {}

    /** The roles a gate needs, in the matrix's order; each problem goes to {@code errors} with its field path. */
    static List<RoleQuorum> combine(
            Map<String, Integer> requested, ResponsibilityMatrix matrix, List<PolicyError> errors) {
        requested
                .keySet()
                .forEach(name ->
                        matrix.unknownRole(name).ifPresent(why -> errors.add(new PolicyError(path(name), why))));
        List<RoleQuorum> roles = new ArrayList<>();
        matrix.roles().forEach((name, role) -> {
            int floor = role.minimumQuorum();
            Integer asked = requested.get(name);
            if (asked != null && asked < floor) {
                errors.add(new PolicyError(
                        path(name),
                        asked + " is below the endpoint's minimum of " + floor + " for " + name
                                + "; a pipeline may raise a role's quorum, never lower it"));
                return;
            }
            int quorum = Math.max(floor, asked == null ? 0 : asked);
            if (quorum == 0) {
                return;
            }
            if (role.members().isEmpty()) {
                errors.add(new PolicyError(
                        path(name),
                        "the endpoint's role " + name + " has no members, so nobody could sign for it; an"
                                + " administrator must name its users or groups"));
                return;
            }
            roles.add(new RoleQuorum(name, role.members(), quorum, role.escalation()));
        });
        return roles;
    }

    /** How many approvals the roles need together: one approver fills one role's seat at most. */
    static int seats(List<RoleQuorum> roles) {
        return roles.stream().mapToInt(RoleQuorum::quorum).sum();
    }

    static boolean endpointInsists(ResponsibilityMatrix matrix) {
        return matrix.roles().values().stream().anyMatch(role -> role.minimumQuorum() > 0);
    }

    /** E.g. {@code risk 1, platform 1}. */
    static String endpointFloors(ResponsibilityMatrix matrix) {
        return matrix.roles().entrySet().stream()
                .filter(e -> e.getValue().minimumQuorum() > 0)
                .map(e -> e.getKey() + " " + e.getValue().minimumQuorum())
                .collect(Collectors.joining(", "));
    }

    private static String path(String role) {
        return "signOff.roles." + role;
    }
}
