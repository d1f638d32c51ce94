package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each level of protection catches: the chain (edits), the seal (a cut end), the recorded head (a cut back to
 * an earlier seal) and the keyed seal (a rewrite with the chain and the seal recomputed by someone without the key).
 */
class EvidenceSealTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final SealKey KEY = SealKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private Path sealedFile(Optional<SealKey> key) throws IOException {
        Path file = dir.resolve("evidence.jsonl");
        EvidenceLog log = EvidenceLog.open(file);
        for (int i = 0; i < 4; i++) {
            log.append(new RolloutEvent.TrafficShifted(
                    T0.plusSeconds(60L * i), i + 1, new TrafficSplit("v1", "v2", 10 * (i + 1), true)));
        }
        log.seal(T0.plusSeconds(600), key);
        return file;
    }

    private static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    @Test
    void aSealedFileVerifiesAsSealedAndItsHeadIsTheSeal() throws IOException {
        Path file = sealedFile(Optional.empty());
        EvidenceLog reopened = EvidenceLog.open(file);

        EvidenceVerifier.Result result = EvidenceVerifier.verify(file);

        assertThat(result.sealed()).isTrue();
        assertThat(result.lines()).isEqualTo(5);
        assertThat(result.head()).isEqualTo(reopened.head());
        assertThat(reopened.sealed()).isTrue();
        assertThat(EvidenceLog.readEvents(file)).hasSize(4);
    }

    @Test
    void sealingTwiceAddsOneSealAndAnEventAfterASealNeedsANewOne() throws IOException {
        Path file = sealedFile(Optional.empty());
        EvidenceLog log = EvidenceLog.open(file);
        log.seal(T0.plusSeconds(700), Optional.empty());
        assertThat(lines(file)).hasSize(5);

        log.append(new RolloutEvent.Halted(T0.plusSeconds(800), "promotion failed"));
        assertThat(EvidenceVerifier.verify(file).sealing()).isEqualTo(EvidenceVerifier.Sealing.NOT_SEALED);
        log.seal(T0.plusSeconds(900), Optional.empty());
        assertThat(EvidenceVerifier.verify(file).sealed()).isTrue();
        assertThat(EvidenceLog.readEvents(file)).hasSize(5);
    }

    @Test
    void aFileWithItsLastLineCutOffIsNotSealed() throws IOException {
        List<String> lines = lines(sealedFile(Optional.empty()));
        lines.remove(lines.size() - 1);

        EvidenceVerifier.Result result = EvidenceVerifier.verify(lines);

        assertThat(result.intact()).isTrue();
        assertThat(result.sealed()).isFalse();
        assertThat(result.sealing()).isEqualTo(EvidenceVerifier.Sealing.NOT_SEALED);
    }

    @Test
    void aSealThatClaimsOtherLinesIsBroken() throws IOException {
        List<String> lines = lines(sealedFile(Optional.empty()));
        lines.remove(3); // the last event goes, and the seal is re-chained after line 3 but still claims 4 lines
        lines.set(3, rechained(lines.get(3), 4, hashOf(lines.get(2))));

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(p -> assertThat(p.toString())
                        .isEqualTo("line 4: is a seal that does not match the lines before it"));
    }

    @Test
    void aForgedLineWithTheChainAndAnUnkeyedSealRecomputedVerifiesWithoutTheKeyButNotWithIt() throws IOException {
        List<String> lines = lines(sealedFile(Optional.of(KEY)));
        String originalHead = EvidenceVerifier.verify(lines).head();
        List<String> forged = rewrite(lines, 1, event -> event.with("split").put("canaryWeight", 1));

        EvidenceVerifier.Result withoutKey = EvidenceVerifier.verify(forged);
        assertThat(withoutKey.sealed())
                .as("a rewrite by someone who knows the format")
                .isTrue();
        assertThat(withoutKey.head()).as("the recorded head gives it away").isNotEqualTo(originalHead);

        assertThat(EvidenceVerifier.verify(forged, Optional.of(KEY)).problem())
                .hasValueSatisfying(p -> assertThat(p.toString())
                        .isEqualTo("line 5: the last seal was made without a key, so the key proves nothing about"
                                + " the file"));
    }

    @Test
    void aDeletionWithTheChainRecomputedAndTheKeyedSealCopiedFailsTheKey() throws IOException {
        List<String> lines = lines(sealedFile(Optional.of(KEY)));
        lines.remove(1);
        List<String> rechained = rechainAll(lines, false);

        assertThat(EvidenceVerifier.verify(rechained, Optional.of(KEY)).problem())
                .hasValueSatisfying(p -> assertThat(p.message()).contains("seal"));
    }

    @Test
    void aKeyedSealVerifiesWithItsKeyAndNotWithAnother() throws IOException {
        Path file = sealedFile(Optional.of(KEY));

        EvidenceVerifier.Result right = EvidenceVerifier.verify(file, Optional.of(KEY));
        assertThat(right.sealing()).isEqualTo(EvidenceVerifier.Sealing.SEALED_WITH_KEY);
        assertThat(right.keyFingerprint()).contains(KEY.fingerprint());

        SealKey other = SealKey.of("another key, also long enough".getBytes(StandardCharsets.UTF_8));
        assertThat(EvidenceVerifier.verify(file, Optional.of(other)).problem())
                .hasValueSatisfying(p -> assertThat(p.message()).startsWith("is a seal made with another key"));
    }

    @Test
    void aKeyedSealWithARecomputedHmacByTheWrongKeyIsCaught() throws IOException {
        List<String> lines = lines(sealedFile(Optional.of(KEY)));
        // Someone copies the real key's fingerprint into a seal they made with their own key.
        SealKey theirs = SealKey.of("their own key, long enough too".getBytes(StandardCharsets.UTF_8));
        ObjectNode seal =
                (ObjectNode) Json.mapper().readTree(lines.get(4)).get("seal").deepCopy();
        seal.put(
                "hmac",
                theirs.mac(EvidenceLog.sealMaterial(
                        4, seal.get("head").asText(), seal.get("at").asText())));
        lines.set(4, lineWith(5, seal.get("head").asText(), "seal", seal));

        assertThat(EvidenceVerifier.verify(lines, Optional.of(KEY)).problem())
                .hasValueSatisfying(p -> assertThat(p.toString())
                        .isEqualTo("line 5: is a seal whose HMAC does not match the key: the lines before it were"
                                + " rewritten after they were sealed"));
    }

    // ---- content beside what a line's hash covers

    @Test
    void anEventAddedToAKeyedSealLineIsCaughtAndNeverRead() throws IOException {
        Path file = sealedFile(Optional.of(KEY));
        List<String> lines = lines(file);
        // A seal line's hash and HMAC cover its seal; an event written beside it would be read on no one's word.
        ObjectNode sealLine = (ObjectNode) Json.mapper().readTree(lines.get(4));
        sealLine.set("event", Json.mapper().valueToTree(new RolloutEvent.Halted(T0.plusSeconds(650), "forged")));
        lines.set(4, sealLine.toString());
        Files.write(file, lines, StandardCharsets.UTF_8);

        assertThat(EvidenceVerifier.verify(file, Optional.of(KEY)).problem())
                .hasValueSatisfying(p -> assertThat(p.toString())
                        .isEqualTo("line 5: has fields its hash does not cover [event]: the line was edited"));
        assertThat(EvidenceLog.readEvents(file)).hasSize(4).noneMatch(RolloutEvent.Halted.class::isInstance);
    }

    @Test
    void aFieldAddedToAnEventLineIsCaught() throws IOException {
        List<String> lines = lines(sealedFile(Optional.empty()));
        ObjectNode line = (ObjectNode) Json.mapper().readTree(lines.get(1));
        line.put("approvedBy", "mallory");
        lines.set(1, line.toString());

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(p -> assertThat(p.toString())
                        .isEqualTo("line 2: has fields its hash does not cover [approvedBy]: the line was edited"));
    }

    @Test
    void aFieldGivenTwiceIsCaught() throws IOException {
        List<String> lines = lines(sealedFile(Optional.empty()));
        // Readers differ on which of two values they take: the hash may cover one while a person reads the other.
        String original = lines.get(2);
        lines.set(2, original.replace("\"event\":{", "\"event\":{\"type\":\"halted\"},\"event\":{"));

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(
                        p -> assertThat(p.toString()).isEqualTo("line 3: gives a field twice: the line was edited"));
    }

    @Test
    void textAfterALinesJsonIsCaught() throws IOException {
        List<String> lines = lines(sealedFile(Optional.of(KEY)));
        // jq and other readers of JSON lines take a second object on a line as a record of its own.
        String secondObject = lines.get(1) + " {\"event\":{\"type\":\"halted\",\"reason\":\"approved by mallory\"}}";
        String text = lines.get(1) + " approved by mallory";

        for (String edited : List.of(secondObject, text)) {
            List<String> copy = new ArrayList<>(lines);
            copy.set(1, edited);
            assertThat(EvidenceVerifier.verify(copy, Optional.of(KEY)).problem())
                    .hasValueSatisfying(p -> assertThat(p.toString())
                            .isEqualTo("line 2: has text after its JSON, which its hash does not cover: the line was"
                                    + " edited"));
        }
        List<String> trailingSpaces = new ArrayList<>(lines);
        trailingSpaces.set(1, lines.get(1) + "  \t");
        assertThat(EvidenceVerifier.verify(trailingSpaces, Optional.of(KEY)).sealed())
                .isTrue();
    }

    @Test
    void aSequenceNumberRewrittenAsTextOrAFractionIsCaught() throws IOException {
        List<String> lines = lines(sealedFile(Optional.empty()));
        String asText = lines.get(0).replace("\"seq\":1,", "\"seq\":\"1\",");
        String asFraction = lines.get(0).replace("\"seq\":1,", "\"seq\":1.0,");

        for (String edited : List.of(asText, asFraction)) {
            List<String> copy = new ArrayList<>(lines);
            copy.set(0, edited);
            assertThat(EvidenceVerifier.verify(copy).problem())
                    .hasValueSatisfying(p -> assertThat(p.toString())
                            .isEqualTo("line 1: not an evidence line (a whole-number seq, text prev and hash, and"
                                    + " event or seal are required)"));
        }
    }

    @Test
    void theKeyNeverShowsAndShortKeysAreRefused() throws IOException {
        assertThat(KEY.toString()).doesNotContain("0123456789abcdef").contains(KEY.fingerprint());
        assertThat(Files.readString(sealedFile(Optional.of(KEY)))).doesNotContain("0123456789abcdef");
        Path shortKey = Files.writeString(dir.resolve("key"), "short\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SealKey.fromFile(shortKey))
                .hasMessageContaining("at least 16 bytes");
    }

    // ---- a forger who knows the format but not the key

    private interface EventEdit {
        void apply(ObjectNode event);
    }

    /** Edits line {@code index}'s event and recomputes every hash after it; the seal becomes a plain one. */
    private static List<String> rewrite(List<String> lines, int index, EventEdit edit) throws IOException {
        List<String> out = new ArrayList<>(lines);
        ObjectNode line = (ObjectNode) Json.mapper().readTree(out.get(index));
        edit.apply((ObjectNode) line.get("event"));
        out.set(index, line.toString());
        return rechainAll(out, true);
    }

    /**
     * Renumbers and re-hashes every line; a seal is restated for the lines before it, and either keeps its HMAC as it
     * was or, with {@code dropKey}, becomes a plain seal.
     */
    private static List<String> rechainAll(List<String> lines, boolean dropKey) throws IOException {
        List<String> out = new ArrayList<>();
        String prev = EvidenceLog.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = Json.mapper().readTree(lines.get(i));
            String written;
            if (line.has("seal")) {
                ObjectNode seal = (ObjectNode) line.get("seal").deepCopy();
                seal.put("lines", i);
                seal.put("head", prev);
                if (dropKey) {
                    seal.remove("key");
                    seal.remove("hmac");
                }
                written = lineWith(i + 1, prev, "seal", seal);
            } else {
                written = lineWith(i + 1, prev, "event", line.get("event"));
            }
            out.add(written);
            prev = hashOf(written);
        }
        return out;
    }

    private static String rechained(String line, long seq, String prev) throws IOException {
        JsonNode node = Json.mapper().readTree(line);
        String field = node.has("seal") ? "seal" : "event";
        return lineWith(seq, prev, field, node.get(field));
    }

    private static String lineWith(long seq, String prev, String field, JsonNode body) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("seq", seq);
        line.put("prev", prev);
        line.put("hash", EvidenceLog.hash(seq, prev, body));
        line.set(field, body);
        return line.toString();
    }

    private static String hashOf(String line) throws IOException {
        return Json.mapper().readTree(line).get("hash").asText();
    }
}
