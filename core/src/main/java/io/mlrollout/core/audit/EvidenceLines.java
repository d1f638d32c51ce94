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
        private final int line;

        NotUtf8Exception(Path file, int line) {
            super(file + " line " + line + " is not valid UTF-8, so the evidence cannot be read or continued: it was"
                    + " edited or damaged");
            this.line = line;
        }

        int line() {
            return line;
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
            throw new NotUtf8Exception(file, lineAt(bytes, in.position()));
        }
        decoder.flush(out);
        return out.flip().toString().lines().toList();
    }

    /** The 1-based line that holds byte {@code offset}: one more than the line breaks before it. */
    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            boolean crlf = bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n';
            if (bytes[i] == '\n' || (bytes[i] == '\r' && !crlf)) {
                line++;
            }
        }
        return line;
    }
}
