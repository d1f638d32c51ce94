package io.mlrollout.core.metrics;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/** The time span one look reads: {@code (start, end]}. */
public record Window(Instant start, Instant end) implements Serializable {

    public Window {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a window must end after it starts: " + start + " .. " + end);
        }
    }

    public Duration length() {
        return Duration.between(start, end);
    }
}
