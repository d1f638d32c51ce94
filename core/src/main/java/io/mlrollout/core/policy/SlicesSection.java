package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.TEXT;
import static io.mlrollout.core.policy.ValueType.WHOLE_NUMBER;

import io.mlrollout.core.policy.MetricSpec.Kind;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads a metric's {@code slices} mapping: the label to group by, the minimum requests per slice, the most slices. */
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

    private SlicesSection() {}

    /** The metric's slices, or empty when it has none or they are refused (the errors are recorded). */
    static Optional<SliceSpec> read(MappingReader metric, Kind kind, MetricSpec.Queries queries) {
        if (!metric.has(KEY)) {
            return Optional.empty();
        }
        if (kind != Kind.RATIO) {
            metric.error(
                    KEY,
                    "only ratio metrics can be sliced (their counts add up across slices); got a "
                            + ValueType.spelling(kind) + " metric");
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
