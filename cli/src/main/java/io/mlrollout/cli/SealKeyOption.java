package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.SealKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --seal-key FILE}: the key of the evidence's keyed seal, for the commands that seal and the one that verifies. */
final class SealKeyOption {

    static final String VARIABLE = "MLROLLOUT_SEAL_KEY_FILE";

    @Option(
            names = "--seal-key",
            paramLabel = "FILE",
            description = "a file holding the key (at least 16 bytes) of the evidence's keyed seal (HMAC-SHA256);"
                    + " default: the file named by $" + VARIABLE + ", else no key")
    Path file;

    /**
     * Refuses a key other than the one that made the last seal in the evidence of the rollout in {@code state} (or no
     * key when one did): sealed again without it, the chain would hold seals that no single key verifies.
     */
    void requireTheKeyThatSealed(Path state, Optional<SealKey> key) throws InputException {
        Optional<String> sealedWith;
        try {
            sealedWith = EvidenceLog.lastSealKey(RolloutFiles.beside(state).evidence());
        } catch (IOException unreadable) {
            return; // the command itself says why the evidence cannot be read
        }
        if (sealedWith.isPresent() && !sealedWith.equals(key.map(SealKey::fingerprint))) {
            throw new InputException(
                    "",
                    file == null && key.isPresent() ? "$" + VARIABLE : "--seal-key",
                    "the evidence of the rollout in " + state + " was sealed with key " + sealedWith.get()
                            + "; give every command on the rollout that key (--seal-key or $" + VARIABLE + "), or"
                            + " its seals can no longer all be checked with one key");
        }
    }

    /** The key, if one was named here or in the environment; a missing or short key file is bad input. */
    Optional<SealKey> key(Environment env) throws InputException {
        Optional<Path> named =
                Optional.ofNullable(file).or(() -> env.variable(VARIABLE).map(Path::of));
        if (named.isEmpty()) {
            return Optional.empty();
        }
        String field = file != null ? "--seal-key" : "$" + VARIABLE;
        if (!Files.isRegularFile(named.get())) {
            throw new InputException("", field, "no such file: " + named.get());
        }
        try {
            return Optional.of(SealKey.fromFile(named.get()));
        } catch (IllegalArgumentException tooShort) {
            throw new InputException("", field, tooShort.getMessage());
        } catch (IOException unreadable) {
            throw new InputException("", field, "cannot read " + named.get() + ": " + unreadable.getMessage());
        }
    }
}
