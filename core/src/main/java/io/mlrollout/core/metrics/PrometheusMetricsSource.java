package io.mlrollout.core.metrics;

import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.SliceSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Reads metrics from Prometheus. For a window it evaluates the metric's queries at the window's end, with {@code
 * ${interval}} set to the window's length in whole seconds, and turns the answer into a {@link Reading}: counts for
 * ratio metrics, a scalar for quantile and value metrics, per-bucket counts for distribution metrics. NaN, infinities
 * and absent series are {@link Reading.NoData}, never a number.
 *
 * <p>Count presets read exact counter differences (see {@link Presets}). When a difference is not a count — it has no
 * value because a series began inside the window, or it is negative because a counter was reset — the whole read is
 * repeated with the preset's increase() queries, whose counts are extrapolated but never negative; such a reading is
 * marked {@link Reading#extrapolated()}.
 */
public final class PrometheusMetricsSource implements MetricsSource {

    /** Float noise allowed when bad and total, or neighbouring buckets, come from separately extrapolated series. */
    private static final double ROUNDING = 1e-9;

    /** The slice of series that lack the slice label. */
    public static final String NO_SLICE = "(none)";

    private final PrometheusClient client;
    private final String namespace;
    /** Applied to every query after the preset is resolved: e.g. narrowing each version to some of its pods. */
    private final UnaryOperator<String> rewrite;

    /**
     * @param namespace fills {@code ${namespace}} (Knative presets need it); may be empty
     */
    public PrometheusMetricsSource(URI baseUrl, Credential credential, HttpSettings settings, String namespace) {
        this(baseUrl, credential, settings, namespace, Backoff.Sleeper.REAL);
    }

    /** As above, with the pause between retries injected (tests record it instead of sleeping). */
    public PrometheusMetricsSource(
            URI baseUrl, Credential credential, HttpSettings settings, String namespace, Backoff.Sleeper sleeper) {
        this(new PrometheusClient(baseUrl, credential, settings, sleeper), namespace, UnaryOperator.identity());
    }

    private PrometheusMetricsSource(PrometheusClient client, String namespace, UnaryOperator<String> rewrite) {
        this.client = client;
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.rewrite = rewrite;
    }

    /**
     * This source reading only the series whose {@code label} is one of {@code values}, beside each version's matcher
     * (see {@link QueryTemplates#narrowed}): a group of a version's pods, for an A/A replay. A metric whose queries pick
     * their version otherwise cannot be narrowed, and reading it fails with the reason.
     */
    public PrometheusMetricsSource narrowedTo(String label, List<String> values) {
        QueryTemplates.narrowed("x{v=\"${version}\"}", label, values); // refuses a bad label or value now
        return new PrometheusMetricsSource(
                client, namespace, template -> QueryTemplates.narrowed(template, label, values));
    }

    /**
     * The values of {@code label} on the series of {@code version} that {@code metric} reads, seen at any time in
     * {@code window}: e.g. the pods that served a version.
     */
    public List<String> labelValues(MetricSpec metric, String endpoint, String version, String label, Window window)
            throws MetricsException {
        String promql = "count by (" + label + ") (last_over_time(" + versionSeries(metric, endpoint, version, window)
                + "[" + QueryTemplates.interval(window.length()) + "]))";
        List<String> found = new ArrayList<>();
        for (QueryResult.Series series : answer(metric, promql, window).series()) {
            String value = series.labels().get(label);
            if (value != null && !value.isEmpty()) {
                found.add(value);
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * Whether {@code version} has any series that {@code metric} reads at any time in {@code window}: a version
     * Prometheus never saw there (misnamed, or older than what it keeps) has none. Empty when the metric's queries
     * pick their version in no {@code label="${version}"} matcher, so there is no selector to ask with.
     */
    public Optional<Boolean> hasSeries(MetricSpec metric, String endpoint, String version, Window window)
            throws MetricsException {
        String series;
        try {
            series = versionSeries(metric, endpoint, version, window);
        } catch (MetricsException noSelector) {
            return Optional.empty();
        }
        String promql = "count(last_over_time(" + series + "[" + QueryTemplates.interval(window.length()) + "]))";
        return Optional.of(!answer(metric, promql, window).series().isEmpty());
    }

    /** The selector of {@code version}'s series that {@code metric}'s queries read, its placeholders filled. */
    private String versionSeries(MetricSpec metric, String endpoint, String version, Window window)
            throws MetricsException {
        String selector;
        Map<String, String> values;
        try {
            Presets.MetricQueries queries = Presets.resolve(metric);
            // the total before the bad query: a selector of errors only would miss the pods that served none
            selector = Stream.of(queries.total(), queries.histogram(), queries.query(), queries.bad())
                    .flatMap(Optional::stream)
                    .map(QueryTemplates::versionSelector)
                    .flatMap(Optional::stream)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "its queries pick their version in no label=\"${version}\" matcher"));
            values = placeholderValues(metric, endpoint, version, window);
        } catch (IllegalArgumentException badConfiguration) {
            throw new MetricsException(
                    "metric " + metric.name() + ": " + badConfiguration.getMessage(), badConfiguration);
        }
        return QueryTemplates.fill(selector, values);
    }

    @Override
    public Reading read(MetricSpec metric, String endpoint, String version, Window window) throws MetricsException {
        Presets.MetricQueries queries;
        Map<String, String> values;
        try {
            queries = Presets.resolve(metric).map(rewrite);
            values = placeholderValues(metric, endpoint, version, window);
        } catch (IllegalArgumentException badConfiguration) {
            throw new MetricsException(
                    "metric " + metric.name() + ": " + badConfiguration.getMessage(), badConfiguration);
        }
        Read read = new Read(metric, version, window, values);
        return switch (metric.kind()) {
            case RATIO ->
                metric.slices().isPresent()
                        ? read.slicedRatio(queries, metric.slices().get())
                        : read.ratio(queries);
            case QUANTILE ->
                queries.histogram().isPresent()
                        ? metric.slices().isPresent()
                                ? read.slicedHistogram(queries, metric.slices().get())
                                : read.histogram(queries)
                        : read.scalar(queries.query().orElseThrow());
            case VALUE -> read.scalar(queries.query().orElseThrow());
            case DISTRIBUTION -> read.histogram(queries);
        };
    }

    @Override
    public String toString() {
        return "PrometheusMetricsSource(" + client + (namespace.isEmpty() ? "" : ", namespace " + namespace) + ")";
    }

    /** Annotations that may be false positives; Thanos, and Prometheus before 2.54, send them among the warnings. */
    private static final String INFO_PREFIX = "PromQL info:";

    /**
     * Prometheus' answer to {@code promql} at the window's end, refused when it carries a warning: a partial answer
     * (Thanos with a store down, a failed remote read) may lack the very series that hold a version's errors, and
     * reading it would count what is missing as zero.
     */
    private QueryResult answer(MetricSpec metric, String promql, Window window) throws MetricsException {
        QueryResult result = client.query(promql, window.end());
        List<String> warnings = result.warnings().stream()
                .filter(warning -> !warning.startsWith(INFO_PREFIX))
                .toList();
        if (!warnings.isEmpty()) {
            throw new MetricsException("the answer to query '" + promql + "' for metric " + metric.name()
                    + " may be incomplete or wrong, so it is not used: Prometheus warned " + warnings);
        }
        return result;
    }

    private Map<String, String> placeholderValues(MetricSpec metric, String endpoint, String version, Window window) {
        Map<String, String> values = new HashMap<>();
        values.put("version", version);
        values.put("endpoint", endpoint);
        values.put("interval", QueryTemplates.interval(window.length()));
        if (!namespace.isEmpty()) {
            values.put("namespace", namespace);
        }
        metric.queries().threshold().ifPresent(t -> {
            values.put("threshold", QueryTemplates.number(t.toNanos() / 1e6));
            values.put("thresholdSeconds", QueryTemplates.number(t.toNanos() / 1e9));
        });
        metric.queries().quantile().ifPresent(q -> values.put("quantile", QueryTemplates.number(q)));
        for (String name : values.keySet()) {
            if (values.get(name).isEmpty()) {
                throw new IllegalArgumentException("the value of ${" + name + "} is empty");
            }
        }
        return values;
    }

    /** One read of one metric for one version: fills the templates and maps the answers. */
    private final class Read {
        private final MetricSpec metric;
        private final String version;
        private final Window window;
        private final Map<String, String> values;

        Read(MetricSpec metric, String version, Window window, Map<String, String> values) {
            this.metric = metric;
            this.version = version;
            this.window = window;
            this.values = values;
        }

        Reading ratio(Presets.MetricQueries queries) throws MetricsException {
            Optional<Presets.MetricQueries> increases = queries.increaseFallback();
            QueryResult.Sample total = single(fill(queries.total().orElseThrow(), "total"));
            if (increases.isPresent() && (total == null || total.value() < 0)) {
                return extrapolated(ratio(increases.get()));
            }
            if (total == null) {
                return noData("the total query returned no series (absent)");
            }
            if (!Double.isFinite(total.value())) {
                return noData("the total is " + total.value());
            }
            QueryResult.Sample badSample = single(fill(queries.bad().orElseThrow(), "bad"));
            if (increases.isPresent() && (badSample == null ? newInWindow(increases.get()) : badSample.value() < 0)) {
                return extrapolated(ratio(increases.get()));
            }
            double bad;
            if (badSample == null) {
                if (!queries.absentBadIsZero()) {
                    return noData("the bad query returned no series; for a latency threshold that usually means it is"
                            + " not one of the histogram's bucket bounds");
                }
                bad = 0;
            } else if (!Double.isFinite(badSample.value())) {
                return noData("the bad count is " + badSample.value());
            } else {
                bad = badSample.value();
            }
            double slack = ROUNDING * Math.max(1, total.value());
            if (bad < -slack || bad > total.value() + slack) {
                return noData("the bad count " + bad + " is outside [0, total " + total.value()
                        + "]: check the bad and total queries");
            }
            return new Reading.Counts(Math.min(Math.max(bad, 0), total.value()), total.value());
        }

        /**
         * A sliced ratio: bad and total grouped by the slice label, one pair of counts per slice, added up for the
         * aggregate. Read again with increase() as a whole when any slice's difference is not a count.
         */
        Reading slicedRatio(Presets.MetricQueries queries, SliceSpec slices) throws MetricsException {
            Optional<Presets.MetricQueries> increases = queries.increaseFallback();
            Map<String, Double> totals = perSlice(queries.total().orElseThrow(), "total", slices);
            if (increases.isPresent()
                    && (totals.isEmpty() || totals.values().stream().anyMatch(v -> v < 0))) {
                return extrapolated(slicedRatio(increases.get(), slices));
            }
            if (totals.isEmpty()) {
                return noData("the total query grouped by " + slices.label() + " returned no series (absent)");
            }
            Map<String, Double> bads = perSlice(queries.bad().orElseThrow(), "bad", slices);
            Set<String> badAbsent = new TreeSet<>(totals.keySet());
            badAbsent.removeAll(bads.keySet());
            if (increases.isPresent()
                    && (bads.values().stream().anyMatch(v -> v < 0)
                            || (!badAbsent.isEmpty()
                                    && !Collections.disjoint(
                                            badAbsent,
                                            perSlice(increases.get().bad().orElseThrow(), "bad", slices)
                                                    .keySet())))) {
                return extrapolated(slicedRatio(increases.get(), slices));
            }
            // Only the totals' slices are read below: a bad slice without a total would vanish, its errors with it.
            Set<String> badWithoutTotal = new TreeSet<>(bads.keySet());
            badWithoutTotal.removeAll(totals.keySet());
            if (!badWithoutTotal.isEmpty()) {
                return noData("the bad query has series for "
                        + String.join(
                                ", ",
                                badWithoutTotal.stream()
                                        .map(slice -> slices.label() + "=" + slice)
                                        .toList())
                        + " where the total query has none: check that both carry the label " + slices.label());
            }
            Map<String, Reading.Counts> counts = new TreeMap<>();
            for (Map.Entry<String, Double> slice : totals.entrySet()) {
                String where = slices.label() + "=" + slice.getKey();
                double total = slice.getValue();
                Double bad = bads.get(slice.getKey());
                if (bad == null && !queries.absentBadIsZero()) {
                    return noData("the bad query returned no series for " + where);
                }
                double b = bad == null ? 0 : bad;
                if (!Double.isFinite(total) || !Double.isFinite(b)) {
                    return noData("the counts for " + where + " are " + b + "/" + total);
                }
                double slack = ROUNDING * Math.max(1, total);
                if (b < -slack || b > total + slack) {
                    return noData("the bad count " + b + " for " + where + " is outside [0, total " + total
                            + "]: check the bad and total queries");
                }
                counts.put(slice.getKey(), new Reading.Counts(Math.min(Math.max(b, 0), total), total));
            }
            return Reading.Counts.ofSlices(counts, false);
        }

        /** One value per slice of a query grouped by the slice label; a series without the label is its own slice. */
        private Map<String, Double> perSlice(String template, String field, SliceSpec slices) throws MetricsException {
            String query;
            try {
                query = slices.group(template);
            } catch (IllegalArgumentException ungroupable) {
                throw new MetricsException("metric " + metric.name() + ", " + field + " query cannot be sliced: it "
                        + ungroupable.getMessage());
            }
            query = fill(query, field);
            QueryResult result = answer(metric, query, window);
            if (result.type() != QueryResult.Type.VECTOR) {
                throw notOneNumberPerSeries(query, result);
            }
            Map<String, Double> values = new TreeMap<>();
            for (QueryResult.Series series : result.series()) {
                String slice = series.labels().getOrDefault(slices.label(), NO_SLICE);
                if (values.put(slice, series.samples().get(0).value()) != null) {
                    throw new MetricsException("the query '" + query + "' returned more than one series for "
                            + slices.label() + "=" + slice);
                }
            }
            return values;
        }

        /**
         * Whether the bad series, absent from the difference, exist within the window: then they began inside it (the
         * first 5xx of a version creates its series), and their events must be counted, not taken as zero.
         */
        private boolean newInWindow(Presets.MetricQueries increases) throws MetricsException {
            return single(fill(increases.bad().orElseThrow(), "bad")) != null;
        }

        Reading scalar(String template) throws MetricsException {
            QueryResult.Sample sample = single(fill(template, "query"));
            if (sample == null) {
                return noData("the query returned no series (absent)");
            }
            if (!Double.isFinite(sample.value())) {
                return noData("the value is " + sample.value());
            }
            return new Reading.Scalar(sample.value());
        }

        Reading histogram(Presets.MetricQueries queries) throws MetricsException {
            String query = fill(queries.histogram().orElseThrow(), "histogram");
            QueryResult result = answer(metric, query, window);
            if (result.type() != QueryResult.Type.VECTOR) {
                throw notOneNumberPerSeries(query, result);
            }
            Optional<Presets.MetricQueries> increases = queries.increaseFallback();
            if (increases.isPresent()
                    && (result.series().isEmpty()
                            || result.series().stream()
                                    .anyMatch(s -> s.samples().get(0).value() < 0))) {
                return extrapolated(histogram(increases.get()));
            }
            if (result.series().isEmpty()) {
                return noData("the histogram query returned no series (absent)");
            }
            TreeMap<Double, Double> cumulative = new TreeMap<>();
            for (QueryResult.Series series : result.series()) {
                double bound = bound(query, series);
                if (cumulative.put(bound, series.samples().get(0).value()) != null) {
                    throw new MetricsException("the histogram query '" + query + "' returned more than one series"
                            + " for le=\"" + series.labels().get("le") + "\"; aggregate with 'sum by (le) (...)'");
                }
            }
            if (cumulative.values().stream().anyMatch(v -> !Double.isFinite(v))) {
                return noData("a bucket count is NaN or infinite");
            }
            if (cumulative.lastKey() != Double.POSITIVE_INFINITY) {
                return noData("the histogram has no le=\"+Inf\" bucket");
            }
            Optional<String> negative = negativeBucket(cumulative);
            if (negative.isPresent()) {
                return noData(negative.get());
            }
            return perBucket(cumulative);
        }

        /**
         * A sliced latency histogram: the buckets grouped by le and the slice label, each slice's own bucket counts,
         * added up for the aggregate. Read again with increase() as a whole when any bucket's difference is not a
         * count, as the unsliced histogram is.
         */
        Reading slicedHistogram(Presets.MetricQueries queries, SliceSpec slices) throws MetricsException {
            String query;
            try {
                query = slices.groupBuckets(queries.histogram().orElseThrow());
            } catch (IllegalArgumentException ungroupable) {
                throw new MetricsException("metric " + metric.name() + ", histogram query cannot be sliced: it "
                        + ungroupable.getMessage());
            }
            query = fill(query, "histogram");
            QueryResult result = answer(metric, query, window);
            if (result.type() != QueryResult.Type.VECTOR) {
                throw notOneNumberPerSeries(query, result);
            }
            Optional<Presets.MetricQueries> increases = queries.increaseFallback();
            if (increases.isPresent()
                    && (result.series().isEmpty()
                            || result.series().stream()
                                    .anyMatch(s -> s.samples().get(0).value() < 0))) {
                return extrapolated(slicedHistogram(increases.get(), slices));
            }
            if (result.series().isEmpty()) {
                return noData("the histogram query grouped by " + slices.label() + " returned no series (absent)");
            }
            Map<String, TreeMap<Double, Double>> cumulative = new TreeMap<>();
            for (QueryResult.Series series : result.series()) {
                String slice = series.labels().getOrDefault(slices.label(), NO_SLICE);
                double bound = bound(query, series);
                if (cumulative
                                .computeIfAbsent(slice, s -> new TreeMap<>())
                                .put(bound, series.samples().get(0).value())
                        != null) {
                    throw new MetricsException("the histogram query '" + query + "' returned more than one series"
                            + " for " + slices.label() + "=" + slice + ", le=\""
                            + series.labels().get("le") + "\"");
                }
            }
            Map<String, Reading.Histogram> bySlice = new TreeMap<>();
            for (Map.Entry<String, TreeMap<Double, Double>> slice : cumulative.entrySet()) {
                String where = slices.label() + "=" + slice.getKey();
                if (slice.getValue().values().stream().anyMatch(v -> !Double.isFinite(v))) {
                    return noData("a bucket count for " + where + " is NaN or infinite");
                }
                if (slice.getValue().lastKey() != Double.POSITIVE_INFINITY) {
                    return noData("the histogram has no le=\"+Inf\" bucket for " + where);
                }
                bySlice.put(slice.getKey(), perBucket(slice.getValue()));
            }
            try {
                return Reading.Histogram.ofSlices(bySlice, false);
            } catch (IllegalArgumentException differentBounds) {
                return noData(differentBounds.getMessage());
            }
        }

        /** A bucket series' upper bound, from its le label. */
        private double bound(String query, QueryResult.Series series) throws MetricsException {
            String le = series.labels().get("le");
            if (le == null) {
                throw new MetricsException("the histogram query '" + query + "' returned a series without an 'le'"
                        + " label " + series.labels() + "; aggregate with 'sum by (le) (...)'");
            }
            double bound;
            try {
                bound = PrometheusClient.parseValue(le);
            } catch (NumberFormatException notANumber) {
                bound = Double.NaN;
            }
            if (Double.isNaN(bound)) {
                // a NaN bound would sort after +Inf, and the +Inf bucket be reported missing
                throw new MetricsException(
                        "the histogram query '" + query + "' returned le=\"" + le + "\", which is not a number");
            }
            return bound;
        }

        /**
         * Why the buckets are not counts, if a bucket is below zero: a difference across a counter reset (only
         * hand-written queries get here; presets read such a window with increase()). The running maximum of {@link
         * #perBucket} would hide it and move the bucket's events into the buckets above.
         */
        private Optional<String> negativeBucket(TreeMap<Double, Double> cumulative) {
            double slack = ROUNDING * Math.max(1, Collections.max(cumulative.values()));
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                if (bucket.getValue() < -slack) {
                    String le = bucket.getKey() == Double.POSITIVE_INFINITY
                            ? "+Inf"
                            : QueryTemplates.number(bucket.getKey());
                    return Optional.of("the bucket le=\"" + le + "\" is negative (" + bucket.getValue() + "): a counter"
                            + " was reset or a series vanished in the window; increase() avoids that");
                }
            }
            return Optional.empty();
        }

        /**
         * Prometheus' buckets are cumulative; the judge wants each bucket's own count. Separately extrapolated buckets
         * can dip below their predecessor by a little, so the running maximum is used, as histogram_quantile does.
         */
        private Reading.Histogram perBucket(TreeMap<Double, Double> cumulative) {
            double[] bounds = new double[cumulative.size()];
            double[] counts = new double[cumulative.size()];
            double previous = 0;
            int i = 0;
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                double running = Math.max(previous, bucket.getValue());
                bounds[i] = bucket.getKey();
                counts[i] = running - previous;
                previous = running;
                i++;
            }
            return new Reading.Histogram(bounds, counts);
        }

        /** The same numbers, marked as read with increase(), so the judge's sentence says they are estimates. */
        private Reading extrapolated(Reading reading) {
            if (reading instanceof Reading.Counts c) {
                return new Reading.Counts(c.bad(), c.total(), true, c.slices());
            }
            if (reading instanceof Reading.Histogram h) {
                Map<String, Reading.Histogram> slices = new TreeMap<>();
                h.slices().forEach((slice, buckets) -> slices.put(slice, (Reading.Histogram) extrapolated(buckets)));
                return new Reading.Histogram(h.upperBounds(), h.counts(), true, slices);
            }
            return reading;
        }

        private String fill(String template, String field) throws MetricsException {
            try {
                return QueryTemplates.fill(template, values);
            } catch (IllegalArgumentException unfillable) {
                throw new MetricsException("metric " + metric.name() + ", " + field + " query: "
                        + unfillable.getMessage()
                        + (unfillable.getMessage().contains("${namespace}")
                                ? " (configure the namespace of this Prometheus source)"
                                : ""));
            }
        }

        /** The one sample of a query expected to give one number, or null when it gave no series. */
        private QueryResult.Sample single(String query) throws MetricsException {
            QueryResult result = answer(metric, query, window);
            switch (result.type()) {
                case SCALAR:
                    return result.series().get(0).samples().get(0);
                case VECTOR:
                    if (result.series().isEmpty()) {
                        return null;
                    }
                    if (result.series().size() > 1) {
                        List<Map<String, String>> labels = result.series().stream()
                                .map(QueryResult.Series::labels)
                                .toList();
                        throw new MetricsException(
                                "the query '" + query + "' for metric " + metric.name() + " returned "
                                        + result.series().size() + " series where one was expected " + labels
                                        + "; aggregate with sum(...) or add label matchers");
                    }
                    return result.series().get(0).samples().get(0);
                default:
                    throw notOneNumberPerSeries(query, result);
            }
        }

        private MetricsException notOneNumberPerSeries(String query, QueryResult result) {
            String hint = result.type() == QueryResult.Type.MATRIX
                    ? "; it selects a range, so wrap it in a function such as increase(...) or rate(...)"
                    : "";
            return new MetricsException("the query '" + query + "' for metric " + metric.name() + " returned a "
                    + result.type().name().toLowerCase() + " result where an instant vector was expected" + hint);
        }

        private Reading.NoData noData(String why) {
            return new Reading.NoData(metric.name() + " for " + version + ": " + why);
        }
    }
}
