// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Descriptor.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import org.kohsuke.stapler.HttpResponse;

/**
 * Metadata and form handling for one kind of {@link Describable}.
 *
 * <p>Mirror behaviour: the constructors record the described class and {@link #load()} / {@link #save()} do nothing,
 * so that unit tests can construct descriptors without a running Jenkins. Everything else throws.
 */
public abstract class Descriptor<T extends Describable<T>> {
    public final transient Class<? extends T> clazz;

    protected Descriptor(Class<? extends T> clazz) {
        this.clazz = clazz;
    }

    @SuppressWarnings("unchecked")
    protected Descriptor() {
        this.clazz = (Class<? extends T>) getClass().getEnclosingClass();
    }

    @NonNull
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public String getId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** In Jenkins: writes this descriptor to {@code $JENKINS_HOME/<id>.xml}. Here: does nothing. */
    public synchronized void save() {}

    /** In Jenkins: reads this descriptor back from {@code $JENKINS_HOME/<id>.xml}. Here: does nothing. */
    public synchronized void load() {}

    protected static Class self() {
        return Self.class;
    }

    /** Marker passed to the constructor by descriptors that describe themselves. */
    public static final class Self {}

    /** A submitted form that cannot be applied; Jenkins shows the message next to the field. */
    public static final class FormException extends Exception implements HttpResponse {
        private static final long serialVersionUID = 1L;

        private final String formField;

        public FormException(String message, String formField) {
            super(message);
            this.formField = formField;
        }

        public String getFormField() {
            return formField;
        }
    }
}
