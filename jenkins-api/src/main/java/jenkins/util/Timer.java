// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/util/Timer.java
package jenkins.util;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.concurrent.ScheduledExecutorService;

/** Jenkins' shared scheduler for short background tasks. */
public class Timer {

    private Timer() {}

    @NonNull
    public static synchronized ScheduledExecutorService get() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
