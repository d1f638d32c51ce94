package io.mlrollout.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Checks an evidence file's hash chain and names the first line that breaks it. */
public final class EvidenceVerifier {

    /**
     * @param lines how many lines were checked (up to and including a broken one)
     * @param head the last line's hash when the chain is intact
     * @param problem the first broken line, if any
     */
    public record Result(int lines, String head, Optional<Problem> problem) {
        public boolean intact() {
            return problem.isEmpty();
        }
    }

    /** @param line 1-based line number */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    private EvidenceVerifier() {}

    public static Result verify(Path file) throws IOException {
        return verify(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public static Result verify(List<String> lines) {
        String expectedPrev = EvidenceLog.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            JsonNode line;
            try {
                line = Json.mapper().readTree(lines.get(i));
            } catch (IOException e) {
                return broken(number, "not valid JSON: the line was edited or damaged");
            }
            if (line == null || !line.has("seq") || !line.has("prev") || !line.has("hash") || !line.has("event")) {
                return broken(number, "not an evidence line (seq, prev, hash and event are required)");
            }
            long seq = line.get("seq").asLong();
            if (seq != number) {
                return broken(number, "has sequence number " + seq + ": lines were removed, inserted or reordered");
            }
            String recomputed = EvidenceLog.hash(seq, line.get("prev").asText(), line.get("event"));
            if (!recomputed.equals(line.get("hash").asText())) {
                return broken(number, "was edited: its content does not match its hash");
            }
            if (!line.get("prev").asText().equals(expectedPrev)) {
                return broken(
                        number,
                        "does not follow line " + (number - 1) + ": line " + (number - 1)
                                + " was edited (and its hash rewritten), or lines were removed or reordered");
            }
            expectedPrev = line.get("hash").asText();
        }
        return new Result(lines.size(), expectedPrev, Optional.empty());
    }

    private static Result broken(int line, String message) {
        return new Result(line, null, Optional.of(new Problem(line, message)));
    }
}
