package io.mlrollout.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** One version's responses per slice and status code. Not thread-safe: the simulator guards it. */
final class SliceCounters {

    /** Codes exposed from the start in every slice, so that a slice without errors shows a zero, not no series. */
    private static final int[] EXPOSED_FROM_START = {200, 500, 503};

    private final List<String> names;
    private final List<TreeMap<Integer, Long>> responses;

    SliceCounters(Optional<TrafficSlices> slices) {
        this.names = slices.map(
                        s -> s.slices().stream().map(TrafficSlices.Slice::name).toList())
                .orElse(List.of());
        this.responses = names.stream()
                .map(name -> {
                    TreeMap<Integer, Long> codes = new TreeMap<>();
                    for (int code : EXPOSED_FROM_START) {
                        codes.put(code, 0L);
                    }
                    return codes;
                })
                .toList();
    }

    void record(int slice, int status) {
        responses.get(slice).merge(status, 1L, Long::sum);
    }

    Map<String, SortedMap<Integer, Long>> snapshot() {
        Map<String, SortedMap<Integer, Long>> copy = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            copy.put(names.get(i), new TreeMap<>(responses.get(i)));
        }
        return copy;
    }
}
