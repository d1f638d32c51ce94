package io.mlrollout.cli;

import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.Snapshot;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The simulator's traffic in simulated time: each second of the clock brings {@code requestsPerSecond} requests,
 * times the simulator's traffic-model factor for that second's minute, served synchronously by the seeded simulator in
 * that minute, and the counters are kept at every whole second. So the same seed and the same rollout give the same
 * counts, and a metrics window can be read exactly.
 */
public final class SimulatedTraffic {

    private final Simulator simulator;
    private final double requestsPerSecond;
    private final NavigableMap<Instant, Snapshot> counters = new TreeMap<>();
    /** Per version, slice and status code, for sliced traffic; empty otherwise. */
    private final NavigableMap<Instant, Map<String, Map<String, SortedMap<Integer, Long>>>> slices = new TreeMap<>();
    /** Per version and slice, the latency buckets, for sliced traffic; empty otherwise. */
    private final NavigableMap<Instant, Map<String, Map<String, List<Long>>>> sliceLatencies = new TreeMap<>();

    private Instant servedUntil;
    private double owed;

    public SimulatedTraffic(Simulator simulator, double requestsPerSecond, Instant start) {
        this.simulator = Objects.requireNonNull(simulator, "simulator");
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive, got " + requestsPerSecond);
        }
        this.requestsPerSecond = requestsPerSecond;
        this.servedUntil = start;
        counters.put(start, simulator.snapshot());
        recordSlices(start);
    }

    /** Serves the traffic of every whole second up to {@code instant}, with the split in effect now. */
    public synchronized void advanceTo(Instant instant) {
        while (!servedUntil.plusSeconds(1).isAfter(instant)) {
            owed += requestsPerSecond * simulator.trafficFactor(servedUntil);
            long requests = (long) owed;
            owed -= requests;
            simulator.serve(requests, servedUntil);
            servedUntil = servedUntil.plusSeconds(1);
            counters.put(servedUntil, simulator.snapshot());
            recordSlices(servedUntil);
        }
    }

    private void recordSlices(Instant at) {
        if (simulator.slices().isEmpty()) {
            return;
        }
        Snapshot now = simulator.snapshot();
        Map<String, Map<String, SortedMap<Integer, Long>>> byVersion = new HashMap<>();
        Map<String, Map<String, List<Long>>> latencies = new HashMap<>();
        for (String version : now.byVersion().keySet()) {
            byVersion.put(version, simulator.sliceResponses(version));
            latencies.put(version, simulator.sliceLatencyBuckets(version));
        }
        slices.put(at, byVersion);
        sliceLatencies.put(at, latencies);
    }

    /**
     * A version's latency buckets per slice (not cumulative) as they stood at {@code instant}; empty when the traffic
     * is not sliced.
     *
     * @throws IllegalArgumentException as {@link #at(Instant)} does
     */
    public synchronized Map<String, List<Long>> sliceLatenciesAt(Instant instant, String version) {
        at(instant); // the same checks of the instant
        Map.Entry<Instant, Map<String, Map<String, List<Long>>>> entry = sliceLatencies.floorEntry(instant);
        return entry == null ? Map.of() : entry.getValue().getOrDefault(version, Map.of());
    }

    /**
     * A version's requests per slice and status code as they stood at {@code instant}; empty when the traffic is not
     * sliced.
     *
     * @throws IllegalArgumentException as {@link #at(Instant)} does
     */
    public synchronized Map<String, SortedMap<Integer, Long>> slicesAt(Instant instant, String version) {
        at(instant); // the same checks of the instant
        Map.Entry<Instant, Map<String, Map<String, SortedMap<Integer, Long>>>> entry = slices.floorEntry(instant);
        return entry == null ? Map.of() : entry.getValue().getOrDefault(version, Map.of());
    }

    /** Where the traffic has been served up to. */
    public synchronized Instant servedUntil() {
        return servedUntil;
    }

    /**
     * Both versions' counters as they stood at {@code instant} (at the last whole second before it, for an instant
     * between seconds).
     *
     * @throws IllegalArgumentException for an instant before the traffic began or after it has been served up to
     */
    public synchronized Snapshot at(Instant instant) {
        if (instant.isAfter(servedUntil)) {
            throw new IllegalArgumentException(
                    "no traffic has been served for " + instant + " yet (served until " + servedUntil + ")");
        }
        Map.Entry<Instant, Snapshot> entry = counters.floorEntry(instant);
        if (entry == null) {
            throw new IllegalArgumentException(
                    instant + " is before the simulated traffic began at " + counters.firstKey());
        }
        return entry.getValue();
    }
}
