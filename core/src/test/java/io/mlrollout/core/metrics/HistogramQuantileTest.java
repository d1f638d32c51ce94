package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** histogram_quantile's arithmetic, case by case as Prometheus' bucketQuantile does it. */
class HistogramQuantileTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void interpolatesLinearlyInsideTheBucketThatHoldsTheRank() {
        // 100 requests: 90 up to 100 ms, 9 in (100, 250], 1 above: rank 99 is the 9th of 9 in (100, 250]
        assertThat(HistogramQuantile.of(0.99, new double[] {100, 250, INF}, new double[] {90, 9, 1}))
                .isCloseTo(250, within(1e-9));
        assertThat(HistogramQuantile.of(0.95, new double[] {100, 250, INF}, new double[] {90, 9, 1}))
                .isCloseTo(100 + 150 * 5.0 / 9, within(1e-9));
    }

    @Test
    void theFirstBucketStartsAtZero() {
        assertThat(HistogramQuantile.of(0.5, new double[] {10, 20, INF}, new double[] {10, 0, 0}))
                .isCloseTo(5, within(1e-9));
    }

    @Test
    void aRankInTheInfBucketGivesTheLargestFiniteBound() {
        assertThat(HistogramQuantile.of(0.99, new double[] {100, 250, INF}, new double[] {50, 40, 10}))
                .isEqualTo(250);
    }

    @Test
    void noRequestsGiveNaN() {
        assertThat(HistogramQuantile.of(0.99, new double[] {100, 250, INF}, new double[] {0, 0, 0}))
                .isNaN();
    }
}
