package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.BOOLEAN;
import static io.mlrollout.core.policy.ValueType.DURATION;
import static io.mlrollout.core.policy.ValueType.NUMBER;
import static io.mlrollout.core.policy.ValueType.PERCENT;
import static io.mlrollout.core.policy.ValueType.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.policy.MetricSpec.Kind;
import io.mlrollout.core.policy.MetricSpec.Queries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and validates the {@code metrics} list: which fields each kind of metric takes, where its numbers come from
 * (a preset that fits the kind, or hand-written queries with known placeholders only) and that it has a bound.
 */
final class MetricsSection {

    static final int MAX_METRICS = 20;

    private static final List<String> KEYS = List.of(
            "name",
            "kind",
            "preset",
            "threshold",
            "quantile",
            "bad",
            "total",
            "query",
            "histogram",
            "maxIncrease",
            "maxDecrease",
            "max",
            "min",
            "maxPsi",
            "maxKs",
            "critical",
            "weight",
            "observe",
            SlicesSection.KEY);
    private static final List<String> COMMON_KEYS =
            List.of("name", "kind", "preset", "critical", "weight", "observe", SlicesSection.KEY);
    private static final List<String> QUERY_KEYS = List.of("bad", "total", "query", "histogram");

    /** The keys besides {@link #COMMON_KEYS} that each kind takes. */
    private static final Map<Kind, List<String>> KIND_KEYS = new EnumMap<>(Map.of(
            Kind.RATIO, List.of("threshold", "bad", "total", "maxIncrease", "max"),
            Kind.QUANTILE, List.of("quantile", "query", "maxIncrease", "max"),
            Kind.DISTRIBUTION, List.of("histogram", "maxPsi", "maxKs"),
            Kind.VALUE, List.of("query", "maxIncrease", "maxDecrease", "max", "min")));

    /** The bounds of each kind; a metric needs at least one, or nothing could ever fail it. */
    private static final Map<Kind, List<String>> BOUNDS = new EnumMap<>(Map.of(
            Kind.RATIO, List.of("maxIncrease", "max"),
            Kind.QUANTILE, List.of("maxIncrease", "max"),
            Kind.DISTRIBUTION, List.of("maxPsi", "maxKs"),
            Kind.VALUE, List.of("maxIncrease", "maxDecrease", "max", "min")));

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final ValueType<String> METRIC_NAME = TEXT.where(
            name -> NAME.matcher(name).matches(),
            name -> "'" + name + "' is not a metric name: use lower-case letters, digits, _ and -, not starting with"
                    + " _ or -");
    private static final ValueType<Kind> KIND = ValueType.choice(Kind.class);
    private static final ValueType<Double> WEIGHT =
            NUMBER.where(w -> w > 0, w -> "must be more than 0, got " + ValueType.format(w));
    private static final ValueType<Double> QUANTILE = NUMBER.where(
            q -> q > 0 && q < 1, q -> ValueType.format(q) + " is not between 0 and 1 (both excluded); p99 is 0.99");
    private static final ValueType<Double> AT_MOST_ALL =
            PERCENT.where(f -> f <= 1, f -> Percentages.format(f) + " is over 100%");
    /** A ratio's SLO: a share of requests that may be bad, so 0% and 100% leave nothing to test. */
    private static final ValueType<Double> SHARE_LIMIT = PERCENT.where(
            f -> f > 0 && f < 1,
            f -> Percentages.format(f) + " is not between 0% and 100% (both excluded): the share of requests that may"
                    + " be bad; leave max out for no limit");

    private static final ValueType<Double> POSITIVE =
            NUMBER.where(x -> x > 0, x -> "must be more than 0, got " + ValueType.format(x));
    private static final ValueType<Double> KS_DISTANCE = POSITIVE.where(
            x -> x <= 1, x -> ValueType.format(x) + " is over 1 (a Kolmogorov-Smirnov distance is at most 1)");

    private final List<PolicyError> errors;
    /** The names the policy's metrics have, in its order, including those of metrics refused for other reasons. */
    private final List<String> written = new ArrayList<>();
    /** The metrics read, by name. */
    private final Map<String, MetricSpec> byName = new LinkedHashMap<>();

    MetricsSection(List<PolicyError> errors) {
        this.errors = errors;
    }

    List<MetricSpec> read(MappingReader top) {
        if (!top.has("metrics")) {
            top.error(
                    "metrics",
                    "is required: a list of 1 to " + MAX_METRICS
                            + " metrics such as {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%}");
            return List.of();
        }
        Optional<List<JsonNode>> list = top.list("metrics");
        List<JsonNode> items = list.orElse(List.of());
        if (list.isPresent() && items.isEmpty()) {
            top.error("metrics", "is empty; a policy needs 1 to " + MAX_METRICS + " metrics");
        }
        if (items.size() > MAX_METRICS) {
            top.error("metrics", "has " + items.size() + " metrics; at most " + MAX_METRICS + " are allowed");
        }
        List<MetricSpec> metrics = new ArrayList<>();
        Map<String, String> pathsByName = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String path = FieldPath.index(top.pathOf("metrics"), i);
            MappingReader.of(items.get(i), path, KEYS, errors)
                    .flatMap(metric -> metric(metric, pathsByName))
                    .ifPresent(metrics::add);
        }
        written.addAll(pathsByName.keySet());
        metrics.forEach(metric -> byName.putIfAbsent(metric.name(), metric));
        return metrics;
    }

    /**
     * A tier's {@code metrics}: bounds for the policy's metrics by name, each read and checked exactly as the metric's
     * own (after {@link #read}). Only bounds may be set; a metric's queries, kind, weight and the like stay as written.
     *
     * @return the bounds the tier sets, by metric name, in the tier's order
     */
    Map<String, MetricBounds> tierBounds(MappingReader tier) {
        Map<String, MetricBounds> bounds = new LinkedHashMap<>();
        Optional<MappingReader> section = tier.anyKeysMapping(
                "metrics", "a mapping of the policy's metric names to bounds, e.g. {error-rate: {maxIncrease: 10%}}");
        if (section.isEmpty()) {
            return bounds;
        }
        if (section.get().documentKeys().isEmpty()) {
            tier.error("metrics", "is empty; name a metric and its bounds, e.g. {error-rate: {maxIncrease: 10%}}");
        }
        for (String name : section.get().documentKeys()) {
            MetricSpec metric = byName.get(name);
            if (metric == null) {
                if (!written.contains(name)) {
                    section.get()
                            .error(
                                    name,
                                    "no metric of that name; metrics: " + String.join(", ", written)
                                            + Suggestions.hint(name, written));
                }
                continue; // a metric refused for another reason has its own errors already
            }
            section.get()
                    .anyKeysMapping(name, "a mapping of bounds, e.g. {maxIncrease: 10%}")
                    .flatMap(entry -> tierBounds(entry, metric))
                    .ifPresent(b -> bounds.put(name, b));
        }
        return bounds;
    }

    private Optional<MetricBounds> tierBounds(MappingReader entry, MetricSpec metric) {
        List<String> allowed = BOUNDS.get(metric.kind());
        String kindName = ValueType.spelling(metric.kind());
        String those = kindName + " metric's bounds (" + String.join(", ", allowed) + ")";
        if (entry.documentKeys().isEmpty()) {
            entry.error("is empty; a tier sets some of a " + those);
            return Optional.empty();
        }
        int before = errors.size();
        for (String key : entry.documentKeys()) {
            if (allowed.contains(key)) {
                continue;
            }
            List<Kind> owners = BOUNDS.entrySet().stream()
                    .filter(e -> e.getValue().contains(key))
                    .map(Map.Entry::getKey)
                    .toList();
            if (!owners.isEmpty()) {
                entry.error(
                        key,
                        "does not apply to " + kindName + " metrics (only to "
                                + owners.stream().map(ValueType::spelling).collect(Collectors.joining(" and "))
                                + "); a tier sets only a " + those);
            } else if (KEYS.contains(key)) {
                entry.error(
                        key,
                        "is not a bound; a tier sets only a " + those + ", the rest of " + metric.name()
                                + " stays as the policy's metrics write it");
            } else {
                entry.error(key, Suggestions.unknownKey(key, allowed));
            }
        }
        MetricBounds bounds = bounds(entry, metric.kind());
        MetricSpec merged = metric.withBounds(bounds);
        if (metric.kind() == Kind.VALUE
                && merged.min().isPresent()
                && merged.max().isPresent()
                && merged.min().getAsDouble() > merged.max().getAsDouble()
                && !(entry.has("min") && entry.has("max"))) { // both in the tier: valueBounds said so already
            String key = entry.has("min") ? "min" : "max";
            entry.error(
                    key,
                    "leaves min " + ValueType.format(merged.min().getAsDouble()) + " above max "
                            + ValueType.format(merged.max().getAsDouble()) + " (one of them is "
                            + metric.name() + "'s own); no value could pass");
        }
        return errors.size() == before ? Optional.of(bounds) : Optional.empty();
    }

    private Optional<MetricSpec> metric(MappingReader metric, Map<String, String> pathsByName) {
        Optional<String> name = metric.required("name", METRIC_NAME);
        name.ifPresent(n -> {
            String first = pathsByName.putIfAbsent(n, metric.path());
            if (first != null) {
                metric.error("name", "'" + n + "' is already the name of " + first + "; names must be unique");
            }
        });
        Optional<Kind> kind = metric.required("kind", KIND);
        boolean critical = metric.orDefault("critical", BOOLEAN, false);
        double weight = metric.orDefault("weight", WEIGHT, 1.0);
        boolean observe = metric.orDefault("observe", BOOLEAN, false);
        if (observe && critical) {
            metric.error(
                    "observe",
                    "an observed metric never fails a stage, so it cannot be critical: drop critical, or drop observe"
                            + " once the metric has earned its place");
        }
        if (kind.isEmpty()) {
            return Optional.empty(); // what else applies depends on the kind
        }
        refuseFieldsOfOtherKinds(metric, kind.get());
        Queries queries = queries(metric, kind.get());
        requireBound(metric, kind.get());
        MetricBounds bounds = bounds(metric, kind.get());
        Optional<SliceSpec> slices = SlicesSection.read(metric, kind.get(), queries);
        return name.map(n -> new MetricSpec(
                n,
                kind.get(),
                queries,
                bounds.maxIncrease(),
                bounds.maxDecrease(),
                bounds.max(),
                bounds.min(),
                bounds.maxPsi(),
                bounds.maxKs(),
                critical,
                weight,
                observe,
                slices));
    }

    private void refuseFieldsOfOtherKinds(MappingReader metric, Kind kind) {
        for (String key : metric.keys()) {
            if (KEYS.contains(key)
                    && !COMMON_KEYS.contains(key)
                    && !KIND_KEYS.get(kind).contains(key)) {
                String owners = KIND_KEYS.entrySet().stream()
                        .filter(e -> e.getValue().contains(key))
                        .map(e -> ValueType.spelling(e.getKey()))
                        .collect(Collectors.joining(" and "));
                metric.error(
                        key, "does not apply to " + ValueType.spelling(kind) + " metrics (only to " + owners + ")");
            }
        }
    }

    private Queries queries(MappingReader metric, Kind kind) {
        Optional<Duration> threshold =
                takes(kind, "threshold") ? metric.optional("threshold", DURATION) : Optional.empty();
        Optional<Double> quantile = takes(kind, "quantile") ? metric.optional("quantile", QUANTILE) : Optional.empty();
        Map<String, Optional<String>> queries = new HashMap<>();
        for (String key : QUERY_KEYS) {
            queries.put(key, takes(kind, key) ? metric.optional(key, TEXT) : Optional.empty());
        }
        Optional<String> preset = metric.optional("preset", TEXT);
        if (metric.has("preset")) {
            preset.flatMap(p -> preset(metric, p, kind)).ifPresent(p -> checkPresetParameters(metric, p, threshold));
            for (String key : QUERY_KEYS) {
                if (takes(kind, key) && metric.has(key)) {
                    metric.error(key, "does not go with a preset; the preset gives the queries");
                }
            }
        } else {
            requireQueries(metric, kind);
            checkPlaceholders(metric, kind, queries);
        }
        return new Queries(
                preset,
                threshold,
                optionalDouble(quantile),
                queries.get("bad"),
                queries.get("total"),
                queries.get("query"),
                queries.get("histogram"));
    }

    private Optional<MetricPreset> preset(MappingReader metric, String name, Kind kind) {
        Optional<MetricPreset> preset = MetricPreset.named(name);
        List<String> fitting = MetricPreset.spellings().stream()
                .filter(p -> MetricPreset.named(p).orElseThrow().kind() == kind)
                .toList();
        String kindName = ValueType.spelling(kind);
        if (preset.isEmpty()) {
            String known = fitting.isEmpty()
                    ? "; no preset gives " + kindName + " metrics, write a query"
                    : "; presets for " + kindName + " metrics: " + String.join(", ", fitting);
            String hint = Suggestions.closest(name, MetricPreset.spellings())
                    .map(p -> "; did you mean " + p + "?")
                    .orElse(known);
            metric.error("preset", "unknown preset '" + name + "'" + hint);
            return Optional.empty();
        }
        if (preset.get().kind() != kind) {
            String instead = fitting.isEmpty()
                    ? "no preset gives " + kindName + " metrics, write a query"
                    : "for " + kindName + " metrics use one of " + String.join(", ", fitting);
            metric.error(
                    "preset",
                    name + " gives " + ValueType.spelling(preset.get().kind()) + " metrics, not " + kindName + "; "
                            + instead);
            return Optional.empty();
        }
        return preset;
    }

    private void checkPresetParameters(MappingReader metric, MetricPreset preset, Optional<Duration> threshold) {
        if (preset.needsThreshold() && !metric.has("threshold")) {
            metric.error(
                    "threshold",
                    "is required by the preset " + preset.spelling()
                            + ": requests slower than it count as bad (e.g. 250ms)");
        }
        threshold.flatMap(preset::thresholdProblem).ifPresent(problem -> metric.error("threshold", problem));
        if (!preset.needsThreshold() && metric.has("threshold")) {
            metric.error("threshold", "does not go with the preset " + preset.spelling());
        }
        if (preset.needsQuantile() && !metric.has("quantile")) {
            metric.error("quantile", "is required by the preset " + preset.spelling() + " (e.g. 0.99 for p99)");
        }
    }

    private void requireQueries(MappingReader metric, Kind kind) {
        switch (kind) {
            case RATIO -> {
                if (!metric.has("bad") && !metric.has("total")) {
                    metric.error("a ratio metric needs a preset, or both bad and total queries (event counts)");
                } else if (!metric.has("bad")) {
                    metric.error("bad", "is required with total: a ratio metric without a preset counts bad events");
                } else if (!metric.has("total")) {
                    metric.error("total", "is required with bad: a ratio metric without a preset counts all events");
                }
            }
            case QUANTILE -> requireQuery(metric, "query", "a quantile metric needs a preset or a query");
            case VALUE -> requireQuery(metric, "query", "a value metric needs a query (no preset gives values)");
            case DISTRIBUTION ->
                requireQuery(
                        metric,
                        "histogram",
                        "a distribution metric needs a preset or a histogram query (buckets by le)");
        }
    }

    private static void requireQuery(MappingReader metric, String key, String reason) {
        if (!metric.has(key)) {
            metric.error(key, "is required: " + reason);
        }
    }

    /** Unknown placeholders are refused, and so are parameters that no query uses or queries whose parameter is unset. */
    private void checkPlaceholders(MappingReader metric, Kind kind, Map<String, Optional<String>> queries) {
        List<String> used = new ArrayList<>();
        for (String key : QUERY_KEYS) {
            Optional<String> query = queries.get(key);
            if (query.isEmpty()) {
                continue;
            }
            List<String> names;
            try {
                names = QueryPlaceholders.namesIn(query.get());
            } catch (IllegalArgumentException unclosed) {
                metric.error(key, unclosed.getMessage());
                continue;
            }
            for (String name : names) {
                placeholderProblem(metric, kind, name).ifPresent(problem -> metric.error(key, problem));
            }
            names.forEach(name -> used.add(QueryPlaceholders.field(name)));
        }
        for (String parameter : List.of(QueryPlaceholders.THRESHOLD, QueryPlaceholders.QUANTILE)) {
            if (takes(kind, parameter) && metric.has(parameter) && !used.contains(parameter)) {
                metric.error(parameter, "is not used: no query refers to ${" + parameter + "}");
            }
        }
    }

    private static Optional<String> placeholderProblem(MappingReader metric, Kind kind, String name) {
        if (!QueryPlaceholders.KNOWN.contains(name)) {
            String known =
                    QueryPlaceholders.KNOWN.stream().map(k -> "${" + k + "}").collect(Collectors.joining(", "));
            return Optional.of("unknown placeholder ${" + name + "}"
                    + Suggestions.closest(name, QueryPlaceholders.KNOWN)
                            .map(k -> "; did you mean ${" + k + "}?")
                            .orElse("; known: " + known));
        }
        String field = QueryPlaceholders.field(name);
        boolean parameter = field.equals(QueryPlaceholders.THRESHOLD) || field.equals(QueryPlaceholders.QUANTILE);
        if (parameter && !takes(kind, field)) {
            return Optional.of("uses ${" + name + "}, which " + ValueType.spelling(kind) + " metrics do not have");
        }
        if (parameter && !metric.has(field)) {
            return Optional.of("uses ${" + name + "} but the metric sets no " + field);
        }
        return Optional.empty();
    }

    private static void requireBound(MappingReader metric, Kind kind) {
        List<String> bounds = BOUNDS.get(kind);
        if (bounds.stream().noneMatch(metric::has)) {
            String choices = bounds.size() == 2
                    ? bounds.get(0) + " or " + bounds.get(1)
                    : "at least one of " + String.join(", ", bounds);
            metric.error("has no bound: a " + ValueType.spelling(kind) + " metric needs " + choices);
        }
    }

    private static MetricBounds bounds(MappingReader metric, Kind kind) {
        OptionalDouble maxIncrease = optionalDouble(take(metric, kind, "maxIncrease", PERCENT));
        return switch (kind) {
            case RATIO ->
                new MetricBounds(
                        kind,
                        maxIncrease,
                        none(),
                        optionalDouble(metric.optional("max", SHARE_LIMIT)),
                        none(),
                        none(),
                        none());
            case QUANTILE ->
                new MetricBounds(
                        kind,
                        maxIncrease,
                        none(),
                        optionalDouble(metric.optional("max", DURATION).map(d -> (double) d.toMillis())),
                        none(),
                        none(),
                        none());
            case VALUE -> valueBounds(metric, maxIncrease);
            case DISTRIBUTION ->
                new MetricBounds(
                        kind,
                        none(),
                        none(),
                        none(),
                        none(),
                        optionalDouble(metric.optional("maxPsi", POSITIVE)),
                        optionalDouble(metric.optional("maxKs", KS_DISTANCE)));
        };
    }

    private static MetricBounds valueBounds(MappingReader metric, OptionalDouble maxIncrease) {
        Optional<Double> max = metric.optional("max", NUMBER);
        Optional<Double> min = metric.optional("min", NUMBER);
        if (max.isPresent() && min.isPresent() && min.get() > max.get()) {
            metric.error(
                    "min",
                    ValueType.format(min.get()) + " is above max (" + ValueType.format(max.get())
                            + "); no value could pass");
        }
        return new MetricBounds(
                Kind.VALUE,
                maxIncrease,
                optionalDouble(metric.optional("maxDecrease", AT_MOST_ALL)),
                optionalDouble(max),
                optionalDouble(min),
                none(),
                none());
    }

    private static <T> Optional<T> take(MappingReader metric, Kind kind, String key, ValueType<T> type) {
        return takes(kind, key) ? metric.optional(key, type) : Optional.empty();
    }

    private static boolean takes(Kind kind, String key) {
        return KIND_KEYS.get(kind).contains(key);
    }

    private static OptionalDouble optionalDouble(Optional<Double> value) {
        return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }

    private static OptionalDouble none() {
        return OptionalDouble.empty();
    }
}
