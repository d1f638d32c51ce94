package io.mlrollout.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a template kept in a file, for the command line: the same fields an administrator fills in Jenkins,
 *
 * <pre>
 * name: standard-canary
 * version: 3
 * description: the team's canary   # optional
 * body: |
 *   parameters: ...
 *   stages: ...
 * </pre>
 *
 * so one template has one digest wherever it is kept.
 */
public final class PolicyTemplateFile {

    private static final List<String> KEYS = List.of("name", "version", "description", "body");
    private static final ValueType<Integer> VERSION =
            ValueType.WHOLE_NUMBER.where(v -> v >= 1, v -> "must be 1 or more, not " + v);
    private static final ValueType<String> NAME = ValueType.TEXT.where(
            name -> PolicyTemplate.nameProblem(name).isEmpty(),
            name -> PolicyTemplate.nameProblem(name).orElse(""));

    private PolicyTemplateFile() {}

    /**
     * @throws PolicyException listing every problem with its field path ({@code name}, {@code version}, {@code body})
     */
    public static PolicyTemplate parse(String text) throws PolicyException {
        List<PolicyError> errors = new ArrayList<>();
        Optional<JsonNode> root = DocumentReader.read(text, "template file", errors);
        Optional<MappingReader> file = root.flatMap(node -> MappingReader.of(node, "", KEYS, errors));
        Optional<String> name = file.flatMap(f -> f.required("name", NAME));
        Optional<Integer> version = file.flatMap(f -> f.required("version", VERSION));
        file.ifPresent(f -> f.optional("description", ValueType.TEXT));
        Optional<String> body = file.flatMap(f -> f.required("body", ValueType.TEXT));
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return new PolicyTemplate(name.orElseThrow(), version.orElseThrow(), body.orElseThrow());
    }
}
