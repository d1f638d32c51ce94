package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.rollout.RolloutEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        keyFile = Files.writeString(dir.resolve("seal.key"), "a key of thirty-two bytes, no less\n");
        log.seal(t.plusSeconds(10), Optional.of(SealKey.fromFile(keyFile)));
        head = log.head();
    }

    private Path keyFile;

    @Test
    void anIntactSealedFilePrintsItsLineCountAndHeadHash() {
        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("intact and sealed: 6 lines, head " + head)
                .contains("pass --seal-key");
    }

    @Test
    void aFileWithItsLastLineCutOffIsNotSealed() throws Exception {
        List<String> lines = lines();
        lines.remove(lines.size() - 1);
        write(lines);

        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("NOT SEALED").contains("intact up to line 5");
    }

    @Test
    void theExpectedHeadProvesTheEndOfAFileStillRunningAndCatchesOneThatGrewOrShrank() throws Exception {
        List<String> lines = lines();
        lines.remove(lines.size() - 1);
        write(lines);
        String fifth = EvidenceVerifier.verify(file).head();

        Cli.Result running = Cli.run(ENV, "verify-evidence", file.toString(), "--expect-head", fifth);
        assertThat(running.exitCode()).as(running.toString()).isZero();
        assertThat(running.out()).contains("ends at the expected head, not sealed");

        String third = EvidenceVerifier.verify(lines.subList(0, 3)).head();
        Cli.Result grew = Cli.run(ENV, "verify-evidence", file.toString(), "--expect-head", third);
        assertThat(grew.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(grew.out()).contains("2 line(s) were added after line 3");

        Cli.Result cut = Cli.run(ENV, "verify-evidence", file.toString(), "--expect-head", head);
        assertThat(cut.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(cut.out()).contains("no line has the expected head");
    }

    @Test
    void withTheKeyAKeyedSealVerifiesAndAResealedRewriteDoesNot() throws Exception {
        Cli.Result keyed = Cli.run(ENV, "verify-evidence", file.toString(), "--seal-key", keyFile.toString());
        assertThat(keyed.exitCode()).as(keyed.toString()).isZero();
        assertThat(keyed.out())
                .contains("intact and sealed with key "
                        + SealKey.fromFile(keyFile).fingerprint());

        // A rewrite by someone without the key: the last event removed, the file resealed with their own seal.
        List<String> lines = lines();
        Path forged = dir.resolve("forged.jsonl");
        Files.write(forged, lines.subList(0, 4), StandardCharsets.UTF_8);
        EvidenceLog.open(forged).seal(Instant.parse("2026-11-23T10:00:09Z"), Optional.empty());

        Cli.Result withoutKey = Cli.run(ENV, "verify-evidence", forged.toString());
        assertThat(withoutKey.exitCode())
                .as("without the key only the head tells")
                .isZero();
        Cli.Result withKey = Cli.run(
                new Environment(Map.of("MLROLLOUT_SEAL_KEY_FILE", keyFile.toString()), () -> null, (p, c) -> null),
                "verify-evidence",
                forged.toString());
        assertThat(withKey.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(withKey.out()).contains("the last seal was made without a key");
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
    void aLineWithBytesThatAreNotUtf8IsNamed() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        // 0xFF never occurs in UTF-8: a damaged disk block or an editor saving in another encoding leaves such bytes.
        bytes[text.indexOf("event number 2") + 6] = (byte) 0xFF;
        Files.write(file, bytes);

        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out())
                .isEqualTo("BROKEN: " + file + " line 3: is not valid UTF-8: the line was edited or damaged\n");
    }

    @Test
    void anEmptyFileIsSaidToBeEmpty() throws Exception {
        Files.write(file, new byte[0]);

        Cli.Result run = Cli.run(ENV, "verify-evidence", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out())
                .isEqualTo("NOT SEALED: " + file + " is empty: it holds no evidence (cut to nothing, or the rollout"
                        + " never started)\n");
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
