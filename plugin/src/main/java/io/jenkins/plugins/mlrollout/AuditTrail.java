package io.jenkins.plugins.mlrollout;

import com.fasterxml.jackson.databind.JsonNode;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.audit.Attachment;
import io.mlrollout.core.audit.Attachments;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.EvidencePack;
import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout's record in its build's directory, {@code <build>/ml-rollout/<endpoint>/}: the hash-chained evidence file
 * ({@code evidence.jsonl}), closed by a seal line whenever the rollout comes to rest, and the HTML report drawn from it
 * ({@code report.html}); and, at rest, the evidence pack ({@code evidence-pack.zip}) with the files the pipeline attached,
 * kept under {@code attachments/} from the start. Reopened after a restart, it continues the chain and rebuilds the report from the evidence, so
 * nothing else needs to be kept.
 */
final class AuditTrail {

    static final String EVIDENCE = "evidence.jsonl";
    static final String REPORT = "report.html";
    static final String PACK = "evidence-pack.zip";
    static final String ATTACHMENTS = "attachments";

    private final Path directory;
    private final EvidenceLog evidence;
    private final ReportBuilder report;
    /** The fingerprint of the key of the seal that ends the file, or null (unkeyed, or not sealed). */
    private @CheckForNull String sealedWith;

    private AuditTrail(Path directory, EvidenceLog evidence, ReportBuilder report, @CheckForNull String sealedWith) {
        this.directory = directory;
        this.evidence = evidence;
        this.report = report;
        this.sealedWith = sealedWith;
    }

    /** The directory of {@code endpoint}'s record under a build's directory. */
    static Path directory(Path buildDirectory, String endpoint) {
        return buildDirectory.resolve("ml-rollout").resolve(endpoint);
    }

    /** Opens (or starts) the record in {@code directory}, with the report as the evidence so far tells it. */
    static AuditTrail open(Path directory) throws IOException {
        EvidenceLog evidence = EvidenceLog.open(directory.resolve(EVIDENCE));
        ReportBuilder report = new ReportBuilder();
        readEvents(directory).forEach(report::accept);
        String sealedWith = evidence.sealed() ? lastSealKey(evidence.file()) : null;
        return new AuditTrail(directory, evidence, report, sealedWith);
    }

    /** The events of the evidence file in {@code directory}, oldest first, without seal lines; none without a file. */
    static List<RolloutEvent> readEvents(Path directory) throws IOException {
        return EvidenceLog.readEvents(directory.resolve(EVIDENCE));
    }

    /** The key fingerprint the file's last line (a seal) names, if any. */
    private static @CheckForNull String lastSealKey(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        JsonNode last = Json.mapper().readTree(lines.get(lines.size() - 1));
        return last.path("seal").path("key").asText(null);
    }

    synchronized void append(RolloutEvent event) throws IOException {
        evidence.append(event);
        report.accept(event);
        sealedWith = null;
    }

    /**
     * Closes the evidence as it stands with a seal line (keyed when {@code key} is given), unless it ends with one
     * already; events may follow, and a later rest seals again.
     *
     * @return where the evidence stands now
     */
    synchronized Report.EvidenceHead seal(Instant at, Optional<SealKey> key) throws IOException {
        if (!evidence.sealed()) {
            evidence.seal(at, key);
            sealedWith = evidence.sealed() ? key.map(SealKey::fingerprint).orElse(null) : null;
        }
        return head();
    }

    /** Keeps a copy of the files attached at the start, for the pack written at rest. */
    void keep(List<Attachment> attachments) throws IOException {
        Attachments.store(directory.resolve(ATTACHMENTS), attachments);
    }

    /**
     * Writes the evidence pack, which seals the evidence with its manifest's digest; nothing when the evidence ends with
     * its pack already.
     *
     * @return the event that sealed the pack's manifest, if a pack was written
     */
    synchronized Optional<RolloutEvent.PackSealed> pack(
            Instant at, Optional<SealKey> key, String policyText, Map<String, Object> endpointSettings)
            throws IOException {
        List<RolloutEvent> events = EvidenceLog.readEvents(evidence.file());
        Optional<RolloutEvent.EvidenceAttached> attached = events.stream()
                .filter(RolloutEvent.EvidenceAttached.class::isInstance)
                .map(RolloutEvent.EvidenceAttached.class::cast)
                .findFirst();
        List<Attachment> attachments =
                attached.isPresent() ? Attachments.load(directory.resolve(ATTACHMENTS), attached.get()) : List.of();
        EvidencePack.Contents contents =
                new EvidencePack.Contents(policyText, endpointSettings, attachments, HtmlReport.render(report()));
        Optional<EvidencePack.Written> written =
                EvidencePack.write(directory.resolve(PACK), contents, evidence, at, key);
        written.ifPresent(w -> {
            report.accept(w.event());
            sealedWith = evidence.sealed() ? key.map(SealKey::fingerprint).orElse(null) : null;
        });
        return written.map(EvidencePack.Written::event);
    }

    synchronized boolean sealed() {
        return evidence.sealed();
    }

    /** Where the evidence stands: its line count, head hash, and whether (and with which key) it is sealed. */
    synchronized Report.EvidenceHead head() {
        boolean sealed = evidence.sealed();
        return new Report.EvidenceHead(evidence.lines(), evidence.head(), sealed, sealed ? sealedWith : null);
    }

    /** Writes the report as it stands, replacing the previous one in one move. */
    synchronized void writeReport() throws IOException {
        Path temp = directory.resolve(REPORT + ".tmp");
        Files.writeString(temp, HtmlReport.render(report()), StandardCharsets.UTF_8);
        Files.move(
                temp, directory.resolve(REPORT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The report, stating the evidence file's head. */
    synchronized Report report() {
        return report.report().withEvidence(head());
    }

    /** One line for the build log: where the evidence file is and where it stands, e.g. its head and seal. */
    synchronized String headLine() {
        return "evidence " + evidence.file() + ": " + head().describe();
    }
}
