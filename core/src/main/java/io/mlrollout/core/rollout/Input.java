package io.mlrollout.core.rollout;

import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.Identity;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Instant;
import java.util.Map;

/** Something that happened to a rollout: the result of an {@link Action}, the clock, or a person. */
public sealed interface Input {

    /** When it happened, by the driver's clock. */
    Instant at();

    /** The clock reached a {@link Action.Wait}'s due time. */
    record Tick(Instant at) implements Input {}

    /** The router's split before anything moved. */
    record Inspected(TrafficSplit split, Instant at) implements Input {}

    /** The split the router reports after a {@link Action.Shift} or {@link Action.RollBack}. */
    record Shifted(TrafficSplit split, Instant at) implements Input {}

    /** The router could not be asked or refused, after the connector's own retries. */
    record RouterFailed(String reason, Instant at) implements Input {}

    /** What every metric showed over a window, by metric name. */
    record MetricsRead(Window window, Map<String, Readings> readings, Instant at) implements Input {
        public MetricsRead {
            readings = Map.copyOf(readings);
        }
    }

    /** A person approves, rejects or (an administrator) overrides the open sign-off gate. */
    record SignOff(Identity who, Decision decision, String comment, Instant at) implements Input {}

    /** {@code mlPromote}: move the passed canary to 100%. */
    record PromoteRequested(String by, Instant at) implements Input {}

    /** {@code mlRollback} or an operator: return all traffic to the baseline now. */
    record RollbackRequested(String by, String reason, Instant at) implements Input {}

    /** An administrator opens the deployment window now for a move that waits for it (audited). */
    record OpenWindow(String by, String comment, Instant at) implements Input {}

    /** The build (or the CLI process) was aborted. */
    record AbortRequested(String by, Instant at) implements Input {}
}
