package io.mlrollout.core.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One metric to compare between canary and baseline.
 *
 * <p>Relative margins are fractions ({@code maxIncrease: 10%} is 0.10). Which fields apply depends on the {@link Kind};
 * the parser refuses the others.
 *
 * @param name unique within the policy; used in logs and reports
 * @param kind how the metric is read and judged
 * @param queries where the numbers come from: a preset or hand-written queries
 * @param maxIncrease the canary may be worse than the baseline by at most this fraction (ratio, quantile, value)
 * @param maxDecrease for metrics where lower is worse (value, e.g. accuracy): the allowed relative drop
 * @param max absolute upper bound on the canary (ratio: a fraction of requests; quantile/value: the metric's unit)
 * @param min absolute lower bound on the canary (value metrics)
 * @param maxPsi population stability index bound (distribution)
 * @param maxKs Kolmogorov-Smirnov distance bound (distribution)
 * @param critical a failure of this metric fails the stage at once, whatever the score
 * @param weight the metric's share in the stage score
 * @param observe judged, logged and reported, but never decides the stage nor takes a share of the false-rollback
 *     budget: a way to try a new metric on real rollouts safely
 * @param slices ratio metrics and histogram-read latency quantiles: judged per value of a label as well as over all
 *     traffic; empty for the aggregate only
 */
public record MetricSpec(
        String name,
        Kind kind,
        Queries queries,
        OptionalDouble maxIncrease,
        OptionalDouble maxDecrease,
        OptionalDouble max,
        OptionalDouble min,
        OptionalDouble maxPsi,
        OptionalDouble maxKs,
        boolean critical,
        double weight,
        boolean observe,
        Optional<SliceSpec> slices) {

    public MetricSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(queries, "queries");
        slices = slices == null ? Optional.empty() : slices;
    }

    /** A metric judged over all traffic only. */
    public MetricSpec(
            String name,
            Kind kind,
            Queries queries,
            OptionalDouble maxIncrease,
            OptionalDouble maxDecrease,
            OptionalDouble max,
            OptionalDouble min,
            OptionalDouble maxPsi,
            OptionalDouble maxKs,
            boolean critical,
            double weight,
            boolean observe) {
        this(
                name,
                kind,
                queries,
                maxIncrease,
                maxDecrease,
                max,
                min,
                maxPsi,
                maxKs,
                critical,
                weight,
                observe,
                Optional.empty());
    }

    /** The same metric judged over all traffic only: what each of its slices is judged as. */
    /**
     * The same metric with each bound that {@code replacing} sets in place of its own; the bounds it does not set stay.
     *
     * @throws IllegalArgumentException when {@code replacing} bounds a metric of another kind
     */
    public MetricSpec withBounds(MetricBounds replacing) {
        if (replacing.kind() != kind) {
            throw new IllegalArgumentException(
                    "bounds of a " + replacing.kind() + " metric for " + name + ", a " + kind + " metric");
        }
        return new MetricSpec(
                name,
                kind,
                queries,
                either(replacing.maxIncrease(), maxIncrease),
                either(replacing.maxDecrease(), maxDecrease),
                either(replacing.max(), max),
                either(replacing.min(), min),
                either(replacing.maxPsi(), maxPsi),
                either(replacing.maxKs(), maxKs),
                critical,
                weight,
                observe,
                slices);
    }

    private static OptionalDouble either(OptionalDouble first, OptionalDouble otherwise) {
        return first.isPresent() ? first : otherwise;
    }

    /** A metric that decides (not only observed). */
    public MetricSpec(
            String name,
            Kind kind,
            Queries queries,
            OptionalDouble maxIncrease,
            OptionalDouble maxDecrease,
            OptionalDouble max,
            OptionalDouble min,
            OptionalDouble maxPsi,
            OptionalDouble maxKs,
            boolean critical,
            double weight) {
        this(name, kind, queries, maxIncrease, maxDecrease, max, min, maxPsi, maxKs, critical, weight, false);
    }

    /** How a metric is read and judged. */
    public enum Kind {
        /** Bad and total event counts per version; judged with a sequential test on counts. */
        RATIO,
        /** A latency quantile per interval and version; judged with a sequential test on their per-look ratio. */
        QUANTILE,
        /** A score histogram per version; judged by population stability index and KS distance. */
        DISTRIBUTION,
        /** Any other number per interval and version (accuracy, a business KPI); judged like a quantile. */
        VALUE
    }

    /**
     * Where a metric's numbers come from. Either a named preset (with its parameters) or explicit queries; the
     * placeholders {@code ${version}}, {@code ${interval}}, {@code ${endpoint}} and {@code ${namespace}} are filled in
     * for each read.
     *
     * @param preset a preset name such as {@code istio-errors}
     * @param threshold the latency threshold of the {@code *-latency-over} presets
     * @param quantile the quantile of quantile metrics, in (0, 1)
     * @param bad ratio metrics: the query for bad events in the interval
     * @param total ratio metrics: the query for all events in the interval
     * @param query quantile and value metrics: a query giving one number per version
     * @param histogram distribution metrics: a query giving bucket counts by {@code le}
     */
    public record Queries(
            Optional<String> preset,
            Optional<Duration> threshold,
            OptionalDouble quantile,
            Optional<String> bad,
            Optional<String> total,
            Optional<String> query,
            Optional<String> histogram) {}
}
