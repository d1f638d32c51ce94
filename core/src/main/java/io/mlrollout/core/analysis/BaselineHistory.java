package io.mlrollout.core.analysis;

import io.mlrollout.core.metrics.Reading;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline's readings interval by interval from before a rollout, as the pre-flight plan read them while the
 * baseline served all traffic: counts per ratio metric, histograms per latency quantile judged on counts. The judge
 * learns from them how the baseline's rates wander and drift, so that its first looks already allow for it and the
 * estimate rests on an hour of minutes rather than the stage's first few; a latency metric also places its threshold
 * from them ({@link TailThreshold}), so the rollout's first look already counts its slow requests (as evidence where
 * the hour was calm; see {@code RateRatioTest}).
 *
 * @param perMetric the intervals' counts by ratio metric name, oldest first; a metric without history is absent
 * @param histograms the intervals' histograms by quantile metric name, oldest first; a metric without history is absent
 */
public record BaselineHistory(
        Map<String, List<Reading.Counts>> perMetric, Map<String, List<Reading.Histogram>> histograms) {

    public BaselineHistory {
        perMetric = copied(perMetric);
        histograms = copied(histograms);
    }

    /** Counts only. */
    public BaselineHistory(Map<String, List<Reading.Counts>> perMetric) {
        this(perMetric, Map.of());
    }

    /** No history: the judge learns from the rollout's own intervals only. */
    public static BaselineHistory none() {
        return new BaselineHistory(Map.of());
    }

    /** The counted intervals of {@code metric}, oldest first; empty without history. */
    public List<Reading.Counts> of(String metric) {
        return perMetric.getOrDefault(metric, List.of());
    }

    /** The histogram intervals of {@code metric}, oldest first; empty without history. */
    public List<Reading.Histogram> histogramsOf(String metric) {
        return histograms.getOrDefault(metric, List.of());
    }

    /** How many intervals the metric with the most history has. */
    public int intervals() {
        return Math.max(longest(perMetric), longest(histograms));
    }

    private static int longest(Map<String, ? extends List<?>> byMetric) {
        return byMetric.values().stream().mapToInt(List::size).max().orElse(0);
    }

    private static <T> Map<String, List<T>> copied(Map<String, List<T>> byMetric) {
        Map<String, List<T>> copy = new LinkedHashMap<>(); // in the policy's order, for the evidence
        byMetric.forEach((metric, readings) -> copy.put(metric, List.copyOf(readings)));
        return Collections.unmodifiableMap(copy);
    }
}
