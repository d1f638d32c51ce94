package io.mlrollout.core.time;

import io.mlrollout.core.rollout.RolloutDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * A clock and a scheduler in simulated time: tasks run in due order and the clock jumps to each due time. Hours of
 * rollout run in milliseconds, deterministically — for tests, the benchmark and the fast demo.
 *
 * <p>Not thread-safe: one thread drives it.
 */
public final class VirtualTime extends Clock implements RolloutDriver.Scheduler {

    private record Task(Instant due, long order, Runnable work) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> {
        int byTime = a.due().compareTo(b.due());
        return byTime != 0 ? byTime : Long.compare(a.order(), b.order());
    });
    private Instant now;
    private long scheduled;

    public VirtualTime(Instant start) {
        this.now = start;
    }

    @Override
    public void schedule(Runnable task, Instant due) {
        tasks.add(new Task(due.isBefore(now) ? now : due, scheduled++, task));
    }

    /** Moves the clock by {@code span} without running anything (e.g. to let simulated traffic accumulate). */
    public void advance(Duration span) {
        now = now.plus(span);
    }

    /**
     * Runs the next task, moving the clock to its due time.
     *
     * @return false when nothing is scheduled
     */
    public boolean runNext() {
        Task task = tasks.poll();
        if (task == null) {
            return false;
        }
        if (task.due().isAfter(now)) {
            now = task.due();
        }
        task.work().run();
        return true;
    }

    /** Runs tasks until none is left or the next one is due after {@code limit}; the clock ends at most at limit. */
    public void runUntil(Instant limit) {
        while (!tasks.isEmpty() && !tasks.peek().due().isAfter(limit)) {
            runNext();
        }
        if (now.isBefore(limit)) {
            now = limit;
        }
    }

    /** The due time of the next task, or null. */
    public Instant nextDue() {
        Task next = tasks.peek();
        return next == null ? null : next.due();
    }

    public int pending() {
        return tasks.size();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("virtual time is always UTC");
    }
}
