// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/util/DaemonThreadFactory.java
package hudson.util;

import java.util.concurrent.ThreadFactory;

/** Makes daemon threads. */
public class DaemonThreadFactory implements ThreadFactory {

    public DaemonThreadFactory() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public DaemonThreadFactory(ThreadFactory core) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public Thread newThread(Runnable r) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
