package io.mlrollout.core.audit;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A rollout's evidence pack: one zip with everything an auditor asks for, written when the rollout comes to rest.
 *
 * <p>{@value #MANIFEST} lists the SHA-256 digest of every entry but itself and the evidence chain; its own digest goes
 * into the chain as a {@link RolloutEvent.PackSealed} event, which the seal then closes. So the seal vouches for the
 * chain, the chain for the manifest, and the manifest for every other entry ({@link EvidencePackVerifier} checks all
 * three). Entries are written in a fixed order with the rest's time as their timestamp, so the same rollout gives the
 * same bytes.
 */
public final class EvidencePack {

    public static final String MANIFEST = "MANIFEST.json";
    public static final String EVIDENCE = "evidence.jsonl";
    public static final String ATTACHMENTS = "attachments/";
    public static final String FORMAT = "mlrollout-evidence-pack/1";

    private static final ObjectWriter WRITER =
            Json.mapper().writer(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).withDefaultPrettyPrinter();

    /**
     * What the pack holds besides what the evidence chain tells.
     *
     * @param policyText the policy as the pipeline gave it
     * @param endpointSettings the endpoint's settings, with credentials ids at most: never a secret
     * @param attachments the files attached at the start (their stored copies)
     * @param reportHtml the HTML report as it stands at rest
     */
    public record Contents(
            String policyText, Map<String, Object> endpointSettings, List<Attachment> attachments, String reportHtml) {
        public Contents {
            Objects.requireNonNull(policyText, "policyText");
            endpointSettings = new TreeMap<>(endpointSettings);
            attachments = List.copyOf(attachments);
            Objects.requireNonNull(reportHtml, "reportHtml");
        }
    }

    /** A pack as written: where, and the event that sealed its manifest's digest into the chain. */
    public record Written(Path file, RolloutEvent.PackSealed event) {
        public String manifestSha256() {
            return event.manifestSha256();
        }

        public int entries() {
            return event.entries();
        }
    }

    private EvidencePack() {}

    /**
     * Writes the pack of the rollout whose evidence is {@code evidence} to {@code target}: writes the zip aside, appends
     * the manifest's digest to the chain and seals it (with {@code key} if given), then moves the zip in place. When the
     * zip cannot be written, the chain is left as it was. A chain that is already sealed right after a pack's digest
     * has its pack: nothing is appended or rewritten then.
     *
     * @param at the rest's time: the pack event's, the seal's, and every entry's timestamp
     * @return the pack, or empty when the chain already ends with one
     */
    public static Optional<Written> write(
            Path target, Contents contents, EvidenceLog evidence, Instant at, Optional<SealKey> key)
            throws IOException {
        List<RolloutEvent> events = EvidenceLog.readEvents(evidence.file());
        if (evidence.sealed()
                && !events.isEmpty()
                && events.get(events.size() - 1) instanceof RolloutEvent.PackSealed) {
            return Optional.empty();
        }
        Map<String, byte[]> entries = entries(contents, events);
        byte[] manifest = manifest(events, entries);
        String manifestSha256 = Sha256.hex(manifest);
        RolloutEvent.PackSealed event = new RolloutEvent.PackSealed(at, manifestSha256, entries.size());
        // The zip is written before the chain records it: a pack that cannot be written (a full disk) leaves the chain
        // as it was, to be sealed without a pack and packed at the next rest, not vouching for a pack that is not
        // there.
        byte[] chain = concat(
                Files.readAllBytes(evidence.file()),
                evidence.appendedAndSealed(event, at, key).getBytes(StandardCharsets.UTF_8));

        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                zip(out, at, manifest, chain, entries);
            }
            evidence.append(event);
            evidence.seal(at, key);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException notOnThisFileSystem) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return Optional.of(new Written(target, event));
    }

    /** The entries the manifest lists, by name in sorted order. */
    static Map<String, byte[]> entries(Contents contents, List<RolloutEvent> events) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        String policyName = contents.policyText().stripLeading().startsWith("{") ? "policy.json" : "policy.yaml";
        entries.put(policyName, contents.policyText().getBytes(StandardCharsets.UTF_8));
        entries.put("endpoint.json", json(contents.endpointSettings()));
        Map<String, String> lineage = events.stream()
                .filter(RolloutEvent.EvidenceAttached.class::isInstance)
                .map(e -> ((RolloutEvent.EvidenceAttached) e).lineage())
                .findFirst()
                .orElse(Map.of());
        entries.put("lineage.json", json(lineage));
        for (Attachment a : contents.attachments()) {
            entries.put(ATTACHMENTS + a.name() + "/" + a.fileName(), a.content());
        }
        entries.put("signoffs.json", json(signOffs(events)));
        entries.put("decisions.json", json(decisions(events)));
        entries.put("report.html", contents.reportHtml().getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    private static byte[] manifest(List<RolloutEvent> events, Map<String, byte[]> entries) throws IOException {
        ObjectNode manifest = Json.mapper().createObjectNode();
        manifest.put("format", FORMAT);
        events.stream()
                .filter(RolloutEvent.Started.class::isInstance)
                .map(RolloutEvent.Started.class::cast)
                .findFirst()
                .ifPresent(s -> {
                    manifest.put("rolloutId", s.rolloutId());
                    manifest.put("endpoint", s.endpoint());
                    manifest.put("candidate", s.candidate());
                });
        manifest.put(
                "evidence",
                EVIDENCE + ": checked by its own hash chain and seal; its pack-sealed event holds"
                        + " this manifest's SHA-256");
        ArrayNode list = manifest.putArray("entries");
        entries.forEach((name, bytes) -> list.addObject()
                .put("name", name)
                .put("sha256", Sha256.hex(bytes))
                .put("size", bytes.length));
        return json(manifest);
    }

    /** Every gate, signature (with its comment), refused signature and settled gate, in order. */
    private static ArrayNode signOffs(List<RolloutEvent> events) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (RolloutEvent event : events) {
            if (event instanceof RolloutEvent.GateOpened
                    || event instanceof RolloutEvent.Signed
                    || event instanceof RolloutEvent.SignatureRefused
                    || event instanceof RolloutEvent.GateSettled) {
                list.add(Json.mapper().valueToTree(event));
            }
        }
        return list;
    }

    /** Every decision the rollout made, each with its reasons: verdicts, extensions, rollbacks, halts, promotion. */
    private static ArrayNode decisions(List<RolloutEvent> events) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (RolloutEvent event : events) {
            if (event instanceof RolloutEvent.StageConcluded
                    || event instanceof RolloutEvent.StageExtended
                    || event instanceof RolloutEvent.CanaryPassed
                    || event instanceof RolloutEvent.PromotionStarted
                    || event instanceof RolloutEvent.Promoted
                    || event instanceof RolloutEvent.RollbackStarted
                    || event instanceof RolloutEvent.RolledBack
                    || event instanceof RolloutEvent.RollbackFailed
                    || event instanceof RolloutEvent.Halted
                    || event instanceof RolloutEvent.Aborted
                    || event instanceof RolloutEvent.DryRunChecked
                    || event instanceof RolloutEvent.Ignored) {
                list.add(Json.mapper().valueToTree(event));
            }
        }
        return list;
    }

    private static void zip(OutputStream target, Instant at, byte[] manifest, byte[] chain, Map<String, byte[]> entries)
            throws IOException {
        LocalDateTime time = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        List<Map.Entry<String, byte[]>> ordered = new ArrayList<>();
        ordered.add(Map.entry(MANIFEST, manifest));
        ordered.add(Map.entry(EVIDENCE, chain));
        ordered.addAll(entries.entrySet());
        try (ZipOutputStream zip = new ZipOutputStream(target)) {
            for (Map.Entry<String, byte[]> entry : ordered) {
                ZipEntry zipEntry = new ZipEntry(entry.getKey());
                // Local time without a zone, so the bytes do not depend on the machine's time zone.
                zipEntry.setTimeLocal(time);
                zip.putNextEntry(zipEntry);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] json(Object value) throws IOException {
        return (WRITER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
