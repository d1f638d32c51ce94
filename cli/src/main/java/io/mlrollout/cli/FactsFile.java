package io.mlrollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.policy.DocumentReader;
import io.mlrollout.core.policy.PolicyError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code canary --facts FILE}: the facts about a change as a YAML or JSON mapping, e.g. written by the training job
 * ({@code {changeType: retrain, evalDelta: 0.001, featuresChanged: false}}). Numbers and booleans keep their type; the
 * policy's declarations check them as they check {@code --fact}.
 */
final class FactsFile {

    private FactsFile() {}

    static Map<String, Object> read(Path file) throws InputException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new InputException("", "--facts", file + " is not a file");
        }
        List<PolicyError> errors = new ArrayList<>();
        Optional<JsonNode> root =
                DocumentReader.read(Files.readString(file, StandardCharsets.UTF_8), "facts file", errors);
        Map<String, Object> facts = new LinkedHashMap<>();
        if (root.isPresent() && !root.get().isObject()) {
            errors.add(new PolicyError("", "expected a mapping of fact names to values, e.g. {changeType: retrain}"));
        } else if (root.isPresent()) {
            root.get().fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (value.isTextual()) {
                    facts.put(field.getKey(), value.textValue());
                } else if (value.isNumber()) {
                    facts.put(field.getKey(), value.decimalValue());
                } else if (value.isBoolean()) {
                    facts.put(field.getKey(), value.booleanValue());
                } else {
                    errors.add(new PolicyError(field.getKey(), "expected text, a number or true/false"));
                }
            });
        }
        if (!errors.isEmpty()) {
            throw new InputException(
                    file.toString(), errors.stream().map(InputError::from).toList());
        }
        return facts;
    }
}
