package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceLogTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void writeFiveEvents() throws IOException {
        file = dir.resolve("evidence.jsonl");
        EvidenceLog log = EvidenceLog.open(file);
        for (int i = 0; i < 5; i++) {
            log.append(new RolloutEvent.TrafficShifted(
                    T0.plusSeconds(60L * i), i + 1, new TrafficSplit("v1", "v2", 5 * (i + 1), true)));
        }
    }

    @Test
    void anUntouchedFileIsIntactAndItsHeadIsTheLastHash() throws IOException {
        EvidenceVerifier.Result result = EvidenceVerifier.verify(file);

        assertThat(result.intact()).isTrue();
        assertThat(result.lines()).isEqualTo(5);
        assertThat(result.head()).isEqualTo(EvidenceLog.open(file).head()).hasSize(64);
    }

    @Test
    void anEditedLineIsNamed() throws IOException {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("\"canaryWeight\":15", "\"canaryWeight\":1"));

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(p ->
                        assertThat(p.toString()).isEqualTo("line 3: was edited: its content does not match its hash"));
    }

    @Test
    void anEditWhoseHashWasRewrittenIsCaughtAtTheNextLine() throws IOException {
        List<String> lines = lines();
        // Rewrite line 3 consistently: new content and a matching hash of its own.
        var mapper = io.mlrollout.core.json.Json.mapper();
        var line = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(lines.get(2));
        ((com.fasterxml.jackson.databind.node.ObjectNode) line.get("event").get("split")).put("canaryWeight", 99);
        lines.set(2, EvidenceLog.line(3, line.get("prev").asText(), line.get("event")));

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(p -> assertThat(p.line()).isEqualTo(4));
    }

    @Test
    void aRemovedLineIsNamed() throws IOException {
        List<String> lines = lines();
        lines.remove(1);

        assertThat(EvidenceVerifier.verify(lines).problem()).hasValueSatisfying(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("removed, inserted or reordered");
        });
    }

    @Test
    void reorderedLinesAreNamed() throws IOException {
        List<String> lines = lines();
        Collections.swap(lines, 3, 4);

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(p -> assertThat(p.line()).isEqualTo(4));
    }

    @Test
    void aLineThatIsNotJsonIsNamed() throws IOException {
        List<String> lines = lines();
        lines.set(0, lines.get(0).substring(5));

        assertThat(EvidenceVerifier.verify(lines).problem())
                .hasValueSatisfying(p -> assertThat(p.line()).isEqualTo(1));
    }

    @Test
    void aLineThatIsNotUtf8IsNamedByEveryReader() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int fourthLine = new String(bytes, StandardCharsets.UTF_8).indexOf("{\"seq\":4");
        bytes[fourthLine + 3] = (byte) 0xFF;
        Files.write(file, bytes);

        assertThat(EvidenceVerifier.verify(file).problem())
                .hasValueSatisfying(p -> assertThat(p.toString())
                        .isEqualTo("line 4: is not valid UTF-8: the line was edited or damaged"));
        assertThatThrownBy(() -> EvidenceLog.readEvents(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + " line 4 is not valid UTF-8, so the evidence cannot be read or continued: it was"
                        + " edited or damaged");
        assertThatThrownBy(() -> EvidenceLog.open(file)).hasMessageStartingWith(file + " line 4 is not valid UTF-8");
    }

    @Test
    void anEditBeforeALineThatIsNotUtf8IsTheFirstBreakNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        bytes[text.indexOf("{\"seq\":4") + 3] = (byte) 0xFF;
        // Line 2's weight, 10, becomes 19: the same length, so the bytes after it stay where they were.
        int second = text.indexOf("\"canaryWeight\":10");
        bytes[second + "\"canaryWeight\":1".length()] = '9';
        Files.write(file, bytes);

        assertThat(EvidenceVerifier.verify(file).problem())
                .hasValueSatisfying(p ->
                        assertThat(p.toString()).isEqualTo("line 2: was edited: its content does not match its hash"));
    }

    @Test
    void aLastLineThatIsNotAnEvidenceLineIsNotContinued() throws IOException {
        // e.g. `echo >> evidence.jsonl`: continuing would start a new chain at seq 1 after it, and report its length.
        Files.writeString(file, "\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> EvidenceLog.open(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + " line 6 is not an evidence line, so the evidence cannot be continued: it was"
                        + " edited or damaged");
        assertThat(EvidenceVerifier.verify(file).problem())
                .hasValueSatisfying(p -> assertThat(p.line()).isEqualTo(6));
    }

    @Test
    void reopeningContinuesTheChain() throws IOException {
        EvidenceLog reopened = EvidenceLog.open(file);
        reopened.append(new RolloutEvent.Halted(T0.plusSeconds(600), "operator said stop"));

        EvidenceVerifier.Result result = EvidenceVerifier.verify(file);
        assertThat(result.intact()).isTrue();
        assertThat(result.lines()).isEqualTo(6);
        assertThat(reopened.lines()).isEqualTo(6);
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
}
