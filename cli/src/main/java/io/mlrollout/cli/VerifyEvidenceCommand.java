package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.SealKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlrollout verify-evidence FILE}: checks an evidence file's hash chain, its seal, its head and its key. */
@Command(
        mixinStandardHelpOptions = true,
        name = "verify-evidence",
        description = {
            "Checks an evidence file: every line's hash, that each follows the one before, that a seal closes it, and,"
                    + " with --expect-head or --seal-key, that it ends where it should and was sealed with the key.",
            "Exit 0 intact and sealed (or ending at --expect-head), 1 broken, not sealed, or another head (names what),"
                    + " 2 no such file or key."
        })
final class VerifyEvidenceCommand extends CommandBase {

    @Parameters(paramLabel = "FILE", description = "the evidence file (JSON lines)")
    Path file;

    @Option(
            names = "--expect-head",
            paramLabel = "HASH",
            description = "the head recorded elsewhere (state file, report, build log): the file must end there")
    String expectHead;

    @Mixin
    SealKeyOption sealKey = new SealKeyOption();

    VerifyEvidenceCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new InputException("", "FILE", "no such file: " + file);
        }
        Optional<SealKey> key = sealKey.key(env);
        EvidenceVerifier.Result result = EvidenceVerifier.verify(file, key);
        if (!result.intact()) {
            out().println("BROKEN: " + file + " " + result.problem().orElseThrow());
            return ExitCodes.FAILED;
        }
        String summary = result.lines() + " lines, head " + result.head();
        if (expectHead != null && !expectHead.equals(result.head())) {
            int at = Files.readAllLines(file).indexOf(lineWithHash(file, expectHead));
            out().println("BROKEN: " + file + " ends at head " + result.head() + ", not at the expected "
                    + expectHead + ": "
                    + (at >= 0
                            ? (result.lines() - at - 1) + " line(s) were added after line " + (at + 1)
                                    + ", which has the expected head"
                            : "no line has the expected head; lines were cut off or the file was rewritten"));
            return ExitCodes.FAILED;
        }
        switch (result.sealing()) {
            case SEALED_WITH_KEY ->
                out().println("intact and sealed with key "
                        + result.keyFingerprint().orElseThrow() + ": " + summary);
            case SEALED ->
                out().println("intact and sealed: " + summary
                        + result.keyFingerprint()
                                .map(fp -> " (the seal is keyed with " + fp + "; pass --seal-key to check it)")
                                .orElse(""));
            case NOT_SEALED -> {
                if (expectHead != null) {
                    out().println("intact, ends at the expected head, not sealed (the rollout has not come to rest):"
                            + " " + summary);
                    return ExitCodes.OK;
                }
                out().println("NOT SEALED: " + file + " is intact up to line " + result.lines() + " (head "
                        + result.head() + ") but does not end with a seal: lines were cut off the end, or the"
                        + " rollout has not come to rest (then check it with --expect-head and the head it printed)");
                return ExitCodes.FAILED;
            }
        }
        return ExitCodes.OK;
    }

    /** The line whose hash is {@code head}, or an empty string when none is. */
    private static String lineWithHash(Path file, String head) throws IOException {
        String needle = "\"hash\":\"" + head + "\"";
        return Files.readAllLines(file).stream()
                .filter(line -> line.contains(needle))
                .findFirst()
                .orElse("");
    }
}
