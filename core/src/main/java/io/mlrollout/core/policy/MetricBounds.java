package io.mlrollout.core.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The bounds of one metric, as the model holds them (fractions for percentages, milliseconds for latency): a metric's
 * own, or those a risk tier sets for it, each of which then replaces the metric's (the others stay as the metric
 * writes them). Which bounds a metric takes depends on its kind; see {@code MetricsSection}.
 *
 * @param kind the kind of the metric they bound, which says how each is spelt
 */
public record MetricBounds(
        MetricSpec.Kind kind,
        OptionalDouble maxIncrease,
        OptionalDouble maxDecrease,
        OptionalDouble max,
        OptionalDouble min,
        OptionalDouble maxPsi,
        OptionalDouble maxKs) {

    public MetricBounds {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(maxIncrease, "maxIncrease");
        Objects.requireNonNull(maxDecrease, "maxDecrease");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(maxPsi, "maxPsi");
        Objects.requireNonNull(maxKs, "maxKs");
    }

    public boolean isEmpty() {
        return maxIncrease.isEmpty()
                && maxDecrease.isEmpty()
                && max.isEmpty()
                && min.isEmpty()
                && maxPsi.isEmpty()
                && maxKs.isEmpty();
    }

    /** The bounds that are set, as a policy spells them: {@code maxIncrease 10% max 1%}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        maxIncrease.ifPresent(v -> parts.add("maxIncrease " + Percentages.format(v)));
        maxDecrease.ifPresent(v -> parts.add("maxDecrease " + Percentages.format(v)));
        max.ifPresent(v -> parts.add("max " + absolute(v)));
        min.ifPresent(v -> parts.add("min " + absolute(v)));
        maxPsi.ifPresent(v -> parts.add("maxPsi " + ValueType.format(v)));
        maxKs.ifPresent(v -> parts.add("maxKs " + ValueType.format(v)));
        return String.join(" ", parts);
    }

    private String absolute(double value) {
        return switch (kind) {
            case RATIO -> Percentages.format(value);
            case QUANTILE -> Durations.format(Duration.ofMillis(Math.round(value)));
            case VALUE, DISTRIBUTION -> ValueType.format(value);
        };
    }
}
