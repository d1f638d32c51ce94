package io.mlrollout.core.rollout;

import io.mlrollout.core.metrics.Window;
import java.time.Instant;

/**
 * What a driver must do next for a rollout. The engine decides; the driver carries it out through the ports and feeds
 * the result back as an {@link Input}. Every action is safe to repeat, so a driver that restarts simply asks again.
 */
public sealed interface Action {

    /** Read the router's current split ({@link Input.Inspected} or {@link Input.RouterFailed}). */
    record Inspect() implements Action {}

    /**
     * Ask for {@code canaryWeight}% to the candidate ({@link Input.Shifted} or {@link Input.RouterFailed}); in a shadow
     * stage, weight 0 and {@code mirrorPercent}% of requests mirrored to it (0: mirror nothing).
     */
    record Shift(String candidate, int canaryWeight, int mirrorPercent) implements Action {}

    /**
     * Read every metric over the window for the candidate and, unless {@code candidateOnly}, for the baseline
     * ({@link Input.MetricsRead}). A metric the source cannot read becomes a NoData reading, never an error.
     */
    record Read(Window window, boolean candidateOnly) implements Action {}

    /** Return all traffic to the baseline ({@link Input.Shifted} with weight 0, or {@link Input.RouterFailed}). */
    record RollBack(String candidate) implements Action {}

    /** Nothing to do until {@code until} ({@link Input.Tick}), unless a person acts first. */
    record Wait(Instant until) implements Action {}

    /** The rollout is resting (see {@link Phase#isResting()}): nothing to do and no timer. */
    record Rest() implements Action {}
}
