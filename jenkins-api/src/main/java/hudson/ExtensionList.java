// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/ExtensionList.java
package hudson;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.AbstractList;
import jenkins.model.Jenkins;

/** The registered extensions of one type. */
public class ExtensionList<T> extends AbstractList<T> {

    protected ExtensionList(Jenkins jenkins, Class<T> extensionType) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @CheckForNull <U extends T> U get(@NonNull Class<U> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull <T> ExtensionList<T> lookup(Class<T> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull <U> U lookupSingleton(Class<U> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull <U> U lookupFirst(Class<U> type) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
