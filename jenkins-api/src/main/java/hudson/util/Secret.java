// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/util/Secret.java
package hudson.util;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

/** A secret kept encrypted on disk; {@link #getPlainText()} is the only way to the value. */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;

    private Secret() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    public String getPlainText() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public String getEncryptedValue() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    public static Secret fromString(@CheckForNull String data) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    public static String toString(@CheckForNull Secret s) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
