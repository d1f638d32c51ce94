package io.mlrollout.core.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What Prometheus answered to one query: the result's type and its series. Sample values are already mapped from
 * Prometheus' strings, so NaN and infinities are {@code double}s here and the caller decides what they mean.
 *
 * @param type Prometheus' {@code resultType}
 * @param series the series; a scalar or string result is one series without labels
 * @param warnings Prometheus' warnings, if any
 */
public record QueryResult(Type type, List<Series> series, List<String> warnings) {

    public QueryResult {
        series = List.copyOf(series);
        warnings = List.copyOf(warnings);
    }

    /** Prometheus' result types. */
    public enum Type {
        VECTOR,
        MATRIX,
        SCALAR,
        STRING
    }

    /**
     * One series: its labels and its samples (one for an instant query, many for a range query).
     *
     * @param labels the series' labels, {@code __name__} included when Prometheus returns it
     * @param samples the samples, oldest first
     */
    public record Series(Map<String, String> labels, List<Sample> samples) {
        public Series {
            labels = Map.copyOf(labels);
            samples = List.copyOf(samples);
        }
    }

    /**
     * One sample.
     *
     * @param time the sample's evaluation time
     * @param value the value; NaN, +Inf and -Inf are kept as such
     */
    public record Sample(Instant time, double value) {}
}
