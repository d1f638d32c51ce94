// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/util/PersistedList.java
package hudson.util;

import java.util.AbstractList;

/** A list that saves its owner whenever it changes. */
public class PersistedList<T> extends AbstractList<T> {

    protected PersistedList() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** The first element of {@code type}, or {@code null}. */
    public <U extends T> U get(Class<U> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
