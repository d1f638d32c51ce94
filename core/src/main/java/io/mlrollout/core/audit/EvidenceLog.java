package io.mlrollout.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The evidence file: one JSON line per event, append-only and hash-chained. Each line holds its sequence number, the
 * hash of the line before it ({@code prev}) and its own hash over both and the event, so editing, removing or reordering
 * a line breaks the chain at that line ({@link EvidenceVerifier}). The last hash ({@link #head()}) is also printed in
 * the build log, so cutting lines off the end shows too.
 */
public final class EvidenceLog {

    /** The {@code prev} of the first line. */
    public static final String GENESIS = "0".repeat(64);

    private final Path file;
    private long seq;
    private String head;

    private EvidenceLog(Path file, long seq, String head) {
        this.file = file;
        this.seq = seq;
        this.head = head;
    }

    /** Opens (or creates) an evidence file and continues its chain, e.g. after a controller restart. */
    public static EvidenceLog open(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (!Files.exists(file)) {
            return new EvidenceLog(file, 0, GENESIS);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return new EvidenceLog(file, 0, GENESIS);
        }
        JsonNode last = Json.mapper().readTree(lines.get(lines.size() - 1));
        return new EvidenceLog(
                file, last.path("seq").asLong(), last.path("hash").asText());
    }

    public synchronized void append(RolloutEvent event) throws IOException {
        ObjectNode body = Json.mapper().valueToTree(event);
        String line = line(seq + 1, head, body);
        Files.writeString(
                file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        seq++;
        head = Json.mapper().readTree(line).path("hash").asText();
    }

    /** The hash of the last line: quote it to prove later that nothing was cut off. */
    public synchronized String head() {
        return head;
    }

    public synchronized long lines() {
        return seq;
    }

    public Path file() {
        return file;
    }

    static String line(long seq, String prev, JsonNode event) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("seq", seq);
        line.put("prev", prev);
        line.put("hash", hash(seq, prev, event));
        line.set("event", event);
        return write(line);
    }

    /** SHA-256 over the sequence number, the previous hash and the event's JSON as written. */
    static String hash(long seq, String prev, JsonNode event) {
        String material = seq + "|" + prev + "|" + write(event);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
