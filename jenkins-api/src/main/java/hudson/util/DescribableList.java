// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/util/DescribableList.java
package hudson.util;

import hudson.model.Describable;
import hudson.model.Descriptor;

/** The configured instances of describables, e.g. a folder's properties. */
public class DescribableList<T extends Describable<T>, D extends Descriptor<T>> extends PersistedList<T> {

    protected DescribableList() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** The first instance of {@code type}, or {@code null}. */
    @Override
    public <U extends T> U get(Class<U> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
