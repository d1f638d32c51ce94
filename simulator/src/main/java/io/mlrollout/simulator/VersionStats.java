package io.mlrollout.simulator;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one version has served since the simulator started: the same numbers {@code /metrics} exposes, as values.
 *
 * @param version the version's name
 * @param responses requests per HTTP status code
 * @param latencyBuckets requests per latency bucket (not cumulative), one per {@link Buckets#LATENCY_MS} bound plus
 *     the +Inf bucket
 * @param latencySumMs the sum of all latencies, in milliseconds
 * @param scoreBuckets predictions per score bucket (not cumulative), one per {@link Buckets#SCORE} bound plus +Inf
 * @param scoreSum the sum of all predicted scores
 */
public record VersionStats(
        String version,
        SortedMap<Integer, Long> responses,
        List<Long> latencyBuckets,
        double latencySumMs,
        List<Long> scoreBuckets,
        double scoreSum) {

    public VersionStats {
        responses = new TreeMap<>(responses);
        latencyBuckets = List.copyOf(latencyBuckets);
        scoreBuckets = List.copyOf(scoreBuckets);
    }

    @Override
    public SortedMap<Integer, Long> responses() {
        return new TreeMap<>(responses);
    }

    /** All requests routed to this version. */
    public long requests() {
        return responses.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests answered with a 5xx status. */
    public long errors() {
        return responses.entrySet().stream()
                .filter(e -> e.getKey() >= 500 && e.getKey() < 600)
                .mapToLong(e -> e.getValue())
                .sum();
    }

    /** Predictions made (successful requests). */
    public long predictions() {
        return scoreBuckets.stream().mapToLong(Long::longValue).sum();
    }
}
