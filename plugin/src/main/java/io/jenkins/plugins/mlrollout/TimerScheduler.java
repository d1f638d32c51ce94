package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.rollout.RolloutDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;

/**
 * Waits on {@code jenkins.util.Timer} until a driver's absolute due time, as the {@code sleep} step waits: nothing holds
 * a thread in between, and after a restart the due time is computed again from the saved state. At the due time the
 * timer only hands the task to the plugin's {@link RolloutThreads}: the timer's few shared threads never block on a
 * router. The returned {@code ScheduledFuture}s are not kept: a task that runs when nothing is due does nothing.
 */
final class TimerScheduler implements RolloutDriver.Scheduler {

    private final Clock clock;
    private final Executor work;

    TimerScheduler(Clock clock, Executor work) {
        this.clock = clock;
        this.work = work;
    }

    @Override
    public void schedule(Runnable task, Instant due) {
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        Timer.get().schedule(() -> work.execute(task), delay, TimeUnit.MILLISECONDS);
    }
}
