// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Describable.java
package hudson.model;

/** An object configured through a form, described by a {@link Descriptor}. */
public interface Describable<T extends Describable<T>> {
    default Descriptor<T> getDescriptor() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
