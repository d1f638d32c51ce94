package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidenceVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mlrollout verify-evidence FILE}: checks an evidence file's hash chain. */
@Command(
        mixinStandardHelpOptions = true,
        name = "verify-evidence",
        description = {
            "Checks the hash chain of an evidence file: every line's hash, and that each follows the one before.",
            "Exit 0 intact (prints the line count and the head hash, to compare with the one in the build log), 1"
                    + " broken (names the first broken line), 2 no such file."
        })
final class VerifyEvidenceCommand extends CommandBase {

    @Parameters(paramLabel = "FILE", description = "the evidence file (JSON lines)")
    Path file;

    VerifyEvidenceCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new InputException("", "FILE", "no such file: " + file);
        }
        EvidenceVerifier.Result result = EvidenceVerifier.verify(file);
        if (result.intact()) {
            out().println("intact: " + result.lines() + " lines, head " + result.head());
            return ExitCodes.OK;
        }
        out().println("BROKEN: " + file + " " + result.problem().orElseThrow());
        return ExitCodes.FAILED;
    }
}
