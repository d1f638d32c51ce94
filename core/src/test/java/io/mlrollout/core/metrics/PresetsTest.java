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

    @Test
    void istioErrorsCountsFiveHundredsAgainstAllRequests() {
        Presets.MetricQueries q = Presets.resolve(Specs.preset("e", Kind.RATIO, "istio-errors"));

        assertThat(filled(q.bad()))
                .isEqualTo(
                        "sum(increase(istio_requests_total{reporter=\"destination\","
                                + "destination_service_name=\"fraud-scorer\",destination_version=\"v2\",response_code=~\"5..\"}[60s]))");
        assertThat(filled(q.total()))
                .isEqualTo("sum(increase(istio_requests_total{reporter=\"destination\","
                        + "destination_service_name=\"fraud-scorer\",destination_version=\"v2\"}[60s]))");
        assertThat(q.absentBadIsZero()).isTrue();
    }

    @Test
    void istioLatencyOverSubtractsTheThresholdBucketFromTheCount() {
        Presets.MetricQueries q = Presets.resolve(Specs.latencyOver("istio-latency-over", Duration.ofMillis(250)));

        String selector =
                "reporter=\"destination\",destination_service_name=\"fraud-scorer\",destination_version=\"v2\"";
        assertThat(filled(q.bad()))
                .isEqualTo("sum(increase(istio_request_duration_milliseconds_count{" + selector + "}[60s])) - "
                        + "sum(increase(istio_request_duration_milliseconds_bucket{" + selector
                        + ",le=~\"250(\\\\.0)?\"}[60s]))");
        assertThat(filled(q.total()))
                .isEqualTo("sum(increase(istio_request_duration_milliseconds_count{" + selector + "}[60s]))");
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
                .isEqualTo("sum(increase(revision_request_count{namespace_name=\"ml\","
                        + "revision_name=\"v2\",response_code_class=\"5xx\"}[60s]))");
        assertThat(filled(census.total()))
                .isEqualTo("sum(increase(revision_request_count{namespace_name=\"ml\",revision_name=\"v2\"}[60s]))");
        assertThat(filled(otel.bad()))
                .isEqualTo(
                        "sum(increase(kn_serving_invocation_duration_seconds_count{"
                                + "k8s_namespace_name=\"ml\",kn_revision_name=\"v2\",http_response_status_code=~\"5..\"}[60s]))");
        assertThat(filled(otel.total()))
                .isEqualTo("sum(increase(kn_serving_invocation_duration_seconds_count{"
                        + "k8s_namespace_name=\"ml\",kn_revision_name=\"v2\"}[60s]))");
    }

    @Test
    void knativeLatencyOverPresetsUseMillisecondsAndSecondsBuckets() {
        assertThat(filled(Presets.resolve(Specs.latencyOver("knative-latency-over", Duration.ofMillis(250)))
                        .bad()))
                .endsWith("sum(increase(revision_request_latencies_bucket{namespace_name=\"ml\",revision_name=\"v2\","
                        + "le=~\"250(\\\\.0)?\"}[60s]))");
        assertThat(filled(Presets.resolve(Specs.latencyOver("knative-otel-latency-over", Duration.ofMillis(250)))
                        .bad()))
                .endsWith("sum(increase(kn_serving_invocation_duration_seconds_bucket{k8s_namespace_name=\"ml\","
                        + "kn_revision_name=\"v2\",le=~\"0.25(\\\\.0)?\"}[60s]))");
    }

    @Test
    void modelScoreIsABucketHistogram() {
        assertThat(filled(Presets.resolve(Specs.preset("drift", Kind.DISTRIBUTION, "model-score"))
                        .histogram()))
                .isEqualTo("sum by (le) (increase(model_score_bucket{endpoint=\"fraud-scorer\",version=\"v2\"}[60s]))");
    }

    @Test
    void aThresholdThatIsNotABucketBoundIsRefusedListingTheBounds() {
        assertThatThrownBy(() -> Presets.resolve(Specs.latencyOver("istio-latency-over", Duration.ofMillis(300))))
                .hasMessageStartingWith("threshold: 300ms is not a bucket bound")
                .hasMessageContaining("istio-latency-over")
                .hasMessageContaining("[1, 5, 10, 25, 50, 100, 250, 500");
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
        assertThat(q.total().orElseThrow()).startsWith("sum(increase(istio_requests_total{");
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
