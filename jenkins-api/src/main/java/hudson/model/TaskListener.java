// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/TaskListener.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Serializable;

/** Where a build writes its log. (The real one extends remoting's SerializableOnlyOverRemoting.) */
public interface TaskListener extends Serializable {
    @NonNull
    PrintStream getLogger();

    default void hyperlink(String url, String text) throws IOException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    default PrintWriter error(String msg) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    default PrintWriter error(String format, Object... args) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    default PrintWriter fatalError(String msg) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** A listener that discards what is written to it. */
    TaskListener NULL = () -> new PrintStream(OutputStream.nullOutputStream());
}
