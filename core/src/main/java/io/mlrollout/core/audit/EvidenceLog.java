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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The evidence file: one JSON line per event, append-only and hash-chained. Each line holds its sequence number, the
 * hash of the line before it ({@code prev}) and its own hash over both and the event, so editing, removing or reordering
 * a line breaks the chain at that line ({@link EvidenceVerifier}).
 *
 * <p>When a rollout comes to rest, a <em>seal</em> line closes the file ({@link #seal}): it states the line count and
 * the head before it, and, with a {@link SealKey}, an HMAC over both. A file whose last line is not a seal was cut off
 * (or its rollout is still running); the head ({@link #head()}) recorded elsewhere (the state file, the report, the
 * build) shows a cut back to an earlier seal; and only the key holder can seal a rewritten file so that it verifies
 * against the key. A seal line has {@code seal} where an event line has {@code event}; {@link #readEvents} skips it.
 * Readers take an event only from a line without a seal ({@link #eventOf}): a seal line's hash covers its seal alone.
 */
public final class EvidenceLog {

    /** The {@code prev} of the first line. */
    public static final String GENESIS = "0".repeat(64);

    private final Path file;
    private long seq;
    private String head;
    private boolean sealed;

    private EvidenceLog(Path file, long seq, String head, boolean sealed) {
        this.file = file;
        this.seq = seq;
        this.head = head;
        this.sealed = sealed;
    }

    /** Opens (or creates) an evidence file and continues its chain, e.g. after a controller restart. */
    public static EvidenceLog open(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (!Files.exists(file)) {
            return new EvidenceLog(file, 0, GENESIS, false);
        }
        List<String> lines = EvidenceLines.read(file);
        if (lines.isEmpty()) {
            return new EvidenceLog(file, 0, GENESIS, false);
        }
        JsonNode last = parsed(file, lines.size(), lines.get(lines.size() - 1));
        if (!last.path("seq").isIntegralNumber() || !last.path("hash").isTextual()) {
            // A blank or foreign last line has no seq or hash: continuing would start a second chain at seq 1.
            throw new IOException(file + " line " + lines.size() + " is not an evidence line, so the evidence cannot"
                    + " be continued: it was edited or damaged");
        }
        return new EvidenceLog(
                file, last.path("seq").asLong(), last.path("hash").asText(), last.has("seal"));
    }

    /** The events of an evidence file in order, without its seal lines. */
    public static List<RolloutEvent> readEvents(Path file) throws IOException {
        List<RolloutEvent> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        List<String> lines = EvidenceLines.read(file);
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1);
            if (line.isBlank()) {
                continue;
            }
            Optional<JsonNode> event = eventOf(parsed(file, number, line));
            if (event.isPresent()) {
                events.add(Json.mapper().treeToValue(event.get(), RolloutEvent.class));
            }
        }
        return events;
    }

    /**
     * The fingerprint of the key that made the file's last seal, wherever that seal is (lines may follow it while the
     * rollout waits for a sign-off); empty when no seal was keyed, or there is no seal or file.
     */
    public static Optional<String> lastSealKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = EvidenceLines.read(file);
        for (int number = lines.size(); number >= 1; number--) {
            if (lines.get(number - 1).contains("\"seal\"")) {
                JsonNode line = parsed(file, number, lines.get(number - 1));
                if (line.has("seal")) {
                    return Optional.ofNullable(line.get("seal").path("key").asText(null));
                }
            }
        }
        return Optional.empty();
    }

    /** A line of {@code file} as JSON; one that is not (cut short, edited) is named with its number, not Jackson's. */
    private static JsonNode parsed(Path file, int number, String line) throws IOException {
        try {
            return Json.mapper().readTree(line);
        } catch (JsonProcessingException damaged) {
            throw new IOException(file + " line " + number + " is not valid JSON, so the evidence cannot be read or"
                    + " continued: it was cut short (a crash or a full disk while it was written) or edited");
        }
    }

    /**
     * The event a parsed line records, if it is an event line. A seal line records none, even if an {@code event} was
     * added to it: its hash covers the seal only, so such an event would be read without the chain vouching for it.
     */
    public static Optional<JsonNode> eventOf(JsonNode line) {
        if (line == null || line.has("seal") || !line.has("event")) {
            return Optional.empty();
        }
        return Optional.of(line.get("event"));
    }

    public synchronized void append(RolloutEvent event) throws IOException {
        ObjectNode body = Json.mapper().valueToTree(event);
        String line = line(seq + 1, head, body);
        Files.writeString(
                file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        seq++;
        head = Json.mapper().readTree(line).path("hash").asText();
        sealed = false;
    }

    /**
     * Closes the file as it stands with a seal line, signed with {@code key} if given; does nothing if the last line is
     * a seal already (a command that finds its rollout at rest seals once). Events may follow a seal (a passed canary
     * is promoted later); the file is then sealed again when it next comes to rest.
     */
    public synchronized void seal(Instant at, Optional<SealKey> key) throws IOException {
        if (sealed || seq == 0) {
            return;
        }
        ObjectNode line = sealLine(seq, head, at, key);
        Files.writeString(
                file, write(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        seq++;
        head = line.get("hash").asText();
        sealed = true;
    }

    /**
     * The two lines that {@link #append} of {@code event} and then {@link #seal} would write, without writing them: what
     * the file will hold is known before anything is appended to it.
     */
    public synchronized String appendedAndSealed(RolloutEvent event, Instant at, Optional<SealKey> key) {
        ObjectNode body = Json.mapper().valueToTree(event);
        String eventHash = hash(seq + 1, head, body);
        return line(seq + 1, head, body) + "\n" + write(sealLine(seq + 1, eventHash, at, key)) + "\n";
    }

    /** The seal line that closes {@code lines} lines ending at {@code head}. */
    private static ObjectNode sealLine(long lines, String head, Instant at, Optional<SealKey> key) {
        ObjectNode seal = Json.mapper().createObjectNode();
        seal.put("at", at.toString());
        seal.put("lines", lines);
        seal.put("head", head);
        key.ifPresent(k -> {
            seal.put("key", k.fingerprint());
            seal.put("hmac", k.mac(sealMaterial(lines, head, at.toString())));
        });
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("seq", lines + 1);
        line.put("prev", head);
        line.put("hash", hash(lines + 1, head, seal));
        line.set("seal", seal);
        return line;
    }

    /** Whether the last line is a seal: the rollout came to rest and nothing was appended since. */
    public synchronized boolean sealed() {
        return sealed;
    }

    /** What a keyed seal's HMAC covers: the line count and the head it closes, and when. */
    static String sealMaterial(long lines, String head, String at) {
        return "mlrollout-seal|" + lines + "|" + head + "|" + at;
    }

    /** The hash of the last line (a seal, once sealed): quote it to prove later that nothing was cut off. */
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
