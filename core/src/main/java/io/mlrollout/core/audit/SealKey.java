package io.mlrollout.core.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of a keyed evidence seal (HMAC-SHA256). Whoever holds it can seal; whoever lacks it cannot make a
 * rewritten evidence file verify against it. The key bytes come from a key file (the CLI) or a credential (Jenkins:
 * a secret file or secret text, passed as bytes); they never appear in {@link #toString()}, a log line or the evidence.
 * Only a short {@link #fingerprint()} is written, so a verifier can tell which key sealed a file.
 */
public final class SealKey {

    /** Shorter keys are too easy to guess offline (RFC 2104 asks for at least the hash's output length). */
    public static final int MIN_BYTES = 16;

    private final byte[] key;

    private SealKey(byte[] key) {
        this.key = key;
    }

    /** A key from its bytes, e.g. a Jenkins credential's secret. */
    public static SealKey of(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "a seal key needs at least " + MIN_BYTES + " bytes, got " + bytes.length);
        }
        return new SealKey(bytes.clone());
    }

    /**
     * A key from a file: its bytes, without a trailing line break (so {@code openssl rand -hex 32 > key} works as
     * written).
     */
    public static SealKey fromFile(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        try {
            return of(Arrays.copyOf(bytes, end));
        } catch (IllegalArgumentException tooShort) {
            throw new IllegalArgumentException(file + ": " + tooShort.getMessage(), tooShort);
        }
    }

    /** 16 hex digits that name the key without revealing it. */
    public String fingerprint() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("mlrollout seal key\n".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(key)).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** HMAC-SHA256 of {@code material}, hex. */
    String mac(String material) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(hmac.doFinal(material.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "seal key " + fingerprint() + " (secret hidden)";
    }
}
