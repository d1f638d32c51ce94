package io.jenkins.plugins.mlrollout;

import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plugin's own threads, for everything that may block: router and Prometheus calls (with their timeouts and
 * retries), credential look-ups, and the files and build records a rollout writes. Jenkins' shared {@code Timer} only
 * says when; the work runs here, so a slow router never holds up Pipeline's {@code sleep} and {@code timeout} or
 * Jenkins' own periodic work. At most {@link #SIZE} threads, named {@code ML Rollout [#n]}, daemon, and idle ones
 * end after a minute. Tasks run as SYSTEM, as timer tasks do: who may start what was checked on the Pipeline's thread.
 */
final class RolloutThreads implements Executor {

    private static final Logger LOGGER = Logger.getLogger(RolloutThreads.class.getName());

    /** Enough for a few endpoints rolling out at once; more tasks wait in the queue. */
    static final int SIZE = 4;

    private final ThreadPoolExecutor pool;
    private final UnaryOperator<Runnable> context;

    /**
     * @param threads makes the pool's threads
     * @param context wraps each task in the identity it runs as
     */
    RolloutThreads(ThreadFactory threads, UnaryOperator<Runnable> context) {
        this.pool = new ThreadPoolExecutor(SIZE, SIZE, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), threads);
        this.pool.allowCoreThreadTimeOut(true);
        this.context = context;
    }

    /** The threads Jenkins runs the plugin's work on. */
    static RolloutThreads forJenkins() {
        return new RolloutThreads(
                new NamingThreadFactory(new DaemonThreadFactory(), "ML Rollout"), RolloutThreads::asSystem);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(context.apply(() -> runLogged(task)));
    }

    private static Runnable asSystem(Runnable task) {
        return () -> {
            try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
                task.run();
            }
        };
    }

    /** A pool keeps a task's exception to itself; say it in Jenkins' log. */
    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOGGER.log(Level.WARNING, "ML Rollout task failed", e);
            throw e;
        }
    }
}
