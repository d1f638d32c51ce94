package io.mlrollout.core.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The judge's accumulated evidence, per metric name: sufficient statistics of the sequential tests and the
 * per-interval values, a few dozen numbers per metric. Part of the persisted rollout state.
 */
public record JudgeState(Map<String, MetricEvidence> metrics) {

    public JudgeState {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    MetricEvidence of(String metric) {
        MetricEvidence evidence = metrics.get(metric);
        if (evidence == null) {
            throw new IllegalStateException("no evidence for metric " + metric + " (state from another policy?)");
        }
        return evidence;
    }
}
