package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.withMetrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A metric's slices (ratio, histogram latency): what is read, and what is refused before any traffic moves. */
class SliceValidationTest {

    @Test
    void slicesAreReadWithTheirDefaults() throws PolicyException {
        Policy policy = PolicyParser.parse(withMetrics(
                "{name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%, slices: {label: region}}",
                "{name: fine, kind: ratio, preset: istio-errors, maxIncrease: 20%,"
                        + " slices: {label: segment, minRequests: 200, max: 3}}"));

        assertThat(policy.metrics().get(0).slices())
                .contains(new SliceSpec("region", SliceSpec.DEFAULT_MIN_REQUESTS, SliceSpec.DEFAULT_MAX));
        assertThat(policy.metrics().get(1).slices()).contains(new SliceSpec("segment", 200, 3));
    }

    @Test
    void aLatencyQuantileReadFromAHistogramPresetIsSliced() throws PolicyException {
        Policy policy = PolicyParser.parse(withMetrics(
                "{name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 10%,"
                        + " slices: {label: region, minRequests: 2000, max: 4}}",
                "{name: kn-p99, kind: quantile, preset: knative-latency, quantile: 0.99, maxIncrease: 10%,"
                        + " slices: {label: region}}"));

        assertThat(policy.metrics().get(0).slices()).contains(new SliceSpec("region", 2000, 4));
        assertThat(policy.metrics().get(1).slices())
                .contains(new SliceSpec("region", SliceSpec.DEFAULT_MIN_REQUESTS, SliceSpec.DEFAULT_MAX));
    }

    private static final String ONLY = "only ratio metrics and latency quantiles read from a histogram preset"
            + " (istio-latency, knative-latency) can be sliced: their counts add up across slices";

    @Test
    void quantilesThatAreNotReadAsBucketCountsAreNotSliced() {
        assertRefused(
                withMetrics(
                        "{name: p, kind: quantile, quantile: 0.99, maxIncrease: 10%, slices: {label: region},"
                                + " query: 'histogram_quantile(${quantile}, sum by (le) (rate(lat_bucket{v=\"${version}\"}[1m])))'}"),
                "metrics[0].slices",
                ONLY + "; a hand-written quantile query gives one quantile per version and look, which cannot be"
                        + " split");
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: knative-otel-latency, quantile: 0.99,"
                        + " maxIncrease: 10%, slices: {label: region}}"),
                "metrics[0].slices",
                ONLY + "; the preset knative-otel-latency gives one quantile per version and look, which cannot be"
                        + " split");
    }

    @Test
    void aSlicedLatencyQuantileNeedsAMarginToTestItsCountsAgainst() {
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: istio-latency, quantile: 0.99, max: 300ms,"
                        + " slices: {label: region}}"),
                "metrics[0].slices",
                "a sliced latency quantile needs maxIncrease: each slice is judged on its slow requests against the"
                        + " baseline's in the same slice (max alone is judged on one quantile per look)");
    }

    @Test
    void distributionAndValueMetricsAreNotSliced() {
        assertRefused(
                withMetrics("{name: s, kind: distribution, preset: model-score, maxPsi: 0.2, slices: {label: region}}"),
                "metrics[0].slices",
                ONLY + "; got a distribution metric");
        assertRefused(
                withMetrics("{name: v, kind: value, query: 'sum(x{v=\"${version}\"})', maxIncrease: 10%,"
                        + " slices: {label: region}}"),
                "metrics[0].slices",
                ONLY + "; got a value metric");
    }

    @Test
    void theLabelAndTheNumbersAreChecked() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, slices: {label: 1region}}"),
                "metrics[0].slices.label",
                "'1region' is not a Prometheus label name: letters, digits and _, not starting with a digit or __");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, slices: {label: le}}"),
                "metrics[0].slices.label",
                "'le' tells the versions or buckets apart; slice by a label of the traffic, such as region");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%, slices: {minRequests: 10}}"),
                "metrics[0].slices.label",
                "is required; expected text");
        assertRefused(
                withMetrics(
                        "{name: e, kind: ratio, preset: istio-errors, max: 1%," + " slices: {label: region, max: 0}}"),
                "metrics[0].slices.max",
                "must be between 1 and 50, got 0");
        assertRefused(
                withMetrics("{name: e, kind: ratio, preset: istio-errors, max: 1%,"
                        + " slices: {label: region, minRequests: 0}}"),
                "metrics[0].slices.minRequests",
                "must be at least 1, got 0");
    }

    @Test
    void aHandWrittenQueryMustHaveASumToGroup() {
        assertRefused(
                withMetrics("{name: e, kind: ratio, max: 1%, slices: {label: region},"
                        + " bad: 'increase(errors_total{version=\"${version}\"}[${interval}])',"
                        + " total: 'sum(increase(requests_total{version=\"${version}\"}[${interval}]))'}"),
                "metrics[0].bad",
                "cannot be sliced: the query has no sum(...) to group by region; aggregate the counts with sum(...)");
    }

    @Test
    void groupingRewritesEverySum() {
        SliceSpec slices = new SliceSpec("region", 500, 8);

        assertThat(slices.group("sum(a{x=\"1\"}) - sum (a{x=\"1\"} offset 60s)"))
                .isEqualTo("sum by (region) (a{x=\"1\"}) - sum by (region) (a{x=\"1\"} offset 60s)");
        assertThatThrownBy(() -> slices.group("sum by (zone) (a)"))
                .hasMessageContaining("already groups with sum by/without");
    }

    @Test
    void groupingBucketsKeepsThemApartByLeAndTheLabel() {
        SliceSpec slices = new SliceSpec("region", 500, 8);

        assertThat(slices.groupBuckets("sum by (le) (b{x=\"1\"}) - sum by (le) (b{x=\"1\"} offset 60s)"))
                .isEqualTo("sum by (le, region) (b{x=\"1\"}) - sum by (le, region) (b{x=\"1\"} offset 60s)");
        assertThat(slices.groupBuckets("sum by (le) (increase(b[60s]))"))
                .isEqualTo("sum by (le, region) (increase(b[60s]))");
        assertThatThrownBy(() -> slices.groupBuckets("sum(b)"))
                .hasMessage(
                        "has no sum by (le) (...) to group by region; aggregate the buckets with sum by (le) (...)");
    }
}
