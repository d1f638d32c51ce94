package io.mlrollout.cli;

import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Simulated time for the demo and tests: a {@link VirtualTime} whose clock jumps from one due task to the next, with
 * the simulator's traffic served for every second it passes. At a {@code speed} above zero the jumps are paced to the
 * wall clock (speed 60: a simulated minute takes a second); at speed 0 it runs as fast as it can.
 */
public final class SimulatedTime implements RolloutTime {

    private final VirtualTime time;
    private final SimulatedTraffic traffic;
    private final double speed;
    private final Instant simulatedStart;
    private final long wallStart;

    public SimulatedTime(SimulatedTraffic traffic, Instant start, double speed) {
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be 0 or more, got " + speed);
        }
        this.time = new VirtualTime(start);
        this.traffic = traffic;
        this.speed = speed;
        this.simulatedStart = start;
        this.wallStart = System.nanoTime();
    }

    @Override
    public Clock clock() {
        return time;
    }

    @Override
    public RolloutDriver.Scheduler scheduler() {
        return time;
    }

    @Override
    public boolean runUntil(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            Instant due = time.nextDue();
            if (due == null) {
                return false;
            }
            pace(due);
            traffic.advanceTo(due);
            time.runNext();
        }
        return true;
    }

    /** Waits until the wall clock has caught up with {@code due} at this speed. */
    private void pace(Instant due) throws InterruptedException {
        if (speed == 0) {
            return;
        }
        long simulatedNanos = Duration.between(simulatedStart, due).toNanos();
        long wallDue = wallStart + (long) (simulatedNanos / speed);
        long wait = wallDue - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    @Override
    public void changed() {
        // One thread runs everything here: runUntil checks its condition after every task anyway.
    }

    @Override
    public void close() {
        // Nothing runs on its own in simulated time.
    }
}
