package io.mlrollout.core.metrics;

import java.util.Objects;

/**
 * One metric's readings for one window: the candidate's and the baseline's. {@code baseline} is null when only the
 * candidate was read (after promotion, when the baseline serves no traffic).
 */
public record Readings(Reading candidate, Reading baseline) {
    public Readings {
        Objects.requireNonNull(candidate, "candidate");
    }
}
