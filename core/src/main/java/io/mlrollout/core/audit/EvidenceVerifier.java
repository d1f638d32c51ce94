package io.mlrollout.core.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mlrollout.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks an evidence file: its hash chain (names the first line that breaks it), whether a seal closes it, and, given
 * the key, whether every keyed seal was made with it. What each level proves is in {@code docs/cli.md} ("Evidence").
 */
public final class EvidenceVerifier {

    /** How the file ends. */
    public enum Sealing {
        /** The last line is not a seal: lines were cut off the end, or the rollout has not come to rest. */
        NOT_SEALED,
        /** The last line is a seal without a key, or one whose key was not given to check it. */
        SEALED,
        /** The last line is a seal whose HMAC was checked with the key given. */
        SEALED_WITH_KEY
    }

    /**
     * @param lines how many lines were checked (up to and including a broken one)
     * @param head the last line's hash when the chain is intact
     * @param problem the first broken line, if any
     * @param sealing how the file ends (meaningful when intact)
     * @param keyFingerprint the fingerprint of the key that made the last seal, if it was keyed
     */
    public record Result(
            int lines, String head, Optional<Problem> problem, Sealing sealing, Optional<String> keyFingerprint) {
        public boolean intact() {
            return problem.isEmpty();
        }

        public boolean sealed() {
            return intact() && sealing != Sealing.NOT_SEALED;
        }
    }

    /** @param line 1-based line number */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    /** Every field of an event line and of a seal line: anything more in a line is content its hash does not cover. */
    private static final Set<String> EVENT_LINE = Set.of("seq", "prev", "hash", "event");

    private static final Set<String> SEAL_LINE = Set.of("seq", "prev", "hash", "seal");

    /** A field given twice would be read as one value by the hash and perhaps the other by someone reading the file. */
    private static final ObjectReader LINE_READER =
            Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private EvidenceVerifier() {}

    public static Result verify(Path file) throws IOException {
        return verify(file, Optional.empty());
    }

    public static Result verify(Path file, Optional<SealKey> key) throws IOException {
        List<String> lines;
        try {
            lines = EvidenceLines.read(file);
        } catch (EvidenceLines.NotUtf8Exception damaged) {
            Result before = verify(damaged.linesBefore(), Optional.empty());
            return before.intact()
                    ? broken(damaged.line(), "is not valid UTF-8: the line was edited or damaged")
                    : before;
        }
        return verify(lines, key);
    }

    public static Result verify(List<String> lines) {
        return verify(lines, Optional.empty());
    }

    /** With a key, every keyed seal must match it and the file must end with one. */
    public static Result verify(List<String> lines, Optional<SealKey> key) {
        String expectedPrev = EvidenceLog.GENESIS;
        JsonNode lastSeal = null;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            JsonNode line;
            try (JsonParser parser = LINE_READER.createParser(lines.get(i))) {
                line = LINE_READER.readTree(parser);
                if (line != null && textFollows(parser)) {
                    return broken(
                            number, "has text after its JSON, which its hash does not cover: the line was edited");
                }
            } catch (StreamReadException e) {
                return broken(
                        number,
                        String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")
                                ? "gives a field twice: the line was edited"
                                : "not valid JSON: the line was edited or damaged");
            } catch (IOException e) {
                return broken(number, "not valid JSON: the line was edited or damaged");
            }
            boolean seal = line != null && line.has("seal");
            if (line == null
                    || !line.path("seq").isIntegralNumber()
                    || !line.path("prev").isTextual()
                    || !line.path("hash").isTextual()
                    || !(line.has("event") || seal)) {
                return broken(
                        number,
                        "not an evidence line (a whole-number seq, text prev and hash, and event or seal are"
                                + " required)");
            }
            List<String> uncovered = uncoveredFields(line, seal ? SEAL_LINE : EVENT_LINE);
            if (!uncovered.isEmpty()) {
                return broken(number, "has fields its hash does not cover " + uncovered + ": the line was edited");
            }
            long seq = line.get("seq").asLong();
            if (seq != number) {
                return broken(number, "has sequence number " + seq + ": lines were removed, inserted or reordered");
            }
            String prev = line.get("prev").asText();
            String recomputed = EvidenceLog.hash(seq, prev, seal ? line.get("seal") : line.get("event"));
            if (!recomputed.equals(line.get("hash").asText())) {
                return broken(number, "was edited: its content does not match its hash");
            }
            if (!prev.equals(expectedPrev)) {
                return broken(
                        number,
                        "does not follow line " + (number - 1) + ": line " + (number - 1)
                                + " was edited (and its hash rewritten), or lines were removed or reordered");
            }
            if (seal) {
                Optional<String> wrong = checkSeal(line.get("seal"), number, prev, key);
                if (wrong.isPresent()) {
                    return broken(number, wrong.get());
                }
            }
            lastSeal = seal ? line.get("seal") : null;
            expectedPrev = line.get("hash").asText();
        }
        Optional<String> fingerprint =
                Optional.ofNullable(lastSeal).map(s -> s.path("key").asText(null));
        if (key.isPresent() && (lastSeal == null || fingerprint.isEmpty())) {
            return broken(
                    lines.size(),
                    lastSeal == null
                            ? "the file does not end with a seal, so the key proves nothing: lines were cut off the"
                                    + " end, or the rollout has not come to rest"
                            : "the last seal was made without a key, so the key proves nothing about the file");
        }
        Sealing sealing =
                lastSeal == null ? Sealing.NOT_SEALED : key.isPresent() ? Sealing.SEALED_WITH_KEY : Sealing.SEALED;
        return new Result(lines.size(), expectedPrev, Optional.empty(), sealing, fingerprint);
    }

    /**
     * Whether anything but whitespace follows the line's JSON value. A reader of JSON lines (jq, say) takes a second
     * object as a record of its own, so it must not pass unnoticed.
     */
    private static boolean textFollows(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() != null;
        } catch (StreamReadException notJson) {
            return true;
        }
    }

    /** The line's fields beyond those of its kind, in order; a seal line's {@code event} among them. */
    private static List<String> uncoveredFields(JsonNode line, Set<String> kind) {
        List<String> extra = new ArrayList<>();
        line.fieldNames().forEachRemaining(name -> {
            if (!kind.contains(name)) {
                extra.add(name);
            }
        });
        return extra;
    }

    private static Optional<String> checkSeal(JsonNode seal, int number, String prev, Optional<SealKey> key) {
        if (seal.path("lines").asLong() != number - 1
                || !seal.path("head").asText().equals(prev)) {
            return Optional.of("is a seal that does not match the lines before it");
        }
        String fingerprint = seal.path("key").asText(null);
        if (key.isEmpty() || fingerprint == null) {
            return Optional.empty();
        }
        if (!fingerprint.equals(key.get().fingerprint())) {
            return Optional.of("is a seal made with another key (" + fingerprint + ", not "
                    + key.get().fingerprint() + ")");
        }
        String expected = key.get()
                .mac(EvidenceLog.sealMaterial(number - 1, prev, seal.path("at").asText()));
        if (!expected.equals(seal.path("hmac").asText())) {
            return Optional.of("is a seal whose HMAC does not match the key: the lines before it were rewritten"
                    + " after they were sealed");
        }
        return Optional.empty();
    }

    private static Result broken(int line, String message) {
        return new Result(line, null, Optional.of(new Problem(line, message)), Sealing.NOT_SEALED, Optional.empty());
    }
}
