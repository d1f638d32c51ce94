package io.mlrollout.simulator;

import java.util.TreeMap;

/** The mutable counters behind one version's metrics. Not thread-safe: the simulator guards it. */
final class VersionCounters {

    /** Codes exposed from the start, so that a version without errors shows a zero rather than no series. */
    private static final int[] EXPOSED_FROM_START = {200, 500, 503};

    private final TreeMap<Integer, Long> responses = new TreeMap<>();
    private final long[] latencyBuckets = new long[Buckets.LATENCY_MS.size() + 1];
    private final long[] scoreBuckets = new long[Buckets.SCORE.size() + 1];
    private double latencySumMs;
    private double scoreSum;

    VersionCounters() {
        for (int code : EXPOSED_FROM_START) {
            responses.put(code, 0L);
        }
    }

    void record(int code, double latencyMs) {
        responses.merge(code, 1L, Long::sum);
        latencyBuckets[Buckets.indexOf(Buckets.LATENCY_MS, latencyMs)]++;
        latencySumMs += latencyMs;
    }

    void recordScore(double score) {
        scoreBuckets[Buckets.indexOf(Buckets.SCORE, score)]++;
        scoreSum += score;
    }

    VersionStats snapshot(String version) {
        return new VersionStats(
                version,
                responses,
                java.util.Arrays.stream(latencyBuckets).boxed().toList(),
                latencySumMs,
                java.util.Arrays.stream(scoreBuckets).boxed().toList(),
                scoreSum);
    }
}
