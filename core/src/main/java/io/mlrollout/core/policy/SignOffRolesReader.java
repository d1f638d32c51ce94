package io.mlrollout.core.policy;

import io.mlrollout.core.signoff.ResponsibilityMatrix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code signOff.roles}: how many approvals each role of the endpoint's responsibility matrix must give, e.g.
 * {@code {risk: 1, platform: 1}}. Whether the endpoint has these roles is checked when the policy is combined with it.
 */
final class SignOffRolesReader {

    private static final ValueType<Integer> ROLE_QUORUM =
            ValueType.WHOLE_NUMBER.where(q -> q >= 1, q -> "must be at least 1, got " + q);

    private SignOffRolesReader() {}

    static Map<String, Integer> read(MappingReader signOff, List<PolicyError> errors) {
        Map<String, Integer> roles = new LinkedHashMap<>();
        Optional<MappingReader> section =
                signOff.anyKeysMapping("roles", "a mapping of role names to quorums, e.g. {risk: 1, platform: 1}");
        if (section.isEmpty()) {
            return roles;
        }
        MappingReader mapping = section.get();
        if (mapping.documentKeys().isEmpty()) {
            signOff.error(
                    "roles", "is empty; name roles with their quorum, e.g. {risk: 1, platform: 1}, or leave it out");
        }
        for (String role : mapping.documentKeys()) {
            if (!ResponsibilityMatrix.ROLE_NAME.matcher(role).matches()) {
                mapping.error(role, "'" + role + "' is not a role name: use lower-case letters, digits and -");
                continue;
            }
            mapping.optional(role, ROLE_QUORUM).ifPresent(quorum -> roles.put(role, quorum));
        }
        return roles;
    }
}
