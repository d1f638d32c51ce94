package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.withMetrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A ratio metric's slices: what is read, and what is refused before any traffic moves. */
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
    void onlyRatioMetricsAreSliced() {
        assertRefused(
                withMetrics("{name: p, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 10%,"
                        + " slices: {label: region}}"),
                "metrics[0].slices",
                "only ratio metrics can be sliced (their counts add up across slices); got a quantile metric");
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
}
