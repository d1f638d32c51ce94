package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify-evidence}: an intact chain prints its length and head; any change names the first broken line. */
class VerifyEvidenceCommandTest {

    private static final Environment ENV = new Environment(Map.of(), () -> null, (p, c) -> null);

    @TempDir
    Path dir;

    private Path file;
    private String head;

    @BeforeEach
    void writeAChainOfFiveEvents() throws Exception {
        file = dir.resolve("evidence.jsonl");
        EvidenceLog log = EvidenceLog.open(file);
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            log.append(new RolloutEvent.Halted(t.plusSeconds(i), "event number " + i));
        }
        head = log.head();
    }

    @Test
    void anIntactFilePrintsItsLineCountAndHeadHash() {
        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("intact: 5 lines, head " + head);
    }

    @Test
    void anEditedLineIsNamed() throws Exception {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("event number 2", "event number 7"));
        write(lines);

        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("BROKEN").contains("line 3: was edited");
    }

    @Test
    void aRemovedLineIsNamed() throws Exception {
        List<String> lines = lines();
        lines.remove(1);
        write(lines);

        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("line 2: has sequence number 3");
    }

    @Test
    void reorderedLinesAreNamed() throws Exception {
        List<String> lines = lines();
        Collections.swap(lines, 3, 4);
        write(lines);

        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("line 4: has sequence number 5");
    }

    @Test
    void aMissingFileIsBadInput() {
        Cli.Result run =
                Cli.run(ENV, "verify-evidence", dir.resolve("nope.jsonl").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("no such file");
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
