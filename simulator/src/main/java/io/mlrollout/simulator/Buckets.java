package io.mlrollout.simulator;

import java.util.List;

/** The histogram bucket bounds the simulator exposes; the +Inf bucket comes after the last bound. */
public final class Buckets {

    /**
     * The bounds of {@code istio_request_duration_milliseconds}, as a mesh operator sets them for services whose
     * latencies are tens to hundreds of milliseconds (Istio's {@code sidecar.istio.io/statsHistogramBuckets}
     * annotation): Envoy's defaults (0.5, 1, 5, 10, 25, 50, 100, 250, 500 ms, ... 3600 s), which every Istio preset's
     * threshold may be, with bounds between 50 ms and 1 s added. With the defaults alone a p99 between 100 and 250 ms is
     * interpolated across a 150 ms wide bucket, and the demo's charts sat flat near 248 ms.
     */
    public static final List<Double> LATENCY_MS = List.of(
            0.5, 1d, 5d, 10d, 25d, 50d, 75d, 100d, 150d, 200d, 250d, 300d, 400d, 500d, 750d, 1000d, 2500d, 5000d,
            10000d, 30000d, 60000d, 300000d, 600000d, 1800000d, 3600000d);

    /** Envoy's (and so Istio's) default bounds of {@code istio_request_duration_milliseconds}, before any annotation. */
    public static final List<Double> ENVOY_DEFAULT_MS = List.of(
            0.5, 1d, 5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d, 5000d, 10000d, 30000d, 60000d, 300000d, 600000d,
            1800000d, 3600000d);

    /** The Prometheus client libraries' default bounds, .005 to 10 seconds, here in milliseconds. */
    public static final List<Double> PROMETHEUS_DEFAULT_MS =
            List.of(5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d, 5000d, 10000d);

    /** Bounds for {@code model_score}: 0.1, 0.2, ..., 1.0. */
    public static final List<Double> SCORE = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);

    private Buckets() {}

    /** The bounds as Prometheus reads them back: an array ending with the +Inf bucket. */
    public static double[] withInfinity(List<Double> bounds) {
        double[] all = new double[bounds.size() + 1];
        for (int i = 0; i < bounds.size(); i++) {
            all[i] = bounds.get(i);
        }
        all[bounds.size()] = Double.POSITIVE_INFINITY;
        return all;
    }

    /** The index of the bucket holding {@code value}: the first bound at or above it, or {@code bounds.size()}. */
    static int indexOf(List<Double> bounds, double value) {
        for (int i = 0; i < bounds.size(); i++) {
            if (value <= bounds.get(i)) {
                return i;
            }
        }
        return bounds.size();
    }
}
