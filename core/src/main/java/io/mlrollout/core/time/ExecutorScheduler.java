package io.mlrollout.core.time;

import io.mlrollout.core.rollout.RolloutDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Schedules driver runs on a {@link ScheduledExecutorService} in real time: the CLI's and the end-to-end tests'
 * scheduler (Jenkins uses its own {@code jenkins.util.Timer} the same way). A due time in the past runs at once.
 */
public final class ExecutorScheduler implements RolloutDriver.Scheduler {

    private final ScheduledExecutorService executor;
    private final Clock clock;

    public ExecutorScheduler(ScheduledExecutorService executor, Clock clock) {
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public void schedule(Runnable task, Instant due) {
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        executor.schedule(task, delay, TimeUnit.MILLISECONDS);
    }
}
