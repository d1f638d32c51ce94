package io.mlrollout.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an evidence file's lines as UTF-8. A plain reader fails on bytes that are not UTF-8 with "Input length = 1";
 * this one names the file and the line that holds them.
 */
final class EvidenceLines {

    /** A line of the file holds bytes that are not UTF-8: it was edited in another encoding, or damaged. */
    static final class NotUtf8Exception extends IOException {
        private final transient List<String> linesBefore;

        NotUtf8Exception(Path file, List<String> linesBefore) {
            super(file + " line " + (linesBefore.size() + 1) + " is not valid UTF-8, so the evidence cannot be read or"
                    + " continued: it was edited or damaged");
            this.linesBefore = linesBefore;
        }

        /** The 1-based number of the line that is not UTF-8. */
        int line() {
            return linesBefore.size() + 1;
        }

        /** The lines before it, which a verifier checks first: an earlier line may break the chain already. */
        List<String> linesBefore() {
            return linesBefore;
        }
    }

    private EvidenceLines() {}

    /** The file's lines, split where {@link Files#readAllLines} splits them. */
    static List<String> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            // The complete lines decoded before the bad bytes; the part of their line before them is left out.
            List<String> decoded = out.flip().toString().lines().toList();
            boolean lineStarted =
                    out.length() > 0 && out.charAt(out.length() - 1) != '\n' && out.charAt(out.length() - 1) != '\r';
            throw new NotUtf8Exception(file, lineStarted ? decoded.subList(0, decoded.size() - 1) : decoded);
        }
        decoder.flush(out);
        return out.flip().toString().lines().toList();
    }
}
