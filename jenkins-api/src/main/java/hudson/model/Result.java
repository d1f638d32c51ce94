// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Result.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

/** The outcome of a build. Mirror: the constants are distinct objects that know their names, nothing more. */
public final class Result implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final @NonNull Result SUCCESS = new Result("SUCCESS");
    public static final @NonNull Result UNSTABLE = new Result("UNSTABLE");
    public static final @NonNull Result FAILURE = new Result("FAILURE");
    public static final @NonNull Result NOT_BUILT = new Result("NOT_BUILT");
    public static final @NonNull Result ABORTED = new Result("ABORTED");

    private final String name;

    private Result(String name) {
        this.name = name;
    }

    public boolean isWorseThan(@NonNull Result that) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean isBetterOrEqualTo(@NonNull Result that) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public @NonNull String toString() {
        return name;
    }

    public static @NonNull Result fromString(@NonNull String s) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
