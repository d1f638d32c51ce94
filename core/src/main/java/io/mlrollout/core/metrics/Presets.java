package io.mlrollout.core.metrics;

import io.mlrollout.core.policy.MetricPreset;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.MetricSpec.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The named query presets for Istio, Knative (OpenCensus-era and OpenTelemetry-era metric names) and the model-score
 * histogram, and the resolution of a metric's preset and hand-written queries into the queries to run. Latency presets
 * give milliseconds.
 *
 * <p>Count presets (ratio and distribution) read exact counter differences, {@code sum(c) - sum(c offset
 * ${interval})} at the window's end, not {@code increase(c[${interval}])}: increase() scales the growth between the
 * samples inside the window up to the window's length, so the judge's sequential tests would take the events of part
 * of the window (45 s of a minute with 15 s scrapes) as evidence for all of it. Each count preset also carries the
 * same queries written with increase(), read instead for a window in which a difference is not a count (see {@link
 * MetricQueries#increaseFallback()}).
 */
public final class Presets {

    /**
     * One preset.
     *
     * @param name the name a policy uses
     * @param kind the metric kind it serves
     * @param bad ratio presets: the bad-events query
     * @param total ratio presets: the all-events query
     * @param query quantile presets: the query giving one number
     * @param histogram distribution presets: the bucket query
     * @param absentBadIsZero whether an absent bad series means no bad events (true for error counts, whose 5xx series
     *     exist only after the first error); false where absence means the query matched nothing
     * @param increaseFallback count presets: the same queries with increase(), for windows in which a counter
     *     difference is not a count
     */
    public record Preset(
            String name,
            Kind kind,
            Optional<String> bad,
            Optional<String> total,
            Optional<String> query,
            Optional<String> histogram,
            boolean absentBadIsZero,
            Optional<MetricQueries> increaseFallback) {}

    /**
     * The queries to run for one metric, placeholders not yet filled.
     *
     * @param absentBadIsZero see {@link Preset#absentBadIsZero()}; true for hand-written bad queries
     * @param increaseFallback the same counts read with increase(), for a window in which the counter differences are
     *     not counts: a difference without a value (a series that began inside the window has no sample at its start)
     *     or a negative one (a counter reset). Present only when every count query comes from a preset, so that bad
     *     and total are always read alike; hand-written queries are run as written.
     */
    public record MetricQueries(
            Kind kind,
            Optional<String> bad,
            Optional<String> total,
            Optional<String> query,
            Optional<String> histogram,
            boolean absentBadIsZero,
            Optional<MetricQueries> increaseFallback) {

        /** The four queries by their field names, in policy order. */
        public Map<String, Optional<String>> byField() {
            Map<String, Optional<String>> fields = new LinkedHashMap<>();
            fields.put("bad", bad);
            fields.put("total", total);
            fields.put("query", query);
            fields.put("histogram", histogram);
            return fields;
        }

        /** The same queries, each rewritten by {@code rewrite}, the fallback's too. */
        public MetricQueries map(UnaryOperator<String> rewrite) {
            return new MetricQueries(
                    kind,
                    bad.map(rewrite),
                    total.map(rewrite),
                    query.map(rewrite),
                    histogram.map(rewrite),
                    absentBadIsZero,
                    increaseFallback.map(fallback -> fallback.map(rewrite)));
        }
    }

    private static final String ISTIO =
            "reporter=\"destination\",destination_service_name=\"${endpoint}\",destination_version=\"${version}\"";
    private static final String KNATIVE = "namespace_name=\"${namespace}\",revision_name=\"${version}\"";
    private static final String OTEL = "k8s_namespace_name=\"${namespace}\",kn_revision_name=\"${version}\"";
    // Prometheus 3 writes the le label of classic histograms as a float ("250.0"), Prometheus 2 as scraped ("250").
    private static final String LE_THRESHOLD_MS = "le=~\"${threshold}(\\\\.0)?\"";
    private static final String LE_THRESHOLD_S = "le=~\"${thresholdSeconds}(\\\\.0)?\"";

    /** Every preset the policy knows ({@link MetricPreset}: names and kinds) with its queries. */
    private static final Map<MetricPreset, Preset> PRESETS = new java.util.EnumMap<>(MetricPreset.class);

    static {
        ratio(
                MetricPreset.ISTIO_ERRORS,
                count("istio_requests_total", ISTIO + ",response_code=~\"5..\""),
                count("istio_requests_total", ISTIO),
                true);
        ratio(
                MetricPreset.ISTIO_LATENCY_OVER,
                countAbove("istio_request_duration_milliseconds", ISTIO, LE_THRESHOLD_MS),
                count("istio_request_duration_milliseconds_count", ISTIO),
                false);
        quantile(
                MetricPreset.ISTIO_LATENCY,
                histogramQuantile("istio_request_duration_milliseconds_bucket", ISTIO),
                buckets("istio_request_duration_milliseconds_bucket", ISTIO));

        ratio(
                MetricPreset.KNATIVE_ERRORS,
                count("revision_request_count", KNATIVE + ",response_code_class=\"5xx\""),
                count("revision_request_count", KNATIVE),
                true);
        ratio(
                MetricPreset.KNATIVE_LATENCY_OVER,
                countAbove("revision_request_latencies", KNATIVE, LE_THRESHOLD_MS),
                count("revision_request_latencies_count", KNATIVE),
                false);
        quantile(
                MetricPreset.KNATIVE_LATENCY,
                histogramQuantile("revision_request_latencies_bucket", KNATIVE),
                buckets("revision_request_latencies_bucket", KNATIVE));

        ratio(
                MetricPreset.KNATIVE_OTEL_ERRORS,
                count("kn_serving_invocation_duration_seconds_count", OTEL + ",http_response_status_code=~\"5..\""),
                count("kn_serving_invocation_duration_seconds_count", OTEL),
                true);
        ratio(
                MetricPreset.KNATIVE_OTEL_LATENCY_OVER,
                countAbove("kn_serving_invocation_duration_seconds", OTEL, LE_THRESHOLD_S),
                count("kn_serving_invocation_duration_seconds_count", OTEL),
                false);
        // its buckets are in seconds: judged on the per-look quantile, as before (see docs/statistics.md)
        quantile(
                MetricPreset.KNATIVE_OTEL_LATENCY,
                "1000 * " + histogramQuantile("kn_serving_invocation_duration_seconds_bucket", OTEL),
                null);

        Count scores =
                new Count("model_score_bucket", "endpoint=\"${endpoint}\",version=\"${version}\"", "sum by (le) ");
        put(
                MetricPreset.MODEL_SCORE,
                new Preset(
                        MetricPreset.MODEL_SCORE.spelling(),
                        MetricPreset.MODEL_SCORE.kind(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(scores.exact()),
                        true,
                        Optional.of(new MetricQueries(
                                Kind.DISTRIBUTION,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(scores.increase()),
                                true,
                                Optional.empty()))));

        for (MetricPreset preset : MetricPreset.values()) {
            if (!PRESETS.containsKey(preset)) {
                throw new IllegalStateException("no queries for the preset " + preset.spelling());
            }
            if (preset.kind() == Kind.QUANTILE
                    && preset.readsBuckets() != PRESETS.get(preset).histogram().isPresent()) {
                throw new IllegalStateException("the preset " + preset.spelling() + " reads buckets only if the policy"
                        + " says so (MetricPreset.readsBuckets)");
            }
        }
    }

    private Presets() {}

    /**
     * One count query written both ways: {@code exact}, the difference of the summed counter between the window's end
     * and its start, and {@code increase}, the extrapolated increase() over the window.
     */
    private record Count(String exact, String increase) {

        /**
         * @param aggregation {@code "sum"}, or {@code "sum by (le) "} to keep histogram buckets apart
         */
        Count(String metric, String selector, String aggregation) {
            this(
                    aggregation + "(" + metric + "{" + selector + "}) - " + aggregation + "(" + metric + "{" + selector
                            + "} offset ${interval})",
                    aggregation + "(increase(" + metric + "{" + selector + "}[${interval}]))");
        }

        /** This count less {@code other}, each exact difference in parentheses. */
        Count minus(Count other) {
            return new Count("(" + exact + ") - (" + other.exact + ")", increase + " - " + other.increase);
        }
    }

    private static Count count(String metric, String selector) {
        return new Count(metric, selector, "sum");
    }

    /** Requests above a latency bucket's bound: all requests less those in the bucket. */
    private static Count countAbove(String histogram, String selector, String le) {
        return count(histogram + "_count", selector).minus(count(histogram + "_bucket", selector + "," + le));
    }

    private static String histogramQuantile(String bucketMetric, String selector) {
        return "histogram_quantile(${quantile}, sum by (le) (rate(" + bucketMetric + "{" + selector
                + "}[${interval}])))";
    }

    private static void put(MetricPreset preset, Preset queries) {
        if (preset.kind() != queries.kind()) {
            throw new IllegalStateException(preset.spelling() + " is a " + preset.kind() + " preset");
        }
        PRESETS.put(preset, queries);
    }

    private static void ratio(MetricPreset preset, Count bad, Count total, boolean absentBadIsZero) {
        put(
                preset,
                new Preset(
                        preset.spelling(),
                        Kind.RATIO,
                        Optional.of(bad.exact()),
                        Optional.of(total.exact()),
                        Optional.empty(),
                        Optional.empty(),
                        absentBadIsZero,
                        Optional.of(new MetricQueries(
                                Kind.RATIO,
                                Optional.of(bad.increase()),
                                Optional.of(total.increase()),
                                Optional.empty(),
                                Optional.empty(),
                                absentBadIsZero,
                                Optional.empty()))));
    }

    /** Per-bucket counts of a latency histogram in milliseconds, kept apart by le. */
    private static Count buckets(String bucketMetric, String selector) {
        return new Count(bucketMetric, selector, "sum by (le) ");
    }

    /**
     * A quantile preset: the quantile query, and where the histogram's bounds are in milliseconds its bucket counts,
     * which the judge tests on (see {@code LatencyCountJudge}) while the quantile is computed from them for the
     * sentences.
     */
    private static void quantile(MetricPreset preset, String query, Count buckets) {
        put(
                preset,
                new Preset(
                        preset.spelling(),
                        Kind.QUANTILE,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(query),
                        Optional.ofNullable(buckets).map(Count::exact),
                        true,
                        Optional.ofNullable(buckets)
                                .map(b -> new MetricQueries(
                                        Kind.QUANTILE,
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.of(b.increase()),
                                        true,
                                        Optional.empty()))));
    }

    /** The preset of that name. */
    public static Optional<Preset> find(String name) {
        return MetricPreset.named(name).map(PRESETS::get);
    }

    /** Every preset's name, in documentation order. */
    public static Set<String> names() {
        return new java.util.LinkedHashSet<>(MetricPreset.spellings());
    }

    /**
     * The queries to run for {@code metric}: its preset's, with hand-written {@code bad}, {@code total}, {@code query}
     * and {@code histogram} overriding the preset's (or standing alone without a preset).
     *
     * @throws IllegalArgumentException naming the field and the reason when the metric's queries cannot work
     */
    public static MetricQueries resolve(MetricSpec metric) {
        MetricSpec.Queries q = metric.queries();
        Optional<Preset> preset = q.preset().map(Presets::find).orElse(Optional.empty());
        if (q.preset().isPresent()) {
            String name = q.preset().get();
            if (preset.isEmpty()) {
                throw new IllegalArgumentException("preset: unknown preset '" + name + "'; known: " + names());
            }
            if (preset.get().kind() != metric.kind()) {
                throw new IllegalArgumentException("preset: '" + name + "' is a "
                        + preset.get().kind().name().toLowerCase() + " preset, but the metric's kind is "
                        + metric.kind().name().toLowerCase());
            }
        }
        boolean handWrittenCounts = q.bad().isPresent()
                || q.total().isPresent()
                || q.histogram().isPresent()
                || (metric.kind() == Kind.QUANTILE && q.query().isPresent());
        MetricQueries resolved = new MetricQueries(
                metric.kind(),
                q.bad().or(() -> preset.flatMap(Preset::bad)),
                q.total().or(() -> preset.flatMap(Preset::total)),
                q.query().or(() -> preset.flatMap(Preset::query)),
                metric.kind() == Kind.QUANTILE && q.query().isPresent()
                        ? Optional.empty() // a hand-written quantile query is read as written
                        : q.histogram().or(() -> preset.flatMap(Preset::histogram)),
                q.bad().isPresent() || preset.map(Preset::absentBadIsZero).orElse(true),
                handWrittenCounts ? Optional.empty() : preset.flatMap(Preset::increaseFallback));
        requireFieldsOfKind(metric.kind(), resolved, q);
        requirePlaceholdersFilled(metric, resolved);
        q.preset().flatMap(MetricPreset::named).ifPresent(named -> requireBucketBound(named, metric));
        return resolved;
    }

    private static void requireFieldsOfKind(Kind kind, MetricQueries r, MetricSpec.Queries hand) {
        Map<String, Optional<String>> fields = r.byField();
        List<String> needed = switch (kind) {
            case RATIO -> List.of("bad", "total");
            case QUANTILE, VALUE -> List.of("query");
            case DISTRIBUTION -> List.of("histogram");
        };
        String kindName = kind.name().toLowerCase();
        for (String field : needed) {
            if (fields.get(field).isEmpty()) {
                throw new IllegalArgumentException(
                        field + ": a " + kindName + " metric needs a '" + field + "' query or a preset that gives one");
            }
        }
        List<String> optional = kind == Kind.QUANTILE ? List.of("histogram") : List.of();
        for (Map.Entry<String, Optional<String>> field : fields.entrySet()) {
            if (!needed.contains(field.getKey())
                    && !optional.contains(field.getKey())
                    && field.getValue().isPresent()) {
                throw new IllegalArgumentException(field.getKey() + ": does not apply to a " + kindName
                        + " metric (it uses " + String.join(" and ", needed) + ")");
            }
        }
        if (hand.threshold().isPresent() && hand.threshold().get().isNegative()) {
            throw new IllegalArgumentException("threshold: must not be negative");
        }
    }

    private static void requirePlaceholdersFilled(MetricSpec metric, MetricQueries r) {
        MetricSpec.Queries q = metric.queries();
        for (Map.Entry<String, Optional<String>> field : r.byField().entrySet()) {
            if (field.getValue().isEmpty()) {
                continue;
            }
            String template = field.getValue().get();
            try {
                QueryTemplates.requireKnownPlaceholders(template);
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException(field.getKey() + ": " + unknown.getMessage(), unknown);
            }
            Set<String> used = QueryTemplates.placeholders(template);
            if ((used.contains("threshold") || used.contains("thresholdSeconds"))
                    && q.threshold().isEmpty()) {
                throw new IllegalArgumentException("threshold: the " + where(q, field.getKey())
                        + " uses ${threshold}; give the metric a threshold such as 250ms");
            }
            if (used.contains("quantile")) {
                double quantile = q.quantile().orElse(Double.NaN);
                if (!(quantile > 0 && quantile < 1)) {
                    throw new IllegalArgumentException("quantile: the " + where(q, field.getKey())
                            + " uses ${quantile}; give the metric a quantile between 0 and 1 (exclusive)"
                            + (q.quantile().isPresent() ? ", got " + quantile : ""));
                }
            }
        }
    }

    private static String where(MetricSpec.Queries q, String field) {
        return q.preset().map(p -> "preset '" + p + "'").orElse(field + " query");
    }

    /** The parser refuses such a threshold; a metric built in code is checked here, before any query runs. */
    private static void requireBucketBound(MetricPreset preset, MetricSpec metric) {
        metric.queries().threshold().flatMap(preset::thresholdProblem).ifPresent(problem -> {
            throw new IllegalArgumentException("threshold: " + problem);
        });
    }
}
