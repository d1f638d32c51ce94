package io.mlrollout.cli;

import io.mlrollout.core.audit.Attachment;
import io.mlrollout.core.audit.Attachments;
import io.mlrollout.core.policy.EvidenceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code canary --attach NAME=FILE}: reads the files a rollout brings for its evidence pack and refuses, before anything
 * moves, a missing, empty or oversized file, a bad name, or a rollout without an attachment the policy requires.
 */
final class EvidenceInputs {

    static final String ATTACH = "--attach";

    private EvidenceInputs() {}

    static List<Attachment> read(Map<String, String> attach, EvidenceSettings required) throws InputException {
        List<InputError> errors = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        for (Map.Entry<String, String> entry : attach.entrySet()) {
            String field = field(entry.getKey());
            String name = entry.getValue();
            if (!EvidenceSettings.ATTACHMENT_NAME.matcher(entry.getKey()).matches()) {
                // Said now, not after the file is found: one run names both mistakes.
                errors.add(new InputError(field, EvidenceSettings.notAnAttachmentName(entry.getKey())));
                continue;
            }
            Path file;
            try {
                file = Path.of(name);
            } catch (InvalidPathException bad) {
                errors.add(new InputError(field, "'" + name + "' is not a file path"));
                continue;
            }
            if (!Files.isRegularFile(file)) {
                errors.add(new InputError(field, "no such file: " + file));
                continue;
            }
            try {
                long size = Files.size(file);
                if (size > Attachment.MAX_BYTES) {
                    errors.add(new InputError(
                            field,
                            file + " has " + size + " bytes, more than the " + Attachment.MAX_BYTES + " allowed"));
                    continue;
                }
                attachments.add(new Attachment(entry.getKey(), name, Files.readAllBytes(file)));
            } catch (IOException unreadable) {
                errors.add(new InputError(field, "cannot read " + file + ": " + unreadable.getMessage()));
            }
        }
        for (Attachments.Problem problem : Attachments.problems(attachments, required, EvidenceInputs::field)) {
            errors.add(new InputError(problem.field(), problem.message()));
        }
        if (!errors.isEmpty()) {
            throw new InputException("", errors);
        }
        return attachments;
    }

    private static String field(String name) {
        return ATTACH + " " + name;
    }
}
