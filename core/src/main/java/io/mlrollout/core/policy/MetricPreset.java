package io.mlrollout.core.policy;

import io.mlrollout.core.policy.MetricSpec.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The named query sets a metric may use instead of hand-written queries, with the kind of metric each one gives and
 * the parameter it needs. The metrics connector turns a preset into PromQL; the parser only checks the name and fit.
 */
public enum MetricPreset {
    ISTIO_ERRORS("istio-errors", Kind.RATIO),
    ISTIO_LATENCY_OVER("istio-latency-over", Kind.RATIO),
    ISTIO_LATENCY("istio-latency", Kind.QUANTILE),
    KNATIVE_ERRORS("knative-errors", Kind.RATIO),
    KNATIVE_LATENCY_OVER("knative-latency-over", Kind.RATIO),
    KNATIVE_LATENCY("knative-latency", Kind.QUANTILE),
    KNATIVE_OTEL_ERRORS("knative-otel-errors", Kind.RATIO),
    KNATIVE_OTEL_LATENCY_OVER("knative-otel-latency-over", Kind.RATIO),
    KNATIVE_OTEL_LATENCY("knative-otel-latency", Kind.QUANTILE),
    MODEL_SCORE("model-score", Kind.DISTRIBUTION);

    private final String spelling;
    private final Kind kind;

    MetricPreset(String spelling, Kind kind) {
        this.spelling = spelling;
        this.kind = kind;
    }

    /** The name as a policy writes it, e.g. {@code istio-errors}. */
    public String spelling() {
        return spelling;
    }

    /** The only kind of metric this preset can feed. */
    public Kind kind() {
        return kind;
    }

    /** The {@code *-latency-over} presets count requests slower than the metric's {@code threshold}. */
    public boolean needsThreshold() {
        return spelling.endsWith("-latency-over");
    }

    /**
     * The quantile presets whose histogram's bounds are in milliseconds, read as bucket counts per version (the judge
     * tests the counts, see {@code LatencyCountJudge}); the others give one quantile per look. Counts add up across
     * slices, so only these latency presets can be sliced.
     */
    public boolean readsBuckets() {
        return this == ISTIO_LATENCY || this == KNATIVE_LATENCY;
    }

    /** The latency presets read the metric's {@code quantile} from a histogram. */
    public boolean needsQuantile() {
        return kind == Kind.QUANTILE;
    }

    public static Optional<MetricPreset> named(String spelling) {
        return Arrays.stream(values()).filter(p -> p.spelling.equals(spelling)).findFirst();
    }

    public static List<String> spellings() {
        return Arrays.stream(values()).map(MetricPreset::spelling).toList();
    }
}
