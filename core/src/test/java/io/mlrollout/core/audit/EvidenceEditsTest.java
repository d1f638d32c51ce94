package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain's promise over edits nobody thought of: seeded random edits of a keyed, sealed file (a character changed,
 * dropped or added, a field added inside any object, a line copied, dropped or moved, a line's event copied into a
 * seal line). Whatever an edit does, the verifier answers, and it calls the file intact and sealed only when every
 * line still reads as the same JSON as before: whitespace, say, or a character replaced by itself.
 */
class EvidenceEditsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final SealKey KEY = SealKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final String CHARACTERS = "0123456789abcdef{}[]\":,. -eE+ntrulsq\\";
    private static final int EDITS = 20_000;

    @TempDir
    Path dir;

    @Test
    void noEditThatChangesWhatALineSaysVerifiesAsSealed() throws IOException {
        List<String> original = sealedFile();
        List<JsonNode> meaning = parsed(original);
        SplittableRandom random = new SplittableRandom(20261204L);
        int caught = 0;

        for (int i = 0; i < EDITS; i++) {
            List<String> edited = edit(original, random);
            EvidenceVerifier.Result result = EvidenceVerifier.verify(edited, Optional.of(KEY));
            if (result.sealed()) {
                assertThat(parsedOrNull(edited))
                        .as("edit %d verified as sealed but reads differently:%n%s", i, String.join("\n", edited))
                        .isEqualTo(meaning);
            } else {
                caught++;
            }
        }
        // Most edits change the meaning, so most are caught; the rest are edits of form only.
        assertThat(caught).isGreaterThan(EDITS / 2);
    }

    private List<String> sealedFile() throws IOException {
        Path file = dir.resolve("evidence.jsonl");
        EvidenceLog log = EvidenceLog.open(file);
        log.append(new RolloutEvent.TrafficShifted(T0, 1, new TrafficSplit("v1", "v2", 10, true)));
        log.append(new RolloutEvent.Halted(T0.plusSeconds(60), "operator said stop"));
        log.seal(T0.plusSeconds(120), Optional.of(KEY));
        log.append(new RolloutEvent.TrafficShifted(T0.plusSeconds(180), 1, new TrafficSplit("v1", "v2", 0, true)));
        log.seal(T0.plusSeconds(240), Optional.of(KEY));
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<String> edit(List<String> lines, SplittableRandom random) {
        List<String> out = new ArrayList<>(lines);
        int index = random.nextInt(out.size());
        String line = out.get(index);
        int at = random.nextInt(line.length());
        char character = CHARACTERS.charAt(random.nextInt(CHARACTERS.length()));
        switch (random.nextInt(7)) {
            case 0 -> out.set(index, line.substring(0, at) + character + line.substring(at + 1));
            case 1 -> out.set(index, line.substring(0, at) + line.substring(at + 1));
            case 2 -> out.set(index, line.substring(0, at) + character + line.substring(at));
            case 3 -> out.set(index, withFieldAfterBrace(line, random));
            case 4 -> out.add(index, out.get(random.nextInt(out.size())));
            case 5 -> out.remove(index);
            default -> out.set(index, withEventOf(line, out.get(random.nextInt(out.size()))));
        }
        return out;
    }

    /** A field added right after one of the line's opening braces: to the line itself or to an object inside it. */
    private static String withFieldAfterBrace(String line, SplittableRandom random) {
        List<Integer> braces = new ArrayList<>();
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '{') {
                braces.add(i);
            }
        }
        int brace = braces.get(random.nextInt(braces.size()));
        return line.substring(0, brace + 1) + "\"note\":\"added\"," + line.substring(brace + 1);
    }

    /** The other line's event copied into this line, beside what it holds. */
    private static String withEventOf(String line, String other) {
        JsonNode donor = parsedOrNull(List.of(other)).get(0);
        if (!donor.has("event")) {
            return line;
        }
        String event = donor.get("event").toString();
        return line.substring(0, line.length() - 1) + ",\"event\":" + event + "}";
    }

    private static List<JsonNode> parsed(List<String> lines) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines) {
            try {
                nodes.add(Json.mapper().readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return nodes;
    }

    /** The lines as JSON, or null when one is not JSON (then it cannot read as the original). */
    private static List<JsonNode> parsedOrNull(List<String> lines) {
        try {
            return parsed(lines);
        } catch (UncheckedIOException e) {
            return null;
        }
    }
}
