// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Failure.java
package hudson.model;

import org.kohsuke.stapler.HttpResponse;

/**
 * An anticipated error shown to the user as a page with its message and no stack trace. Mirror behaviour: keeps the
 * message, as the real class does.
 */
public class Failure extends RuntimeException implements HttpResponse {
    private static final long serialVersionUID = 1L;

    public Failure(String message) {
        super(message);
    }

    public Failure(String message, boolean pre) {
        super(message);
    }
}
