package io.mlrollout.cli;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricPreset;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.simulator.Buckets;
import io.mlrollout.simulator.Snapshot;
import io.mlrollout.simulator.VersionStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link MetricsSource} over the simulator's own counters, for the demo in simulated time and for tests. It answers
 * the presets whose series the simulator's {@code /metrics} serves — {@code istio-errors}, {@code istio-latency-over},
 * {@code istio-latency} and {@code model-score} — with the readings the Prometheus source would give for them, over
 * exactly each window: bad and total counts, latency counts per bucket, and score counts per bucket; per slice
 * for a sliced {@code istio-errors} or {@code istio-latency}.
 *
 * <p>Its answers can be made to fail, to show how the engine copes: a share of them at random (seeded), or all of them
 * (an outage). Like the Prometheus client, a read tries up to {@link #ATTEMPTS} times before it gives up.
 */
public final class SimulatorMetrics implements MetricsSource {

    /** Tries per read, as the Prometheus client makes by default ({@code HttpSettings.DEFAULT}). */
    static final int ATTEMPTS = 3;

    private final SimulatedTraffic traffic;
    private final Random random;
    private double failingShare;
    private boolean outage;

    public SimulatorMetrics(SimulatedTraffic traffic, long seed) {
        this.traffic = traffic;
        this.random = new Random(seed);
    }

    /** Makes this share of the source's answers fail, at random; 0 turns it off. */
    public synchronized void failingShare(double share) {
        if (!(share >= 0 && share < 1)) {
            throw new IllegalArgumentException("share must be in [0, 1), got " + share);
        }
        this.failingShare = share;
    }

    /** While on, every read fails: the metrics are gone. */
    public synchronized void outage(boolean on) {
        this.outage = on;
    }

    @Override
    public synchronized Reading read(MetricSpec metric, String endpoint, String version, Window window)
            throws MetricsException {
        if (outage) {
            throw new MetricsException("the metrics source does not answer (simulated outage)");
        }
        if (failingShare > 0 && failsEveryAttempt()) {
            throw new MetricsException("the metrics source failed " + ATTEMPTS + " attempts (simulated flaky answers)");
        }
        MetricPreset preset = metric.queries()
                .preset()
                .flatMap(MetricPreset::named)
                .orElseThrow(() -> new MetricsException("metric " + metric.name()
                        + ": the simulator's in-process metrics answer presets only, not hand-written queries"));
        VersionStats from;
        VersionStats to;
        try {
            from = traffic.at(window.start()).of(version);
            Snapshot end = traffic.at(window.end());
            to = end.of(version);
        } catch (IllegalArgumentException unknown) {
            return new Reading.NoData(metric.name() + " for " + version + ": " + unknown.getMessage());
        }
        return switch (preset) {
            case ISTIO_ERRORS ->
                metric.slices().isPresent()
                        ? slicedErrors(version, window)
                        : new Reading.Counts(to.errors() - from.errors(), to.requests() - from.requests());
            case ISTIO_LATENCY_OVER -> slowerThan(metric, version, from, to);
            case ISTIO_LATENCY -> metric.slices().isPresent() ? slicedLatencies(version, window) : latencies(from, to);
            case MODEL_SCORE -> scores(from, to);
            default ->
                throw new MetricsException("metric " + metric.name() + ": the simulator serves Istio-style series; "
                        + "preset '" + preset.spelling() + "' reads series it does not have");
        };
    }

    /** A sliced error rate: each slice's errors and requests in the window, as a grouped query returns them. */
    private Reading slicedErrors(String version, Window window) {
        Map<String, SortedMap<Integer, Long>> before = traffic.slicesAt(window.start(), version);
        Map<String, SortedMap<Integer, Long>> after = traffic.slicesAt(window.end(), version);
        if (after.isEmpty()) {
            return new Reading.NoData("the simulator's traffic is not sliced");
        }
        Map<String, Reading.Counts> bySlice = new TreeMap<>();
        after.forEach((slice, codes) -> {
            SortedMap<Integer, Long> earlier = before.getOrDefault(slice, new TreeMap<>());
            long errors = 0;
            long requests = 0;
            for (Map.Entry<Integer, Long> code : codes.entrySet()) {
                long served = code.getValue() - earlier.getOrDefault(code.getKey(), 0L);
                requests += served;
                errors += code.getKey() >= 500 && code.getKey() < 600 ? served : 0;
            }
            bySlice.put(slice, new Reading.Counts(errors, requests));
        });
        return Reading.Counts.ofSlices(bySlice, false);
    }

    /** A sliced latency: each slice's latency buckets in the window, as the grouped bucket query returns them. */
    private Reading slicedLatencies(String version, Window window) {
        Map<String, List<Long>> before = traffic.sliceLatenciesAt(window.start(), version);
        Map<String, List<Long>> after = traffic.sliceLatenciesAt(window.end(), version);
        if (after.isEmpty()) {
            return new Reading.NoData("the simulator's traffic is not sliced");
        }
        Map<String, Reading.Histogram> bySlice = new TreeMap<>();
        after.forEach((slice, buckets) -> {
            List<Long> earlier =
                    before.getOrDefault(slice, buckets.stream().map(b -> 0L).toList());
            bySlice.put(slice, bucketsOf(earlier, buckets));
        });
        return Reading.Histogram.ofSlices(bySlice, false);
    }

    private boolean failsEveryAttempt() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (random.nextDouble() >= failingShare) {
                return false;
            }
        }
        return true;
    }

    private static Reading slowerThan(MetricSpec metric, String version, VersionStats from, VersionStats to) {
        Duration threshold = metric.queries().threshold().orElseThrow();
        double thresholdMs = threshold.toNanos() / 1e6;
        int bound = Buckets.LATENCY_MS.indexOf(thresholdMs);
        if (bound < 0) {
            return new Reading.NoData(metric.name() + " for " + version + ": " + thresholdMs
                    + " ms is not a bucket bound of the latency histogram");
        }
        double[] cumulative = cumulative(from.latencyBuckets(), to.latencyBuckets());
        double total = cumulative[cumulative.length - 1];
        return new Reading.Counts(total - cumulative[bound], total);
    }

    /** The window's latency buckets, as the Prometheus source reads a quantile preset (the judge counts on them). */
    private static Reading latencies(VersionStats from, VersionStats to) {
        return bucketsOf(from.latencyBuckets(), to.latencyBuckets());
    }

    /** The latency buckets between two per-bucket snapshots. */
    private static Reading.Histogram bucketsOf(List<Long> before, List<Long> after) {
        double[] bounds = new double[after.size()];
        double[] counts = new double[after.size()];
        for (int i = 0; i < after.size(); i++) {
            bounds[i] = i < Buckets.LATENCY_MS.size() ? Buckets.LATENCY_MS.get(i) : Double.POSITIVE_INFINITY;
            counts[i] = after.get(i) - before.get(i);
        }
        return new Reading.Histogram(bounds, counts);
    }

    private static Reading scores(VersionStats from, VersionStats to) {
        List<Long> before = from.scoreBuckets();
        List<Long> after = to.scoreBuckets();
        double[] bounds = new double[after.size()];
        double[] counts = new double[after.size()];
        for (int i = 0; i < after.size(); i++) {
            bounds[i] = i < Buckets.SCORE.size() ? Buckets.SCORE.get(i) : Double.POSITIVE_INFINITY;
            counts[i] = after.get(i) - before.get(i);
        }
        return new Reading.Histogram(bounds, counts);
    }

    /** Cumulative counts of the window, per bucket, from two per-bucket snapshots. */
    private static double[] cumulative(List<Long> before, List<Long> after) {
        double[] cumulative = new double[after.size()];
        double running = 0;
        for (int i = 0; i < after.size(); i++) {
            running += after.get(i) - before.get(i);
            cumulative[i] = running;
        }
        return cumulative;
    }
}
