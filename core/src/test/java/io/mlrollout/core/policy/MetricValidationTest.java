package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.STAGES;
import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.errorsOf;
import static io.mlrollout.core.policy.Policies.withMetrics;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** Refusals in the metrics list. */
class MetricValidationTest {

    private static final String BAD = "bad: 'sum(increase(errors_total{version=\"${version}\"}[${interval}]))'";
    private static final String TOTAL = "total: 'sum(increase(requests_total{version=\"${version}\"}[${interval}]))'";

    @Test
    void anUnknownPresetIsRefusedWithTheClosestName() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-error, max: 1%}"),
                "metrics[0].preset",
                "unknown preset 'istio-error'; did you mean istio-errors?");
    }

    @Test
    void anUnknownPresetUnlikeAnyListsThePresetsForTheKind() {
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: datadog, quantile: 0.9, max: 300ms}"),
                "metrics[0].preset",
                "unknown preset 'datadog'; presets for quantile metrics: istio-latency, knative-latency,"
                        + " knative-otel-latency");
    }

    @Test
    void aPresetOfAnotherKindIsRefused() {
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: istio-errors, maxIncrease: 10%}"),
                "metrics[0].preset",
                "istio-errors gives ratio metrics, not quantile; for quantile metrics use one of istio-latency,"
                        + " knative-latency, knative-otel-latency");
        assertRefused(
                withMetrics("{name: a, kind: value, preset: model-score, min: 0.9}"),
                "metrics[0].preset",
                "model-score gives distribution metrics, not value; no preset gives value metrics, write a query");
    }

    @Test
    void aRatioMetricWithoutPresetOrCountsIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, max: 1%}"),
                "metrics[0]",
                "a ratio metric needs a preset, or both bad and total queries (event counts)");
        assertRefused(
                withMetrics("{name: e, kind: ratio, max: 1%, " + BAD + "}"),
                "metrics[0].total",
                "is required with bad: a ratio metric without a preset counts all events");
        assertRefused(
                withMetrics("{name: e, kind: ratio, max: 1%, " + TOTAL + "}"),
                "metrics[0].bad",
                "is required with total: a ratio metric without a preset counts bad events");
    }

    @Test
    void otherKindsWithoutPresetNeedTheirQuery() {
        assertRefused(
                withMetrics("{name: p, kind: quantile, max: 300ms}"),
                "metrics[0].query",
                "is required: a quantile metric needs a preset or a query");
        assertRefused(
                withMetrics("{name: a, kind: value, min: 0.9}"),
                "metrics[0].query",
                "is required: a value metric needs a query (no preset gives values)");
        assertRefused(
                withMetrics("{name: d, kind: distribution, maxPsi: 0.2}"),
                "metrics[0].histogram",
                "is required: a distribution metric needs a preset or a histogram query (buckets by le)");
    }

    @Test
    void aPresetWithHandWrittenQueriesIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, " + BAD + "}"),
                "metrics[0].bad",
                "does not go with a preset; the preset gives the queries");
    }

    @Test
    void aMetricWithoutABoundIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors}"),
                "metrics[0]",
                "has no bound: a ratio metric needs maxIncrease or max");
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: istio-latency, quantile: 0.99}"),
                "metrics[0]",
                "has no bound: a quantile metric needs maxIncrease or max");
        assertRefused(
                withMetrics("{name: a, kind: value, query: 'accuracy{version=\"${version}\"}'}"),
                "metrics[0]",
                "has no bound: a value metric needs at least one of maxIncrease, maxDecrease, max, min");
        assertRefused(
                withMetrics("{name: d, kind: distribution, preset: model-score}"),
                "metrics[0]",
                "has no bound: a distribution metric needs maxPsi or maxKs");
    }

    @Test
    void aFieldOfAnotherKindIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, maxPsi: 0.2}"),
                "metrics[0].maxPsi",
                "does not apply to ratio metrics (only to distribution)");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, maxDecrease: 2%}"),
                "metrics[0].maxDecrease",
                "does not apply to ratio metrics (only to value)");
        assertRefused(
                withMetrics("{name: d, kind: distribution, preset: model-score, maxPsi: 0.2, query: 'x'}"),
                "metrics[0].query",
                "does not apply to distribution metrics (only to quantile and value)");
    }

    @Test
    void aMissingNameOrKindIsRefused() {
        assertRefused(
                withMetrics("{kind: ratio, preset: istio-errors, max: 1%}"),
                "metrics[0].name",
                "is required; expected text");
        assertRefused(
                withMetrics("{name: e, preset: istio-errors, max: 1%}"),
                "metrics[0].kind",
                "is required; expected one of ratio, quantile, distribution, value");
    }

    @Test
    void anUnknownKindIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratios, preset: istio-errors, max: 1%}"),
                "metrics[0].kind",
                "'ratios' is not one of ratio, quantile, distribution, value; did you mean ratio?");
    }

    @Test
    void duplicateMetricNamesAreRefused() {
        assertRefused(
                withMetrics(
                        "{name: errors, kind: ratio, preset: istio-errors, max: 1%}",
                        "{name: errors, kind: ratio, preset: knative-errors, max: 1%}"),
                "metrics[1].name",
                "'errors' is already the name of metrics[0]; names must be unique");
    }

    @Test
    void aMetricNameOutsideItsPatternIsRefused() {
        assertRefused(
                withMetrics("{name: Error Rate, kind: ratio, preset: istio-errors, max: 1%}"),
                "metrics[0].name",
                "'Error Rate' is not a metric name: use lower-case letters, digits, _ and -, not starting with _ or -");
    }

    @Test
    void anEmptyOrOverlongMetricsListIsRefused() {
        assertRefused(STAGES + "metrics: []\n", "metrics", "is empty; a policy needs 1 to 20 metrics");
        String[] metrics = IntStream.rangeClosed(1, 21)
                .mapToObj(i -> "{name: m" + i + ", kind: ratio, preset: istio-errors, max: 1%}")
                .toArray(String[]::new);
        assertRefused(withMetrics(metrics), "metrics", "has 21 metrics; at most 20 are allowed");
    }

    @Test
    void anUnknownPlaceholderIsRefused() {
        assertRefused(
                withMetrics("{name: a, kind: value, min: 0.9, query: 'accuracy{version=\"${verison}\"}'}"),
                "metrics[0].query",
                "unknown placeholder ${verison}; did you mean ${version}?");
        assertRefused(
                withMetrics("{name: a, kind: value, min: 0.9, query: 'accuracy{pod=\"${pod}\"}'}"),
                "metrics[0].query",
                "unknown placeholder ${pod}; known: ${version}, ${interval}, ${endpoint}, ${namespace}, ${threshold},"
                        + " ${thresholdSeconds}, ${quantile}");
    }

    @Test
    void anUnclosedPlaceholderIsRefused() {
        assertRefused(
                withMetrics("{name: a, kind: value, min: 0.9, query: 'accuracy{version=\"${version\"}'}"),
                "metrics[0].query",
                "unknown placeholder ${version\"}; did you mean ${version}?");
        assertRefused(
                withMetrics("{name: a, kind: value, min: 0.9, query: 'accuracy[${interval'}"),
                "metrics[0].query",
                "has a ${ that is never closed with }");
    }

    @Test
    void aParameterPlaceholderNeedsItsField() {
        assertRefused(
                withMetrics("{name: s, kind: ratio, max: 1%, " + TOTAL
                        + ", bad: 'sum(increase(latency_bucket{le=\"${threshold}\"}[${interval}]))'}"),
                "metrics[0].bad",
                "uses ${threshold} but the metric sets no threshold");
        assertRefused(
                withMetrics("{name: a, kind: value, min: 0.9, query: 'quantile(${quantile}, accuracy)'}"),
                "metrics[0].query",
                "uses ${quantile}, which value metrics do not have");
    }

    @Test
    void thresholdSecondsIsAPlaceholderOfHandWrittenQueriesAsDocumented() throws PolicyException {
        Policy policy = PolicyParser.parse(withMetrics("{name: s, kind: ratio, max: 1%, threshold: 250ms, " + TOTAL
                + ", bad: 'sum(increase(latency_seconds_bucket{le=\"${thresholdSeconds}\"}[${interval}]))'}"));
        assertThat(policy.metrics()).hasSize(1);
        assertRefused(
                withMetrics("{name: s, kind: ratio, max: 1%, " + TOTAL
                        + ", bad: 'sum(increase(latency_seconds_bucket{le=\"${thresholdSeconds}\"}[${interval}]))'}"),
                "metrics[0].bad",
                "uses ${thresholdSeconds} but the metric sets no threshold");
    }

    @Test
    void aParameterThatNoQueryUsesIsRefused() {
        assertRefused(
                withMetrics("{name: s, kind: ratio, max: 1%, threshold: 250ms, " + BAD + ", " + TOTAL + "}"),
                "metrics[0].threshold",
                "is not used: no query refers to ${threshold}");
    }

    @Test
    void aLatencyPresetNeedsItsParameter() {
        assertRefused(
                withMetrics("{name: s, kind: ratio, preset: istio-latency-over, maxIncrease: 20%}"),
                "metrics[0].threshold",
                "is required by the preset istio-latency-over: requests slower than it count as bad (e.g. 250ms)");
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: knative-latency, max: 300ms}"),
                "metrics[0].quantile",
                "is required by the preset knative-latency (e.g. 0.99 for p99)");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, threshold: 250ms}"),
                "metrics[0].threshold",
                "does not go with the preset istio-errors");
    }

    @Test
    void aLatencyThresholdBetweenTheHistogramsBucketBoundsIsRefusedBeforeAnyTrafficMoves() throws Exception {
        assertRefused(
                withMetrics("{name: s, kind: ratio, preset: istio-latency-over, threshold: 300ms, maxIncrease: 20%}"),
                "metrics[0].threshold",
                "300ms is not a bucket bound of the histogram behind preset 'istio-latency-over', so the count of"
                        + " requests above it cannot be read; use one of [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000,"
                        + " 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000] (ms)");
        assertThat(errorsOf(
                        withMetrics("{name: s, kind: ratio, preset: knative-latency-over, threshold: 120ms, max: 1%}")))
                .extracting(PolicyError::toString)
                .singleElement(as(InstanceOfAssertFactories.STRING))
                .startsWith("metrics[0].threshold: 120ms is not a bucket bound of the histogram behind preset"
                        + " 'knative-latency-over'")
                .contains("[5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300,");
        // Knative's queue-proxy has a 300 ms bucket; the OpenTelemetry buckets are not known before they are read.
        assertThat(PolicyParser.parse(withMetrics(
                                "{name: s, kind: ratio, preset: knative-latency-over, threshold: 300ms, max: 1%}",
                                "{name: o, kind: ratio, preset: knative-otel-latency-over, threshold: 300ms, max: 1%}"))
                        .metrics())
                .hasSize(2);
    }

    @Test
    void aQuantileOutsideZeroToOneIsRefused() {
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: istio-latency, quantile: 99, max: 300ms}"),
                "metrics[0].quantile",
                "99 is not between 0 and 1 (both excluded); p99 is 0.99");
    }

    private static final String NOT_A_SHARE =
            " is not between 0% and 100% (both excluded): the share of requests that may be bad; leave max out for no"
                    + " limit";

    @Test
    void anObservedMetricCannotBeCritical() {
        assertRefused(
                withMetrics(
                        "{name: e, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true, observe: true}"),
                "metrics[0].observe",
                "an observed metric never fails a stage, so it cannot be critical: drop critical, or drop observe"
                        + " once the metric has earned its place");
    }

    @Test
    void boundsOutsideTheirRangeAreRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 150%}"),
                "metrics[0].max",
                "150%" + NOT_A_SHARE);
        // the limit test needs a share strictly inside: the judge could not be built for 100% or 0%
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 100%}"),
                "metrics[0].max",
                "100%" + NOT_A_SHARE);
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 0%}"),
                "metrics[0].max",
                "0%" + NOT_A_SHARE);
        assertRefused(
                withMetrics("{name: d, kind: distribution, preset: model-score, maxPsi: 0}"),
                "metrics[0].maxPsi",
                "must be more than 0, got 0");
        assertRefused(
                withMetrics("{name: d, kind: distribution, preset: model-score, maxKs: 1.5}"),
                "metrics[0].maxKs",
                "1.5 is over 1 (a Kolmogorov-Smirnov distance is at most 1)");
        assertRefused(
                withMetrics("{name: a, kind: value, query: 'accuracy{version=\"${version}\"}', maxDecrease: 120%}"),
                "metrics[0].maxDecrease",
                "120% is over 100%");
    }

    @Test
    void aValueMetricWhoseMinIsAboveItsMaxIsRefused() {
        assertRefused(
                withMetrics("{name: a, kind: value, query: 'accuracy{version=\"${version}\"}', min: 0.9, max: 0.5}"),
                "metrics[0].min",
                "0.9 is above max (0.5); no value could pass");
    }

    @Test
    void aMaxIncreaseThatIsNotAPercentageIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, maxIncrease: 0.1}"),
                "metrics[0].maxIncrease",
                "a percentage is written with %, e.g. 10% or 0.5%; got the number 0.1");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, maxIncrease: ten%}"),
                "metrics[0].maxIncrease",
                "'ten%' is not a percentage; write a number followed by %, e.g. 10% or 0.5%");
    }

    @Test
    void aQuantileMaxIsALatencyInMilliseconds() throws Exception {
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: istio-latency, quantile: 0.99, max: 300}"),
                "metrics[0].max",
                "a duration needs a unit (ms, s, m, h or d), e.g. 10m; got the number 300");
        Policy policy = PolicyParser.parse(
                withMetrics("{name: p, kind: quantile, preset: istio-latency, quantile: 0.99, max: 2s}"));
        assertThat(policy.metrics().get(0).max()).hasValue(2000.0);
    }

    @Test
    void aWeightOfZeroIsRefused() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, weight: 0}"),
                "metrics[0].weight",
                "must be more than 0, got 0");
    }

    @Test
    void aHandWrittenRatioMetricWithItsThresholdIsAccepted() throws Exception {
        Policy policy = PolicyParser.parse(withMetrics("{name: s, kind: ratio, max: 5%, threshold: 250ms, " + TOTAL
                + ", bad: 'sum(increase(latency_bucket{le=\"${threshold}\"}[${interval}]))'}"));

        assertThat(policy.metrics().get(0).queries().threshold()).contains(java.time.Duration.ofMillis(250));
        assertThat(policy.metrics().get(0).queries().bad())
                .hasValueSatisfying(q -> assertThat(q).contains("${threshold}"));
    }

    @Test
    void problemsOfSeveralMetricsAreAllReported() {
        assertThat(errorsOf(withMetrics(
                        "{name: e, kind: ratio, preset: istio-errors}",
                        "{name: p, kind: quantile, preset: istio-latency, max: 300ms}")))
                .extracting(PolicyError::toString)
                .containsExactly(
                        "metrics[0]: has no bound: a ratio metric needs maxIncrease or max",
                        "metrics[1].quantile: is required by the preset istio-latency (e.g. 0.99 for p99)");
    }
}
