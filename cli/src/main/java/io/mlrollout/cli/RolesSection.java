package io.mlrollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an endpoint file's {@code roles}: the responsibility matrix, each role with its members (users and groups),
 * its escalation contacts and the approvals every gate needs from it, e.g.
 *
 * <pre>
 * roles:
 *   risk: {members: [carol, ml-risk], escalation: [risk-lead@example.com], minimumQuorum: 1}
 * </pre>
 */
final class RolesSection {

    private static final List<String> ROLE_KEYS = List.of("members", "escalation", "minimumQuorum");

    private RolesSection() {}

    static ResponsibilityMatrix read(Fields top, List<InputError> errors) {
        JsonNode node = top.rawMapping("roles");
        if (node == null) {
            return ResponsibilityMatrix.none();
        }
        if (!node.isObject()) {
            top.error(
                    "roles",
                    "expected a mapping of role names to {members, escalation, minimumQuorum}, got "
                            + Fields.describe(node));
            return ResponsibilityMatrix.none();
        }
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        Map<String, ResponsibilityMatrix.Role> roles = new LinkedHashMap<>();
        Optional<Fields> section = top.mapping("roles", names);
        for (String name : names) {
            String path = top.pathOf("roles") + "." + name;
            if (!ResponsibilityMatrix.ROLE_NAME.matcher(name).matches()) {
                errors.add(new InputError(
                        path,
                        "'" + name + "' is not a role name: use lower-case letters, digits"
                                + " and -, e.g. model-owner"));
                continue;
            }
            section.flatMap(s -> s.requiredMapping(name, ROLE_KEYS)).ifPresent(role -> {
                List<String> members = role.textList("members");
                if (members.isEmpty()) {
                    role.error("members", "is required: the user ids or group names who hold the role");
                }
                roles.put(
                        name,
                        new ResponsibilityMatrix.Role(
                                members, role.textList("escalation"), role.wholeNumber("minimumQuorum", 0, 0)));
            });
        }
        return new ResponsibilityMatrix(roles);
    }
}
