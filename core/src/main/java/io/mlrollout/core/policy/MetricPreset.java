package io.mlrollout.core.policy;

import io.mlrollout.core.policy.MetricSpec.Kind;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The named query sets a metric may use instead of hand-written queries, with the kind of metric each one gives, the
 * parameters it needs and, for the latency counts, the bucket bounds its histogram has. The metrics connector turns a
 * preset into PromQL; the parser checks the name, the fit and the parameters.
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
     * The {@code *-latency-over} presets whose histogram's bucket bounds are known in advance (Istio's, Envoy's
     * defaults; Knative's queue-proxy): the threshold must be one of them, since only a bound's count can be read.
     * Empty for the others (the OpenTelemetry buckets are the exporter's choice).
     */
    public List<Double> thresholdBoundsMs() {
        return switch (this) {
            case ISTIO_LATENCY_OVER -> Bounds.ISTIO_MS;
            case KNATIVE_LATENCY_OVER -> Bounds.KNATIVE_MS;
            default -> List.of();
        };
    }

    /** Why {@code threshold} cannot be counted over with this preset, or empty when it can (or cannot be known). */
    public Optional<String> thresholdProblem(Duration threshold) {
        List<Double> bounds = thresholdBoundsMs();
        double ms = threshold.toNanos() / 1e6;
        if (bounds.isEmpty() || bounds.contains(ms)) {
            return Optional.empty();
        }
        return Optional.of(ValueType.format(ms) + "ms is not a bucket bound of the histogram behind preset '" + spelling
                + "', so the count of requests above it cannot be read; use one of "
                + bounds.stream().map(ValueType::format).toList() + " (ms)");
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

    /** Bucket bounds in ms, apart so that the constants exist before the enum's values use them. */
    private static final class Bounds {
        /** Istio's (Envoy's) default buckets for istio_request_duration_milliseconds. */
        static final List<Double> ISTIO_MS = List.of(
                0.5, 1d, 5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d, 5000d, 10000d, 30000d, 60000d, 300000d,
                600000d, 1800000d, 3600000d);

        /** The queue-proxy's buckets for revision_request_latencies (knative/serving, OpenCensus era). */
        static final List<Double> KNATIVE_MS = List.of(
                5d, 10d, 20d, 40d, 60d, 80d, 100d, 150d, 200d, 250d, 300d, 350d, 400d, 450d, 500d, 600d, 700d, 800d,
                900d, 1000d, 2000d, 5000d, 10000d, 20000d, 50000d, 100000d);

        private Bounds() {}
    }
}
