package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.rollout.RolloutDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;

/**
 * Runs a driver's work on {@code jenkins.util.Timer} at an absolute due time, as the {@code sleep} step waits: nothing
 * holds a thread in between, and after a restart the due time is computed again from the saved state. The returned
 * {@code ScheduledFuture}s are not kept: a task that runs when nothing is due does nothing.
 */
final class TimerScheduler implements RolloutDriver.Scheduler {

    private static final Logger LOGGER = Logger.getLogger(TimerScheduler.class.getName());

    private final Clock clock;

    TimerScheduler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void schedule(Runnable task, Instant due) {
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        Timer.get().schedule(() -> runLogged(task), delay, TimeUnit.MILLISECONDS);
    }

    /** The timer's executor keeps an exception in a future nobody reads; say it somewhere. */
    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOGGER.log(Level.WARNING, "ML Rollout timer task failed", e);
            throw e;
        }
    }
}
