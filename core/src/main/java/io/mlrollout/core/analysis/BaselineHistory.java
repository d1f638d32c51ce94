package io.mlrollout.core.analysis;

import io.mlrollout.core.metrics.Reading;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline's counts interval by interval from before a rollout, per ratio metric, as the pre-flight plan read them
 * while the baseline served all traffic. The judge learns from them how the baseline's bad rate drifts, so that its
 * first looks already allow for it and the estimate rests on an hour of minutes rather than the stage's first few.
 *
 * @param perMetric the intervals' counts by metric name, oldest first; a metric without history is absent
 */
public record BaselineHistory(Map<String, List<Reading.Counts>> perMetric) {

    public BaselineHistory {
        Map<String, List<Reading.Counts>> copied = new LinkedHashMap<>(); // in the policy's order, for the evidence
        perMetric.forEach((metric, counts) -> copied.put(metric, List.copyOf(counts)));
        perMetric = Collections.unmodifiableMap(copied);
    }

    /** No history: the judge learns from the rollout's own intervals only. */
    public static BaselineHistory none() {
        return new BaselineHistory(Map.of());
    }

    /** The intervals of {@code metric}, oldest first; empty without history. */
    public List<Reading.Counts> of(String metric) {
        return perMetric.getOrDefault(metric, List.of());
    }

    /** How many intervals the metric with the most history has. */
    public int intervals() {
        return perMetric.values().stream().mapToInt(List::size).max().orElse(0);
    }
}
