package io.mlrollout.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One version's responses and latencies per slice: per status code, and per latency bucket. Not thread-safe: the
 * simulator guards it.
 */
final class SliceCounters {

    private final List<String> names;
    /** Per slice, its requests' codes (200, 500 and 503 exposed from the start) and latency buckets. */
    private final List<VersionCounters> counters;

    SliceCounters(Optional<TrafficSlices> slices) {
        this.names = slices.map(
                        s -> s.slices().stream().map(TrafficSlices.Slice::name).toList())
                .orElse(List.of());
        this.counters = names.stream().map(name -> new VersionCounters()).toList();
    }

    void record(int slice, int status, double latencyMs) {
        counters.get(slice).record(status, latencyMs);
    }

    /** Per slice, its requests per status code. */
    Map<String, SortedMap<Integer, Long>> snapshot() {
        Map<String, SortedMap<Integer, Long>> copy = new LinkedHashMap<>();
        stats("").forEach((slice, stats) -> copy.put(slice, stats.responses()));
        return copy;
    }

    /** Per slice, everything counted in it, as one version's stats named {@code version}; scores are not sliced. */
    Map<String, VersionStats> stats(String version) {
        Map<String, VersionStats> copy = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            copy.put(names.get(i), counters.get(i).snapshot(version));
        }
        return copy;
    }
}
