package io.mlrollout.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mlrollout.core.audit.Attachment;
import io.mlrollout.core.audit.Attachments;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.EvidencePack;
import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a CLI rollout's evidence pack at rest, beside its evidence file: the policy the rollout started with, the
 * endpoint file as given (it names environment variables, never secrets), the attachments kept at the start, and the
 * report.
 */
final class PackWriter {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PackWriter() {}

    /** Writes the pack, which also seals the evidence; empty when the evidence already ends with its pack. */
    static Optional<EvidencePack.Written> write(
            Session session, EvidenceLog evidence, Instant at, Optional<SealKey> key) throws IOException {
        List<RolloutEvent> events = EvidenceLog.readEvents(evidence.file());
        Optional<RolloutEvent.EvidenceAttached> attached = events.stream()
                .filter(RolloutEvent.EvidenceAttached.class::isInstance)
                .map(RolloutEvent.EvidenceAttached.class::cast)
                .findFirst();
        List<Attachment> attachments =
                attached.isPresent() ? Attachments.load(session.files.attachments(), attached.get()) : List.of();
        Report report = ReportBuilder.of(events)
                .withEvidence(Report.EvidenceHead.of(evidence, key))
                .withLimits(session.policy.metrics());
        EvidencePack.Contents contents = new EvidencePack.Contents(
                Files.readString(session.keptPolicy(), StandardCharsets.UTF_8),
                YAML.readValue(session.endpointFile.toFile(), new TypeReference<Map<String, Object>>() {}),
                attachments,
                HtmlReport.render(report));
        return EvidencePack.write(session.files.pack(), contents, evidence, at, key);
    }
}
