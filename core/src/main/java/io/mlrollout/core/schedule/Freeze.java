package io.mlrollout.core.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * A period in which no traffic moves forward, whatever the windows say (a year-end close, a launch, an audit).
 *
 * @param name how people call it, e.g. {@code year-end}
 * @param from when it starts
 * @param to when it ends (exclusive), after {@code from}
 * @param reason why, for the log and the notifications; empty when not given
 */
public record Freeze(String name, Instant from, Instant to, String reason) {

    public Freeze {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("a freeze must end after it starts");
        }
    }

    boolean covers(Instant at) {
        return !at.isBefore(from) && at.isBefore(to);
    }
}
