package io.mlrollout.core.metrics;

import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.MetricSpec.Kind;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/** Builds metric specs for tests: only the fields that decide how a metric is read. */
final class Specs {
    private Specs() {}

    static MetricSpec preset(String name, Kind kind, String preset) {
        return metric(name, kind, queries(Optional.of(preset), Optional.empty(), OptionalDouble.empty()));
    }

    static MetricSpec latencyOver(String preset, Duration threshold) {
        return metric(
                "slow-requests",
                Kind.RATIO,
                queries(Optional.of(preset), Optional.of(threshold), OptionalDouble.empty()));
    }

    static MetricSpec latency(String preset, double quantile) {
        return metric(
                "p99-latency",
                Kind.QUANTILE,
                queries(Optional.of(preset), Optional.empty(), OptionalDouble.of(quantile)));
    }

    static MetricSpec handRatio(String bad, String total) {
        return metric(
                "hand-ratio",
                Kind.RATIO,
                new MetricSpec.Queries(
                        Optional.empty(),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.of(bad),
                        Optional.of(total),
                        Optional.empty(),
                        Optional.empty()));
    }

    static MetricSpec handValue(String query) {
        return metric(
                "hand-value",
                Kind.VALUE,
                new MetricSpec.Queries(
                        Optional.empty(),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(query),
                        Optional.empty()));
    }

    static MetricSpec handHistogram(String query) {
        return metric(
                "hand-histogram",
                Kind.DISTRIBUTION,
                new MetricSpec.Queries(
                        Optional.empty(),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(query)));
    }

    static MetricSpec metric(String name, Kind kind, MetricSpec.Queries queries) {
        return new MetricSpec(
                name,
                kind,
                queries,
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                false,
                1.0);
    }

    private static MetricSpec.Queries queries(
            Optional<String> preset, Optional<Duration> threshold, OptionalDouble quantile) {
        return new MetricSpec.Queries(
                preset, threshold, quantile, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
