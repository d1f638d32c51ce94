package io.mlrollout.cli.bench;

import io.mlrollout.simulator.Buckets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The bucket bounds a server exports its request latencies with, in milliseconds, ending with +Inf. The benchmark draws
 * each minute's latencies as counts in these buckets, and every judge sees the p99 that Prometheus' {@code
 * histogram_quantile} interpolates from them, so bucket effects are measured rather than assumed away.
 *
 * @param name as {@code --buckets} takes it
 * @param boundsMs ascending, the last +Inf
 */
record LatencyLayout(String name, double[] boundsMs) {

    /** Envoy's (and so Istio's) default buckets for istio_request_duration_milliseconds. */
    static final LatencyLayout ISTIO = new LatencyLayout("istio", Buckets.withInfinity(Buckets.ENVOY_DEFAULT_MS));

    /** The Prometheus client libraries' default buckets, .005 to 10 seconds, here in milliseconds. */
    static final LatencyLayout PROMETHEUS =
            new LatencyLayout("prometheus", Buckets.withInfinity(Buckets.PROMETHEUS_DEFAULT_MS));

    static List<LatencyLayout> all() {
        return List.of(ISTIO, PROMETHEUS);
    }

    static LatencyLayout named(String name) {
        return all().stream()
                .filter(l -> l.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown bucket layout '" + name + "'; known: "
                        + all().stream().map(LatencyLayout::name).collect(Collectors.joining(", "))));
    }

    /** Whether {@code ms} is one of the finite bounds (a slow-requests threshold must be). */
    boolean hasBound(double ms) {
        return Arrays.stream(boundsMs).anyMatch(b -> b == ms);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyLayout l && name.equals(l.name) && Arrays.equals(boundsMs, l.boundsMs);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
