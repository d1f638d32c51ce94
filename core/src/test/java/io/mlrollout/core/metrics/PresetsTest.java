package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.MetricSpec.Kind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PresetsTest {

    private static final Map<String, String> VALUES = Map.of(
            "version",
            "v2",
            "endpoint",
            "fraud-scorer",
            "namespace",
            "ml",
            "interval",
            "60s",
            "threshold",
            "250",
            "thresholdSeconds",
            "0.25",
            "quantile",
            "0.99");

    private static String filled(Optional<String> template) {
        return QueryTemplates.fill(template.orElseThrow(), VALUES);
    }

    private static final String ISTIO =
            "reporter=\"destination\",destination_service_name=\"fraud-scorer\",destination_version=\"v2\"";

    /** The exact count of a counter's events in the window: its sum now less its sum one window ago. */
    private static String difference(String aggregation, String series) {
        return aggregation + "(" + series + ") - " + aggregation + "(" + series + " offset 60s)";
    }

    @Test
    void istioErrorsCountsFiveHundredsAgainstAllRequestsAsCounterDifferences() {
        Presets.MetricQueries q = Presets.resolve(Specs.preset("e", Kind.RATIO, "istio-errors"));

        assertThat(filled(q.bad()))
                .isEqualTo(difference("sum", "istio_requests_total{" + ISTIO + ",response_code=~\"5..\"}"));
        assertThat(filled(q.total())).isEqualTo(difference("sum", "istio_requests_total{" + ISTIO + "}"));
        assertThat(q.absentBadIsZero()).isTrue();
    }

    @Test
    void countPresetsFallBackToIncreaseForWindowsWhereADifferenceIsNotACount() {
        Presets.MetricQueries increases = Presets.resolve(Specs.preset("e", Kind.RATIO, "istio-errors"))
                .increaseFallback()
                .orElseThrow();

        assertThat(filled(increases.bad()))
                .isEqualTo("sum(increase(istio_requests_total{" + ISTIO + ",response_code=~\"5..\"}[60s]))");
        assertThat(filled(increases.total())).isEqualTo("sum(increase(istio_requests_total{" + ISTIO + "}[60s]))");
        assertThat(increases.absentBadIsZero()).isTrue();
        assertThat(increases.increaseFallback()).isEmpty();
        assertThat(filled(Presets.resolve(Specs.preset("drift", Kind.DISTRIBUTION, "model-score"))
                        .increaseFallback()
                        .orElseThrow()
                        .histogram()))
                .isEqualTo("sum by (le) (increase(model_score_bucket{endpoint=\"fraud-scorer\",version=\"v2\"}[60s]))");
    }

    @Test
    void quantilePresetsReadBucketCountsAsDifferencesWithAnIncreaseFallback() {
        Presets.MetricQueries q = Presets.resolve(Specs.latency("istio-latency", 0.99));
        String buckets = "istio_request_duration_milliseconds_bucket{" + ISTIO + "}";

        assertThat(filled(q.histogram())).isEqualTo(difference("sum by (le) ", buckets));
        assertThat(filled(q.increaseFallback().orElseThrow().histogram()))
                .isEqualTo("sum by (le) (increase(" + buckets + "[60s]))");
    }

    @Test
    void theOpenTelemetryQuantilePresetInSecondsStaysOnItsQuantileQuery() {
        // A common factor cancels in histogram_quantile, so rate()'s extrapolation does not bias the quantile.
        Presets.MetricQueries q = Presets.resolve(Specs.latency("knative-otel-latency", 0.99));
        assertThat(q.histogram()).isEmpty();
        assertThat(q.increaseFallback()).isEmpty();
    }

    @Test
    void istioLatencyOverSubtractsTheThresholdBucketFromTheCount() {
        Presets.MetricQueries q = Presets.resolve(Specs.latencyOver("istio-latency-over", Duration.ofMillis(250)));

        String count = difference("sum", "istio_request_duration_milliseconds_count{" + ISTIO + "}");
        String bucket =
                difference("sum", "istio_request_duration_milliseconds_bucket{" + ISTIO + ",le=~\"250(\\\\.0)?\"}");
        assertThat(filled(q.bad())).isEqualTo("(" + count + ") - (" + bucket + ")");
        assertThat(filled(q.total())).isEqualTo(count);
        assertThat(filled(q.increaseFallback().orElseThrow().bad()))
                .isEqualTo("sum(increase(istio_request_duration_milliseconds_count{" + ISTIO + "}[60s])) - "
                        + "sum(increase(istio_request_duration_milliseconds_bucket{" + ISTIO
                        + ",le=~\"250(\\\\.0)?\"}[60s]))");
        assertThat(q.absentBadIsZero()).isFalse();
    }

    @Test
    void latencyQuantilePresets() {
        assertThat(filled(Presets.resolve(Specs.latency("istio-latency", 0.99)).query()))
                .isEqualTo("histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{"
                        + "reporter=\"destination\",destination_service_name=\"fraud-scorer\","
                        + "destination_version=\"v2\"}[60s])))");
        assertThat(filled(
                        Presets.resolve(Specs.latency("knative-latency", 0.99)).query()))
                .isEqualTo("histogram_quantile(0.99, sum by (le) (rate(revision_request_latencies_bucket{"
                        + "namespace_name=\"ml\",revision_name=\"v2\"}[60s])))");
        assertThat(filled(Presets.resolve(Specs.latency("knative-otel-latency", 0.99))
                        .query()))
                .isEqualTo("1000 * histogram_quantile(0.99, sum by (le) (rate("
                        + "kn_serving_invocation_duration_seconds_bucket{k8s_namespace_name=\"ml\","
                        + "kn_revision_name=\"v2\"}[60s])))");
    }

    @Test
    void knativeErrorPresetsForBothMetricGenerations() {
        Presets.MetricQueries census = Presets.resolve(Specs.preset("e", Kind.RATIO, "knative-errors"));
        Presets.MetricQueries otel = Presets.resolve(Specs.preset("e", Kind.RATIO, "knative-otel-errors"));

        assertThat(filled(census.bad()))
                .isEqualTo(difference(
                        "sum",
                        "revision_request_count{namespace_name=\"ml\",revision_name=\"v2\","
                                + "response_code_class=\"5xx\"}"));
        assertThat(filled(census.total()))
                .isEqualTo(difference("sum", "revision_request_count{namespace_name=\"ml\",revision_name=\"v2\"}"));
        assertThat(filled(otel.bad()))
                .isEqualTo(difference(
                        "sum",
                        "kn_serving_invocation_duration_seconds_count{k8s_namespace_name=\"ml\","
                                + "kn_revision_name=\"v2\",http_response_status_code=~\"5..\"}"));
        assertThat(filled(otel.total()))
                .isEqualTo(difference(
                        "sum",
                        "kn_serving_invocation_duration_seconds_count{k8s_namespace_name=\"ml\","
                                + "kn_revision_name=\"v2\"}"));
    }

    @Test
    void knativeLatencyOverPresetsUseMillisecondsAndSecondsBuckets() {
        assertThat(filled(Presets.resolve(Specs.latencyOver("knative-latency-over", Duration.ofMillis(250)))
                        .bad()))
                .endsWith(" - ("
                        + difference(
                                "sum",
                                "revision_request_latencies_bucket{namespace_name=\"ml\",revision_name=\"v2\","
                                        + "le=~\"250(\\\\.0)?\"}")
                        + ")");
        assertThat(filled(Presets.resolve(Specs.latencyOver("knative-otel-latency-over", Duration.ofMillis(250)))
                        .bad()))
                .endsWith(" - ("
                        + difference(
                                "sum",
                                "kn_serving_invocation_duration_seconds_bucket{k8s_namespace_name=\"ml\","
                                        + "kn_revision_name=\"v2\",le=~\"0.25(\\\\.0)?\"}")
                        + ")");
    }

    @Test
    void modelScoreIsABucketHistogramOfDifferencesByLe() {
        assertThat(filled(Presets.resolve(Specs.preset("drift", Kind.DISTRIBUTION, "model-score"))
                        .histogram()))
                .isEqualTo(difference("sum by (le) ", "model_score_bucket{endpoint=\"fraud-scorer\",version=\"v2\"}"));
    }

    @Test
    void aThresholdThatIsNotABucketBoundIsRefusedListingTheBounds() {
        assertThatThrownBy(() -> Presets.resolve(Specs.latencyOver("istio-latency-over", Duration.ofMillis(300))))
                .hasMessageStartingWith("threshold: 300ms is not a bucket bound")
                .hasMessageContaining("istio-latency-over")
                .hasMessageContaining("[0.5, 1, 5, 10, 25, 50, 100, 250, 500");
        assertThat(Presets.resolve(Specs.latencyOver("knative-latency-over", Duration.ofMillis(300))))
                .isNotNull();
    }

    @Test
    void missingParametersAndWrongKindsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> Presets.resolve(Specs.preset("p", Kind.RATIO, "istio-latency-over")))
                .hasMessageStartingWith("threshold:");
        assertThatThrownBy(() -> Presets.resolve(Specs.preset("p", Kind.QUANTILE, "istio-latency")))
                .hasMessageStartingWith("quantile:");
        assertThatThrownBy(() -> Presets.resolve(Specs.latency("istio-latency", 1.5)))
                .hasMessageStartingWith("quantile:")
                .hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> Presets.resolve(Specs.preset("p", Kind.QUANTILE, "istio-errors")))
                .hasMessage("preset: 'istio-errors' is a ratio preset, but the metric's kind is quantile");
        assertThatThrownBy(() -> Presets.resolve(Specs.preset("p", Kind.RATIO, "istio-eror")))
                .hasMessageStartingWith("preset: unknown preset 'istio-eror'; known: [istio-errors,");
        assertThatThrownBy(() -> Presets.resolve(Specs.handValue("x{v=\"${ver}\"}")))
                .hasMessageStartingWith("query: unknown placeholder ${ver}");
    }

    @Test
    void handWrittenQueriesOverrideThePresetsOnes() {
        MetricSpec metric = Specs.metric(
                "e",
                Kind.RATIO,
                new MetricSpec.Queries(
                        Optional.of("istio-errors"),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.of("my_bad"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()));

        Presets.MetricQueries q = Presets.resolve(metric);

        assertThat(q.bad()).hasValue("my_bad");
        assertThat(q.total().orElseThrow()).startsWith("sum(istio_requests_total{");
        // A hand-written count is run as written, so the preset's other count is never read another way beside it.
        assertThat(q.increaseFallback()).isEmpty();
    }

    @Test
    void aRatioWithoutTotalOrWithAStrayQueryIsRefused() {
        MetricSpec noTotal = Specs.metric(
                "e",
                Kind.RATIO,
                new MetricSpec.Queries(
                        Optional.empty(),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.of("b"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()));
        MetricSpec stray = Specs.metric(
                "e",
                Kind.RATIO,
                new MetricSpec.Queries(
                        Optional.of("istio-errors"),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("q"),
                        Optional.empty()));

        assertThatThrownBy(() -> Presets.resolve(noTotal)).hasMessageStartingWith("total: a ratio metric needs");
        assertThatThrownBy(() -> Presets.resolve(stray)).hasMessageStartingWith("query: does not apply to a ratio");
    }

    @Test
    void everyPresetIsListed() {
        assertThat(Presets.names())
                .containsExactly(
                        "istio-errors",
                        "istio-latency-over",
                        "istio-latency",
                        "knative-errors",
                        "knative-latency-over",
                        "knative-latency",
                        "knative-otel-errors",
                        "knative-otel-latency-over",
                        "knative-otel-latency",
                        "model-score");
    }
}
