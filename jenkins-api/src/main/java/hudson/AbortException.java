// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/AbortException.java
package hudson;

import java.io.IOException;

/** Fails a build with a message and no stack trace. */
public class AbortException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbortException() {}

    public AbortException(String message) {
        super(message);
    }
}
