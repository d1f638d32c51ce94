package io.mlrollout.cli;

import io.mlrollout.core.rollout.RolloutDriver;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * How a command lets time pass for a rollout: in real time ({@link RealTime}) or in simulated time ({@link
 * SimulatedTime}, for the demo and tests). The driver gets the clock and the scheduler; the command then waits in
 * {@link #runUntil} until the rollout is where it should stop.
 */
public interface RolloutTime extends AutoCloseable {

    Clock clock();

    RolloutDriver.Scheduler scheduler();

    /**
     * Lets scheduled work run until {@code done} holds.
     *
     * @return false when nothing was left to run before {@code done} held
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws RuntimeException what a scheduled task threw (e.g. the evidence file could not be written)
     */
    boolean runUntil(BooleanSupplier done) throws InterruptedException;

    /** Tells a waiting {@link #runUntil} to check its condition again; listeners call it after every step. */
    void changed();

    /** Stops scheduling; a task running now finishes first. */
    @Override
    void close();
}
