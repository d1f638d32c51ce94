package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.audit.Attachment;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code mlCanary} brings for the evidence pack: the lineage facts the pipeline states and the files it attached,
 * recorded right after the start.
 */
record AttachedEvidence(Map<String, String> lineage, List<Attachment> attachments) {

    AttachedEvidence {
        lineage = new TreeMap<>(lineage);
        attachments = List.copyOf(attachments);
    }

    boolean isEmpty() {
        return lineage.isEmpty() && attachments.isEmpty();
    }
}
