// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/util/NamingThreadFactory.java
package hudson.util;

import java.util.concurrent.ThreadFactory;

/** Names the threads of a delegate factory {@code name [#n]}. */
public final class NamingThreadFactory implements ThreadFactory {

    public NamingThreadFactory(ThreadFactory delegate, String name) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public Thread newThread(Runnable r) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
