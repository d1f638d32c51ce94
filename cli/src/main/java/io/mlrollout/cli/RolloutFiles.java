package io.mlrollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.RolloutStateCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of one rollout, side by side: the state (what a resumed run continues from), the hash-chained evidence
 * file (every event), and the report drawn from the evidence (HTML for people, JSON for tools).
 *
 * @param state the rollout's state, JSON
 * @param evidence one hash-chained JSON line per event
 * @param reportHtml the human report with charts
 * @param reportJson the same report as JSON
 */
public record RolloutFiles(Path state, Path evidence, Path reportHtml, Path reportJson) {

    /** The demo's layout: fixed names in one folder. */
    public static RolloutFiles in(Path folder) {
        return new RolloutFiles(
                folder.resolve("state.json"),
                folder.resolve("evidence.jsonl"),
                folder.resolve("report.html"),
                folder.resolve("report.json"));
    }

    /**
     * The layout beside a state file the user named: {@code rollout.json} keeps its evidence in {@code
     * rollout.evidence.jsonl} and its report in {@code rollout.report.html} and {@code rollout.report.json}.
     */
    public static RolloutFiles beside(Path stateFile) {
        String name = stateFile.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        return new RolloutFiles(
                stateFile,
                stateFile.resolveSibling(stem + ".evidence.jsonl"),
                stateFile.resolveSibling(stem + ".report.html"),
                stateFile.resolveSibling(stem + ".report.json"));
    }

    /** The evidence pack written at rest, beside the evidence file: {@code rollout.evidence-pack.zip}. */
    public Path pack() {
        return evidence.resolveSibling(stem(evidence) + "-pack.zip");
    }

    /** Where the files attached at the start are kept for the pack: {@code rollout.evidence.attachments/}. */
    public Path attachments() {
        return evidence.resolveSibling(stem(evidence) + ".attachments");
    }

    /**
     * The policy file as it was when the rollout started: {@code rollout.evidence.policy.yaml}. The commands that follow
     * must be given the same, and the pack keeps it, so the rollout is judged and recorded under one policy.
     */
    public Path policyAtStart() {
        return evidence.resolveSibling(stem(evidence) + ".policy.yaml");
    }

    /**
     * Where {@code mlrollout open-window} leaves its request for the process that holds the state file's lock: {@code
     * rollout.open-window.json}.
     */
    public Path windowRequest() {
        String name = state.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        return state.resolveSibling(stem + ".open-window.json");
    }

    private static String stem(Path evidence) {
        String name = evidence.getFileName().toString();
        return name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
    }

    /**
     * The saved state, if there is one.
     *
     * @throws IllegalArgumentException when the file is not a rollout state
     */
    public Optional<RolloutState> readState() throws IOException {
        if (!Files.exists(state)) {
            return Optional.empty();
        }
        return Optional.of(RolloutStateCodec.read(Files.readString(state, StandardCharsets.UTF_8)));
    }

    /**
     * Replaces the state file atomically: written beside it, then renamed over it, so a run that dies half-way leaves
     * the previous state, never a torn one. The evidence file's line count, head and seal go beside the state (under
     * {@code "evidence"}), so the state file tells which evidence it belongs to.
     */
    public void saveState(RolloutState value, Report.EvidenceHead head) throws IOException {
        ObjectNode json = (ObjectNode) Json.mapper().readTree(RolloutStateCodec.write(value));
        json.set("evidence", Json.mapper().valueToTree(head));
        writeAtomically(state, Json.mapper().writeValueAsString(json));
    }

    /** The evidence head the state file recorded, if it did. */
    public Optional<Report.EvidenceHead> recordedHead() throws IOException {
        if (!Files.exists(state)) {
            return Optional.empty();
        }
        JsonNode evidence = Json.mapper()
                .readTree(Files.readString(state, StandardCharsets.UTF_8))
                .path("evidence");
        return evidence.isObject()
                ? Optional.of(Json.mapper().treeToValue(evidence, Report.EvidenceHead.class))
                : Optional.empty();
    }

    /** Every event recorded so far, read back from the evidence file. */
    public List<RolloutEvent> events() throws IOException {
        return EvidenceLog.readEvents(evidence);
    }

    /**
     * The events in the complete lines of the evidence file, for a reader while another process may be appending: a
     * last line still being written is left out.
     */
    public List<RolloutEvent> eventsWrittenSoFar() throws IOException {
        if (!Files.exists(evidence)) {
            return List.of();
        }
        byte[] bytes = Files.readAllBytes(evidence);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        List<RolloutEvent> events = new ArrayList<>();
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Optional<JsonNode> event = EvidenceLog.eventOf(Json.mapper().readTree(line));
            if (event.isPresent()) {
                events.add(Json.mapper().treeToValue(event.get(), RolloutEvent.class));
            }
        }
        return events;
    }

    public EvidenceLog openEvidence() throws IOException {
        return EvidenceLog.open(evidence);
    }

    /**
     * Draws the report from the evidence file and writes it as HTML and JSON, stating where the evidence file stands
     * and drawing what the policy allows.
     */
    public Report writeReport(Report.EvidenceHead head, Policy policy) throws IOException {
        return writeReport(ReportBuilder.of(events()).withEvidence(head).withLimits(policy.metrics()));
    }

    private Report writeReport(Report report) throws IOException {
        writeAtomically(reportHtml, HtmlReport.render(report));
        writeAtomically(
                reportJson, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
        return report;
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException notOnThisFileSystem) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
