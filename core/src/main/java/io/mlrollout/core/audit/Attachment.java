package io.mlrollout.core.audit;

import io.mlrollout.core.rollout.RolloutEvent;
import java.util.Objects;

/**
 * A file the pipeline attaches to a rollout's evidence (a fairness report, a security scan, ...), read when the rollout
 * starts.
 *
 * @param name the name the pipeline gives it, e.g. {@code fairness}
 * @param file the path the pipeline named, as given (relative to the workspace or the working directory)
 * @param content the file's bytes
 */
public record Attachment(String name, String file, byte[] content) {

    /** Larger files are refused: a pack is read whole by the people who check it, and kept with every build. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    public Attachment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The file name without its folders: what the pack and the stored copy call it. */
    public String fileName() {
        String normalized = file.replace('\\', '/');
        String last = normalized.substring(normalized.lastIndexOf('/') + 1);
        return last.isEmpty() || last.equals(".") || last.equals("..") ? name : last;
    }

    public RolloutEvent.AttachedFile digest() {
        return new RolloutEvent.AttachedFile(name, file, Sha256.hex(content), content.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Attachment a
                && a.name.equals(name)
                && a.file.equals(file)
                && java.util.Arrays.equals(a.content, content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, file, java.util.Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "attachment " + name + " (" + file + ", " + content.length + " bytes)";
    }
}
