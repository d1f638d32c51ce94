package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and validates the {@code evidence} section: the attachments a rollout must bring. */
final class EvidenceSection {

    static final List<String> KEYS = List.of("requireAttachments");

    private static final ValueType<String> ATTACHMENT_NAME = TEXT.where(
            name -> EvidenceSettings.ATTACHMENT_NAME.matcher(name).matches(), EvidenceSettings::notAnAttachmentName);

    private final List<PolicyError> errors;

    EvidenceSection(List<PolicyError> errors) {
        this.errors = errors;
    }

    EvidenceSettings read(MappingReader top) {
        Optional<MappingReader> section = top.mapping("evidence", KEYS);
        if (section.isEmpty()) {
            return EvidenceSettings.none();
        }
        List<String> names = new ArrayList<>();
        List<JsonNode> items = section.get().list("requireAttachments").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String path = FieldPath.index(section.get().pathOf("requireAttachments"), i);
            Optional<String> name = MappingReader.read(items.get(i), path, ATTACHMENT_NAME, errors);
            if (name.isPresent() && names.contains(name.get())) {
                errors.add(new PolicyError(path, "'" + name.get() + "' is listed twice"));
            } else {
                name.ifPresent(names::add);
            }
        }
        return new EvidenceSettings(names);
    }
}
