// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/util/FormValidation.java
package hudson.util;

import java.io.IOException;
import org.kohsuke.stapler.HttpResponse;

/**
 * The answer of a {@code doCheck...} form validation method.
 *
 * <p>Mirror behaviour: the factories return an object whose {@link #kind} is right, so that unit tests can tell OK from
 * WARNING from ERROR. Rendering throws.
 */
public abstract class FormValidation extends IOException implements HttpResponse {
    private static final long serialVersionUID = 1L;

    /** How serious the finding is. */
    public enum Kind {
        OK,
        WARNING,
        ERROR
    }

    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static FormValidation ok() {
        return of(Kind.OK, null);
    }

    public static FormValidation ok(String message) {
        return of(Kind.OK, message);
    }

    public static FormValidation warning(String message) {
        return of(Kind.WARNING, message);
    }

    public static FormValidation error(String message) {
        return of(Kind.ERROR, message);
    }

    public abstract String renderHtml();

    private static FormValidation of(Kind kind, String message) {
        return new FormValidation(kind, message) {
            private static final long serialVersionUID = 1L;

            @Override
            public String renderHtml() {
                throw new UnsupportedOperationException("compile-only mirror");
            }
        };
    }
}
