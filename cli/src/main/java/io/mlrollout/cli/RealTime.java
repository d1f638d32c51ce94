package io.mlrollout.cli;

import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.time.ExecutorScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Real time: driver runs happen on one scheduler thread at their due times ({@link ExecutorScheduler}), while the
 * command's thread waits for the rollout to reach the state it stops at.
 */
public final class RealTime implements RolloutTime {

    /** How long closing waits for a driver run in progress (a router call has its own timeouts, well below this). */
    private static final long CLOSE_WAIT_SECONDS = 60;

    /** Milliseconds are enough for a rollout, and keep the times in the log and the evidence short. */
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));

    private final ScheduledThreadPoolExecutor executor;
    private final ExecutorScheduler executorScheduler;
    private final Semaphore changes = new Semaphore(0);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    public RealTime() {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "mlrollout-driver");
            thread.setDaemon(true);
            return thread;
        });
        // Runs booked for later are dropped on close: the state file holds the absolute times to resume from.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executorScheduler = new ExecutorScheduler(executor, clock);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public RolloutDriver.Scheduler scheduler() {
        return (task, due) -> executorScheduler.schedule(() -> guarded(task), due);
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            changed();
        }
    }

    @Override
    public boolean runUntil(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            RuntimeException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
            // Woken by every step; the timeout only bounds how late a missed wake-up is noticed.
            changes.tryAcquire(1, TimeUnit.SECONDS);
        }
        return true;
    }

    @Override
    public void changed() {
        changes.release();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
