package io.jenkins.plugins.mlrollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollout's record in its build's directory, {@code <build>/ml-rollout/<endpoint>/}: the hash-chained evidence file
 * ({@code evidence.jsonl}) and the HTML report drawn from it ({@code report.html}). Reopened after a restart, it continues
 * the chain and rebuilds the report from the evidence, so nothing else needs to be kept.
 */
final class AuditTrail {

    static final String EVIDENCE = "evidence.jsonl";
    static final String REPORT = "report.html";

    private final Path directory;
    private final EvidenceLog evidence;
    private final ReportBuilder report;

    private AuditTrail(Path directory, EvidenceLog evidence, ReportBuilder report) {
        this.directory = directory;
        this.evidence = evidence;
        this.report = report;
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
        return new AuditTrail(directory, evidence, report);
    }

    /** The events of the evidence file in {@code directory}, oldest first; none when there is no file yet. */
    static List<RolloutEvent> readEvents(Path directory) throws IOException {
        Path file = directory.resolve(EVIDENCE);
        List<RolloutEvent> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode event = Json.mapper().readTree(line).path("event");
                events.add(Json.mapper().treeToValue(event, RolloutEvent.class));
            }
        }
        return events;
    }

    synchronized void append(RolloutEvent event) throws IOException {
        evidence.append(event);
        report.accept(event);
    }

    /** Writes the report as it stands, replacing the previous one in one move. */
    synchronized void writeReport() throws IOException {
        Path temp = directory.resolve(REPORT + ".tmp");
        Files.writeString(temp, HtmlReport.render(report.report()), StandardCharsets.UTF_8);
        Files.move(
                temp, directory.resolve(REPORT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    synchronized Report report() {
        return report.report();
    }

    /** For the rollout's page: how long the evidence is and its head hash, e.g. {@code 12 lines, head hash 3f...}. */
    synchronized String lengthAndHead() {
        return evidence.lines() + " lines, head hash " + evidence.head();
    }

    /** One line for the build log: how long the evidence is and the hash a later check must end with. */
    synchronized String summary() {
        return "evidence: " + evidence.lines() + " lines in " + evidence.file() + ", head hash " + evidence.head();
    }
}
