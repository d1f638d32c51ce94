package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidencePack;
import io.mlrollout.core.audit.EvidencePackVerifier;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.SealKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlrollout verify-evidence FILE}: checks an evidence file's hash chain, its seal, its head and its key; or an
 * evidence pack's entries, its manifest and the chain inside it.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "verify-evidence",
        description = {
            "Checks an evidence file: every line's hash, that each follows the one before, that a seal closes it, and,"
                    + " with --expect-head or --seal-key, that it ends where it should and was sealed with the key.",
            "FILE may also be an evidence pack (.zip): then every entry is checked against its MANIFEST.json, the"
                    + " manifest against the digest the chain inside sealed, and the chain as above; every problem is"
                    + " named (which entry changed, is missing or extra).",
            "Exit 0 intact and sealed (or ending at --expect-head), 1 broken, not sealed, or another head (names what),"
                    + " 2 no such file or key."
        })
final class VerifyEvidenceCommand extends CommandBase {

    @Parameters(paramLabel = "FILE", description = "the evidence file (JSON lines), or an evidence pack (zip)")
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
        if (isZip(file)) {
            return verifyPack(key);
        }
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
                if (result.lines() == 0) {
                    out().println("NOT SEALED: " + file + " is empty: it holds no evidence (cut to nothing, or the"
                            + " rollout never started)");
                    return ExitCodes.FAILED;
                }
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

    private int verifyPack(Optional<SealKey> key) throws IOException {
        EvidencePackVerifier.Result result;
        try {
            result = EvidencePackVerifier.verify(file, key);
        } catch (ZipException unreadable) {
            out().println("BROKEN: " + file + " is not a readable zip archive: " + unreadable.getMessage());
            return ExitCodes.FAILED;
        }
        List<String> problems = new ArrayList<>(result.problems());
        Optional<EvidenceVerifier.Result> chain = result.chain().filter(EvidenceVerifier.Result::intact);
        if (expectHead != null
                && chain.isPresent()
                && !expectHead.equals(chain.get().head())) {
            problems.add(EvidencePack.EVIDENCE + " ends at head " + chain.get().head() + ", not at the expected "
                    + expectHead);
        }
        if (!problems.isEmpty()) {
            out().println("BROKEN: " + file + " (" + problems.size() + " problem(s))");
            problems.forEach(problem -> out().println("  " + problem));
            return ExitCodes.FAILED;
        }
        EvidenceVerifier.Result sealed = chain.orElseThrow();
        out().println("intact pack: " + result.entries() + " entries match " + EvidencePack.MANIFEST
                + ", whose sha256 the evidence chain sealed; the chain has " + sealed.lines() + " lines, head "
                + sealed.head() + ", "
                + (sealed.sealing() == EvidenceVerifier.Sealing.SEALED_WITH_KEY
                        ? "sealed with key " + sealed.keyFingerprint().orElseThrow()
                        : "sealed"
                                + sealed.keyFingerprint()
                                        .map(fp -> " (the seal is keyed with " + fp + "; pass --seal-key to check it)")
                                        .orElse("")));
        return ExitCodes.OK;
    }

    /** Whether {@code file} starts as a zip archive does. */
    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
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
