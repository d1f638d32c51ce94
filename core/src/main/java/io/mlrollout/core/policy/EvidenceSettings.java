package io.mlrollout.core.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The policy's {@code evidence} section: what a rollout must bring along for its evidence pack.
 *
 * @param requireAttachments the names of the files the pipeline must attach (e.g. {@code fairness}); a rollout without
 *     one of them, or with an empty or missing file under that name, is refused before any traffic moves
 */
public record EvidenceSettings(List<String> requireAttachments) {

    /** The names an attachment may have: they become folder names in the pack and keys in a pipeline's map. */
    public static final Pattern ATTACHMENT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /** Why {@code name} cannot name an attachment. */
    public static String notAnAttachmentName(String name) {
        return "'" + name + "' is not an attachment name: start with a letter, then letters, digits, _ or -"
                + " (at most 64)";
    }

    public EvidenceSettings {
        requireAttachments = List.copyOf(requireAttachments);
    }

    public static EvidenceSettings none() {
        return new EvidenceSettings(List.of());
    }
}
