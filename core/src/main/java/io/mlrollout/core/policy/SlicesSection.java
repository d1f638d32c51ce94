package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.TEXT;
import static io.mlrollout.core.policy.ValueType.WHOLE_NUMBER;

import io.mlrollout.core.policy.MetricSpec.Kind;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a metric's {@code slices} mapping: the label to group by, the minimum requests per slice, the most slices. Ratio
 * metrics and latency quantiles read from a histogram preset can be sliced.
 */
final class SlicesSection {

    static final String KEY = "slices";
    static final int MOST_SLICES = 50;

    private static final List<String> KEYS = List.of("label", "minRequests", "max");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final ValueType<String> LABEL = TEXT.where(
            label -> LABEL_NAME.matcher(label).matches() && !label.startsWith("__"),
            label -> "'" + label + "' is not a Prometheus label name: letters, digits and _, not starting with a digit"
                    + " or __");
    private static final ValueType<Integer> MIN_REQUESTS =
            WHOLE_NUMBER.where(n -> n >= 1, n -> "must be at least 1, got " + n);
    private static final ValueType<Integer> MAX = WHOLE_NUMBER.where(
            n -> n >= 1 && n <= MOST_SLICES, n -> "must be between 1 and " + MOST_SLICES + ", got " + n);
    private static final List<String> RESERVED = List.of("le", "version", "destination_version");

    /** Which metrics can be sliced, and why: said whenever slices are refused for the kind of metric. */
    static final String ONLY = "only ratio metrics and latency quantiles read from a histogram preset ("
            + String.join(", ", bucketPresets()) + ") can be sliced: their counts add up across slices";

    private SlicesSection() {}

    /** The metric's slices, or empty when it has none or they are refused (the errors are recorded). */
    static Optional<SliceSpec> read(MappingReader metric, Kind kind, MetricSpec.Queries queries) {
        if (!metric.has(KEY)) {
            return Optional.empty();
        }
        if (kind != Kind.RATIO && kind != Kind.QUANTILE) {
            metric.error(KEY, ONLY + "; got a " + ValueType.spelling(kind) + " metric");
            return Optional.empty();
        }
        if (kind == Kind.QUANTILE && !slicedLatencyFits(metric, queries)) {
            return Optional.empty();
        }
        Optional<MappingReader> slices = metric.mapping(KEY, KEYS);
        if (slices.isEmpty()) {
            return Optional.empty();
        }
        MappingReader reader = slices.get();
        Optional<String> label = reader.required("label", LABEL);
        if (label.isPresent() && RESERVED.contains(label.get())) {
            reader.error(
                    "label",
                    "'" + label.get() + "' tells the versions or buckets apart; slice by a label of the traffic, such"
                            + " as region");
            return Optional.empty();
        }
        long minRequests = reader.orDefault("minRequests", MIN_REQUESTS, (int) SliceSpec.DEFAULT_MIN_REQUESTS);
        int max = reader.orDefault("max", MAX, SliceSpec.DEFAULT_MAX);
        if (label.isEmpty()) {
            return Optional.empty();
        }
        SliceSpec spec = new SliceSpec(label.get(), minRequests, max);
        checkGroupable(metric, spec, "bad", queries.bad());
        checkGroupable(metric, spec, "total", queries.total());
        return Optional.of(spec);
    }

    private static List<String> bucketPresets() {
        return java.util.Arrays.stream(MetricPreset.values())
                .filter(MetricPreset::readsBuckets)
                .map(MetricPreset::spelling)
                .toList();
    }

    /**
     * A quantile metric is sliced on its histogram's bucket counts against the baseline: it needs a preset that reads
     * the buckets, and a maxIncrease to test them with (a max alone is judged on one quantile per look).
     */
    private static boolean slicedLatencyFits(MappingReader metric, MetricSpec.Queries queries) {
        Optional<MetricPreset> preset = queries.preset().flatMap(MetricPreset::named);
        if (preset.isEmpty() || !preset.get().readsBuckets()) {
            metric.error(
                    KEY,
                    ONLY + "; "
                            + preset.map(p -> "the preset " + p.spelling()
                                            + " gives one quantile per version and look, which cannot be split")
                                    .orElse("a hand-written quantile query gives one quantile per version and look,"
                                            + " which cannot be split"));
            return false;
        }
        if (!metric.has("maxIncrease")) {
            metric.error(
                    KEY,
                    "a sliced latency quantile needs maxIncrease: each slice is judged on its slow requests against"
                            + " the baseline's in the same slice (max alone is judged on one quantile per look)");
            return false;
        }
        return true;
    }

    /** A hand-written query must have a plain sum(...) that the slices can group. */
    private static void checkGroupable(MappingReader metric, SliceSpec spec, String field, Optional<String> query) {
        query.ifPresent(q -> {
            try {
                spec.group(q);
            } catch (IllegalArgumentException ungroupable) {
                metric.error(field, "cannot be sliced: the query " + ungroupable.getMessage());
            }
        });
    }
}
