package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.MetricSpec.Kind;
import io.mlrollout.core.policy.SliceSpec;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusMetricsSourceTest {

    private static final Window WINDOW =
            new Window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00.700Z"));
    private static final String ISTIO =
            "reporter=\"destination\",destination_service_name=\"fraud-scorer\",destination_version=\"v2\"";

    private final MockWebServer server = new MockWebServer();
    /** Answers by exact query text; a query without an answer is an empty vector (absent). */
    private final Map<String, String> answers = new HashMap<>();

    private final List<Map<String, String>> asked = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Map<String, String> form = new HashMap<>();
                for (String pair : request.getBody().utf8().split("&")) {
                    String[] kv = pair.split("=", 2);
                    form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
                synchronized (asked) {
                    asked.add(form);
                }
                String body = answers.getOrDefault(form.get("query"), PromJson.vector());
                return new MockResponse.Builder().code(200).body(body).build();
            }
        });
        server.start(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private PrometheusMetricsSource source(String namespace) {
        return new PrometheusMetricsSource(
                server.url("/").uri(),
                Credential.NONE,
                new HttpSettings(Duration.ofSeconds(2), 1, Duration.ofMillis(1)),
                namespace,
                d -> {});
    }

    private Reading read(MetricSpec metric) throws MetricsException {
        return source("").read(metric, "fraud-scorer", "v2", WINDOW);
    }

    private static String one(String value) {
        return PromJson.vector(PromJson.series(value));
    }

    private static final String ERRORS = "istio_requests_total{" + ISTIO + "}";
    private static final String FIVE_HUNDREDS = "istio_requests_total{" + ISTIO + ",response_code=~\"5..\"}";
    private static final String ERRORS_BAD = "sum(" + FIVE_HUNDREDS + ") - sum(" + FIVE_HUNDREDS + " offset 60s)";
    private static final String ERRORS_TOTAL = "sum(" + ERRORS + ") - sum(" + ERRORS + " offset 60s)";
    private static final String ERRORS_BAD_INCREASE = "sum(increase(" + FIVE_HUNDREDS + "[60s]))";
    private static final String ERRORS_TOTAL_INCREASE = "sum(increase(" + ERRORS + "[60s]))";

    private List<String> queriesAsked() {
        synchronized (asked) {
            return asked.stream().map(form -> form.get("query")).toList();
        }
    }

    @Test
    void aRatioIsBadAndTotalEvaluatedAtTheWindowEndOverItsWholeSeconds() throws Exception {
        answers.put(ERRORS_BAD, one("12"));
        answers.put(ERRORS_TOTAL, one("1000"));

        Reading reading = read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"));

        assertThat(reading).isEqualTo(new Reading.Counts(12, 1000));
        assertThat(asked).allSatisfy(form -> assertThat(form).containsEntry("time", "1767225660.700"));
        assertThat(queriesAsked()).containsExactly(ERRORS_TOTAL, ERRORS_BAD);
    }

    @Test
    void anAbsentBadSeriesWithAPresentTotalIsZeroBad() throws Exception {
        answers.put(ERRORS_TOTAL, one("1000"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"))).isEqualTo(new Reading.Counts(0, 1000));
        // The 5xx series were asked for over the whole window too: none exist, so the exact total stands.
        assertThat(queriesAsked()).containsExactly(ERRORS_TOTAL, ERRORS_BAD, ERRORS_BAD_INCREASE);
    }

    @Test
    void badSeriesThatBeganInsideTheWindowAreCountedByIncreaseWithTheTotal() throws Exception {
        // The first 5xx of the window created its series: there is no sample at the window's start to subtract.
        answers.put(ERRORS_TOTAL, one("1000"));
        answers.put(ERRORS_BAD_INCREASE, one("4.4"));
        answers.put(ERRORS_TOTAL_INCREASE, one("1100"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.Counts(4.4, 1100, true));
    }

    @Test
    void aTotalWithoutADifferenceIsReadWithIncrease() throws Exception {
        // Every series began inside the window (a version's first requests), so the difference has no value.
        answers.put(ERRORS_BAD_INCREASE, one("3.3"));
        answers.put(ERRORS_TOTAL_INCREASE, one("330"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.Counts(3.3, 330, true));
        assertThat(queriesAsked()).containsExactly(ERRORS_TOTAL, ERRORS_TOTAL_INCREASE, ERRORS_BAD_INCREASE);
    }

    @Test
    void aNegativeDifferenceIsACounterResetAndIsReadWithIncrease() throws Exception {
        answers.put(ERRORS_TOTAL, one("-5000"));
        answers.put(ERRORS_BAD, one("-40"));
        answers.put(ERRORS_BAD_INCREASE, one("2"));
        answers.put(ERRORS_TOTAL_INCREASE, one("200"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.Counts(2, 200, true));
    }

    @Test
    void aNegativeBadDifferenceAloneIsAlsoReadWithIncrease() throws Exception {
        answers.put(ERRORS_TOTAL, one("900"));
        answers.put(ERRORS_BAD, one("-3"));
        answers.put(ERRORS_BAD_INCREASE, one("2"));
        answers.put(ERRORS_TOTAL_INCREASE, one("950"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.Counts(2, 950, true));
    }

    @Test
    void aTotalAbsentBothWaysIsNoData() throws Exception {
        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.NoData("error-rate for v2: the total query returned no series (absent)"));
    }

    @Test
    void anAbsentTotalIsNoData() throws Exception {
        answers.put(ERRORS_BAD, one("3"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.NoData("error-rate for v2: the total query returned no series (absent)"));
    }

    @Test
    void nanAndInfinitiesAreNoData() throws Exception {
        answers.put(ERRORS_TOTAL, one("NaN"));
        String p99 = "1000 * histogram_quantile(0.99, sum by (le) (rate(kn_serving_invocation_duration_seconds_bucket"
                + "{k8s_namespace_name=\"ml\",kn_revision_name=\"v2\"}[60s])))";
        answers.put(p99, one("+Inf"));
        answers.put("hand_metric", PromJson.scalar("-Inf"));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.NoData("error-rate for v2: the total is NaN"));
        assertThat(source("ml").read(Specs.latency("knative-otel-latency", 0.99), "fraud-scorer", "v2", WINDOW))
                .isEqualTo(new Reading.NoData("p99-latency for v2: the value is Infinity"));
        assertThat(read(Specs.handValue("hand_metric")))
                .isEqualTo(new Reading.NoData("hand-value for v2: the value is -Infinity"));
    }

    @Test
    void anAnswerThatWarnsItMayBeIncompleteIsNotReadAsCounts() {
        // Thanos with a store down answers "success" with what the other stores hold: here no 5xx series at all.
        String partial = "partial response: store 10.0.3.7:10901 unavailable";
        answers.put(ERRORS_TOTAL, PromJson.warned(one("1000"), partial));
        answers.put(ERRORS_BAD, PromJson.warned(PromJson.vector(), partial));
        answers.put(ERRORS_BAD_INCREASE, PromJson.warned(PromJson.vector(), partial));

        assertThatThrownBy(() -> read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("error-rate")
                .hasMessageContaining("may be incomplete or wrong")
                .hasMessageContaining(partial);
    }

    @Test
    void anInfoAnnotationAmongTheWarningsDoesNotStopTheRead() throws Exception {
        // Thanos, and Prometheus before 2.54, put "PromQL info:" annotations (possible false positives) in warnings.
        String info = "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket";
        answers.put(ERRORS_TOTAL, PromJson.warned(one("1000"), info));
        answers.put(ERRORS_BAD, PromJson.warned(one("12"), info));

        assertThat(read(Specs.preset("error-rate", Kind.RATIO, "istio-errors")))
                .isEqualTo(new Reading.Counts(12, 1000));
    }

    @Test
    void theVersionsPodsAreReadFromAllItsRequestsNotOnlyItsErrors() throws Exception {
        // Only pod-a ever answered a 5xx: its pods read through the bad query's selector would be pod-a alone.
        String everyRequest = "count by (pod) (last_over_time({" + ISTIO + "}[60s]))";
        String errorsOnly = "count by (pod) (last_over_time({" + ISTIO + ",response_code=~\"5..\"}[60s]))";
        answers.put(
                everyRequest,
                PromJson.vector(
                        PromJson.series("1", "pod", "pod-a"),
                        PromJson.series("1", "pod", "pod-b"),
                        PromJson.series("1", "pod", "pod-c")));
        answers.put(errorsOnly, PromJson.vector(PromJson.series("1", "pod", "pod-a")));

        assertThat(source("")
                        .labelValues(
                                Specs.preset("error-rate", Kind.RATIO, "istio-errors"),
                                "fraud-scorer",
                                "v2",
                                "pod",
                                WINDOW))
                .containsExactly("pod-a", "pod-b", "pod-c");
    }

    @Test
    void aQuantileIsAScalarInMilliseconds() throws Exception {
        String otel = "1000 * histogram_quantile(0.95, sum by (le) (rate(kn_serving_invocation_duration_seconds_bucket"
                + "{k8s_namespace_name=\"ml\",kn_revision_name=\"v2\"}[60s])))";
        answers.put(otel, one("123.4"));

        Reading reading = source("ml").read(Specs.latency("knative-otel-latency", 0.95), "fraud-scorer", "v2", WINDOW);

        assertThat(reading).isEqualTo(new Reading.Scalar(123.4));
    }

    private static final String LATENCY_COUNT = "istio_request_duration_milliseconds_count{" + ISTIO + "}";
    private static final String LATENCY_COUNT_DIFFERENCE =
            "sum(" + LATENCY_COUNT + ") - sum(" + LATENCY_COUNT + " offset 60s)";

    @Test
    void aLatencyOverPresetWhoseBucketIsMissingIsNoDataSayingWhy() throws Exception {
        answers.put(LATENCY_COUNT_DIFFERENCE, one("500"));
        answers.put("sum(increase(" + LATENCY_COUNT + "[60s]))", one("520"));

        Reading reading = read(Specs.latencyOver("istio-latency-over", Duration.ofMillis(250)));

        assertThat(reading).isInstanceOf(Reading.NoData.class);
        assertThat(((Reading.NoData) reading).reason())
                .contains("slow-requests for v2")
                .contains("bucket bounds");
    }

    @Test
    void aLatencyOverPresetCountsRequestsAboveTheThreshold() throws Exception {
        String bucket = "istio_request_duration_milliseconds_bucket{" + ISTIO + ",le=~\"250(\\\\.0)?\"}";
        answers.put(LATENCY_COUNT_DIFFERENCE, one("500"));
        answers.put(
                "(" + LATENCY_COUNT_DIFFERENCE + ") - (sum(" + bucket + ") - sum(" + bucket + " offset 60s))",
                one("20"));

        assertThat(read(Specs.latencyOver("istio-latency-over", Duration.ofMillis(250))))
                .isEqualTo(new Reading.Counts(20, 500));
    }

    private static final String SCORES = "model_score_bucket{endpoint=\"fraud-scorer\",version=\"v2\"}";

    @Test
    void theModelScorePresetReadsBucketDifferences() throws Exception {
        answers.put(
                "sum by (le) (" + SCORES + ") - sum by (le) (" + SCORES + " offset 60s)",
                PromJson.vector(
                        PromJson.series("7", "le", "0.5"),
                        PromJson.series("10", "le", "1"),
                        PromJson.series("10", "le", "+Inf")));

        assertThat(read(Specs.preset("drift", Kind.DISTRIBUTION, "model-score")))
                .isEqualTo(
                        new Reading.Histogram(new double[] {0.5, 1, Double.POSITIVE_INFINITY}, new double[] {7, 3, 0}));
    }

    @Test
    void bucketDifferencesThatAreNotCountsAreReadWithIncrease() throws Exception {
        String increase = "sum by (le) (increase(" + SCORES + "[60s]))";
        answers.put(increase, PromJson.vector(PromJson.series("4.5", "le", "1"), PromJson.series("4.5", "le", "+Inf")));
        Reading.Histogram extrapolated =
                new Reading.Histogram(new double[] {1, Double.POSITIVE_INFINITY}, new double[] {4.5, 0}, true);

        // absent: the buckets began inside the window
        assertThat(read(Specs.preset("drift", Kind.DISTRIBUTION, "model-score")))
                .isEqualTo(extrapolated);

        // negative: a counter reset
        answers.put(
                "sum by (le) (" + SCORES + ") - sum by (le) (" + SCORES + " offset 60s)",
                PromJson.vector(PromJson.series("-90", "le", "1"), PromJson.series("-88", "le", "+Inf")));
        assertThat(read(Specs.preset("drift", Kind.DISTRIBUTION, "model-score")))
                .isEqualTo(extrapolated);
    }

    private static final String LATENCY = "istio_request_duration_milliseconds_bucket{" + ISTIO + "}";

    private static MetricSpec slicedLatency() {
        return byRegion(Specs.latency("istio-latency", 0.99), 0.1);
    }

    /** {@code metric} with a margin of {@code maxIncrease}, sliced by region. */
    private static MetricSpec byRegion(MetricSpec metric, double maxIncrease) {
        return new MetricSpec(
                metric.name(),
                metric.kind(),
                metric.queries(),
                OptionalDouble.of(maxIncrease),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                false,
                1,
                false,
                Optional.of(new SliceSpec("region", 500, 8)));
    }

    @Test
    void aSlicedRatioWhoseBadSlicesTheTotalLacksIsNoDataNotZeroErrors() throws Exception {
        // The errors carry the region label, the requests do not: every bad series is a slice without a total.
        MetricSpec hand = Specs.handRatio(
                "sum(app_errors_total{version=\"${version}\"})", "sum(app_requests_total{version=\"${version}\"})");
        MetricSpec byRegion = byRegion(hand, 0.2);
        answers.put(
                "sum by (region) (app_errors_total{version=\"v2\"})",
                PromJson.vector(
                        PromJson.series("50", "region", "eu-west"), PromJson.series("10", "region", "us-east")));
        answers.put("sum by (region) (app_requests_total{version=\"v2\"})", one("1000"));

        assertThat(read(byRegion))
                .isEqualTo(new Reading.NoData("hand-ratio for v2: the bad query has series for region=eu-west,"
                        + " region=us-east where the total query has none: check that both carry the label region"));
    }

    @Test
    void aSlicedLatencyReadsTheBucketsGroupedByLeAndTheLabelEachSliceOnItsOwn() throws Exception {
        answers.put(
                "sum by (le, region) (" + LATENCY + ") - sum by (le, region) (" + LATENCY + " offset 60s)",
                PromJson.vector(
                        PromJson.series("90", "le", "100", "region", "eu-west"),
                        PromJson.series("100", "le", "+Inf", "region", "eu-west"),
                        PromJson.series("700", "le", "100", "region", "us-east"),
                        PromJson.series("800", "le", "+Inf", "region", "us-east"),
                        PromJson.series("4", "le", "100"),
                        PromJson.series("5", "le", "+Inf")));

        Reading reading = read(slicedLatency());

        double[] bounds = {100, Double.POSITIVE_INFINITY};
        // series without the label are a slice of their own, as for ratio metrics
        assertThat(reading)
                .isEqualTo(Reading.Histogram.ofSlices(
                        Map.of(
                                "eu-west",
                                new Reading.Histogram(bounds, new double[] {90, 10}),
                                "us-east",
                                new Reading.Histogram(bounds, new double[] {700, 100}),
                                PrometheusMetricsSource.NO_SLICE,
                                new Reading.Histogram(bounds, new double[] {4, 1})),
                        false));
        assertThat(((Reading.Histogram) reading).counts()).containsExactly(794, 111);
        assertThat(queriesAsked()).hasSize(1);
    }

    @Test
    void aSlicedLatencyWhoseBucketsAreNotCountsIsReadWithIncreaseAsAWhole() throws Exception {
        answers.put(
                "sum by (le, region) (" + LATENCY + ") - sum by (le, region) (" + LATENCY + " offset 60s)",
                PromJson.vector(
                        PromJson.series("-3", "le", "100", "region", "eu-west"),
                        PromJson.series("-2", "le", "+Inf", "region", "eu-west")));
        answers.put(
                "sum by (le, region) (increase(" + LATENCY + "[60s]))",
                PromJson.vector(
                        PromJson.series("9.5", "le", "100", "region", "eu-west"),
                        PromJson.series("10.5", "le", "+Inf", "region", "eu-west")));

        Reading.Histogram reading = (Reading.Histogram) read(slicedLatency());

        assertThat(reading.extrapolated()).isTrue();
        assertThat(reading.slices()).containsOnlyKeys("eu-west");
        assertThat(reading.slices().get("eu-west").counts()).containsExactly(9.5, 1.0);
    }

    @Test
    void aSlicedLatencyWithoutAnInfBucketInASliceIsNoDataNamingIt() throws Exception {
        answers.put(
                "sum by (le, region) (" + LATENCY + ") - sum by (le, region) (" + LATENCY + " offset 60s)",
                PromJson.vector(
                        PromJson.series("90", "le", "100", "region", "eu-west"),
                        PromJson.series("100", "le", "+Inf", "region", "us-east")));

        assertThat(read(slicedLatency()))
                .isEqualTo(new Reading.NoData(
                        "p99-latency for v2: the histogram has no le=\"+Inf\" bucket for region=eu-west"));
    }

    @Test
    void aHistogramBecomesPerBucketCountsSortedNumericallyWithInfLast() throws Exception {
        answers.put(
                "h",
                PromJson.vector(
                        PromJson.series("100", "le", "+Inf"),
                        PromJson.series("30", "le", "10"),
                        PromJson.series("10", "le", "2.5"),
                        PromJson.series("95", "le", "100"),
                        PromJson.series("29.9", "le", "25")));

        Reading reading = read(Specs.handHistogram("h"));

        // "25" dips below "10" (separately extrapolated series): the running maximum keeps counts non-negative.
        assertThat(reading)
                .isEqualTo(new Reading.Histogram(
                        new double[] {2.5, 10, 25, 100, Double.POSITIVE_INFINITY}, new double[] {10, 20, 0, 65, 5}));
    }

    @Test
    void aHistogramWithoutInfBucketOrWithNanIsNoData() throws Exception {
        answers.put("no_inf", PromJson.vector(PromJson.series("3", "le", "1")));
        answers.put("nan", PromJson.vector(PromJson.series("NaN", "le", "1"), PromJson.series("3", "le", "+Inf")));

        assertThat(read(Specs.handHistogram("no_inf")))
                .isEqualTo(new Reading.NoData("hand-histogram for v2: the histogram has no le=\"+Inf\" bucket"));
        assertThat(read(Specs.handHistogram("nan")))
                .isEqualTo(new Reading.NoData("hand-histogram for v2: a bucket count is NaN or infinite"));
        assertThat(read(Specs.handHistogram("absent")))
                .isEqualTo(
                        new Reading.NoData("hand-histogram for v2: the histogram query returned no series (absent)"));
    }

    @Test
    void aHandWrittenHistogramWithANegativeBucketDifferenceIsNoData() throws Exception {
        // A pod restarted inside the window: the lower buckets lost more than the window added. The running maximum
        // would turn this into a well-formed histogram with every event in the top bucket.
        answers.put(
                "reset",
                PromJson.vector(
                        PromJson.series("-40", "le", "0.5"),
                        PromJson.series("-10", "le", "1"),
                        PromJson.series("25", "le", "+Inf")));

        assertThat(read(Specs.handHistogram("reset")))
                .isEqualTo(new Reading.NoData("hand-histogram for v2: the bucket le=\"0.5\" is negative (-40.0): a"
                        + " counter was reset or a series vanished in the window; increase() avoids that"));
    }

    @Test
    void aHistogramWithDuplicateMissingOrNanLeIsAnError() {
        answers.put(
                "dup",
                PromJson.vector(
                        PromJson.series("1", "le", "1", "pod", "a"), PromJson.series("2", "le", "1", "pod", "b")));
        answers.put("nole", PromJson.vector(PromJson.series("1", "pod", "a")));
        answers.put(
                "nan_le",
                PromJson.vector(
                        PromJson.series("1", "le", "NaN"),
                        PromJson.series("1", "le", "1"),
                        PromJson.series("2", "le", "+Inf")));

        assertThatThrownBy(() -> read(Specs.handHistogram("dup")))
                .hasMessageContaining("'dup'")
                .hasMessageContaining("more than one series for le=\"1\"");
        assertThatThrownBy(() -> read(Specs.handHistogram("nole"))).hasMessageContaining("without an 'le' label");
        // NaN sorts after +Inf, so it was taken for the last bound and the +Inf bucket said to be missing
        assertThatThrownBy(() -> read(Specs.handHistogram("nan_le")))
                .hasMessageContaining("returned le=\"NaN\", which is not a number");
    }

    @Test
    void moreThanOneSeriesWhereOneIsExpectedNamesTheQuery() {
        answers.put("by_pod", PromJson.vector(PromJson.series("1", "pod", "a"), PromJson.series("2", "pod", "b")));

        assertThatThrownBy(() -> read(Specs.handValue("by_pod")))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("'by_pod'")
                .hasMessageContaining("returned 2 series where one was expected");
    }

    @Test
    void aRangeResultWhereAnInstantIsExpectedIsAnError() {
        answers.put("x[1m]", PromJson.matrix(PromJson.rangeSeries(new String[] {"1@1767225600"})));

        assertThatThrownBy(() -> read(Specs.handValue("x[1m]")))
                .hasMessageContaining("returned a matrix result")
                .hasMessageContaining("increase(...)");
    }

    @Test
    void handWrittenQueriesGetTheirPlaceholdersFilled() throws Exception {
        answers.put("sum(bad{v=\"v2\",e=\"fraud-scorer\",ns=\"ml\"}[60s])", one("1"));
        answers.put("sum(all{v=\"v2\"}[60s])", one("10"));

        Reading reading = source("ml")
                .read(
                        Specs.handRatio(
                                "sum(bad{v=\"${version}\",e=\"${endpoint}\",ns=\"${namespace}\"}[${interval}])",
                                "sum(all{v=\"${version}\"}[${interval}])"),
                        "fraud-scorer",
                        "v2",
                        WINDOW);

        assertThat(reading).isEqualTo(new Reading.Counts(1, 10));
    }

    @Test
    void anUnknownPlaceholderIsAnErrorNamingIt() {
        assertThatThrownBy(() -> read(Specs.handValue("sum(x{v=\"${verison}\"})")))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("hand-value")
                .hasMessageContaining("unknown placeholder ${verison}");
        assertThat(asked).isEmpty();
    }

    @Test
    void knativePresetsNeedANamespace() {
        assertThatThrownBy(() -> read(Specs.preset("error-rate", Kind.RATIO, "knative-errors")))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("${namespace}")
                .hasMessageContaining("configure the namespace");
    }

    @Test
    void badCountsOutsideZeroToTotalAreNoData() throws Exception {
        answers.put("b", one("11"));
        answers.put("t", one("10"));

        assertThat(read(Specs.handRatio("b", "t"))).isInstanceOf(Reading.NoData.class);
    }
}
