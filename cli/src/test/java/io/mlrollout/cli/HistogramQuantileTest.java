package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Known answers worked by hand with Prometheus' histogram_quantile rules (linear inside the bucket). */
class HistogramQuantileTest {

    private static final List<Double> BOUNDS = List.of(1.0, 2.0, 4.0);

    @Test
    void interpolatesLinearlyInsideTheBucketTheRankFallsIn() {
        double[] cumulative = {10, 30, 40, 40};

        // rank 20 falls in (1, 2] holding 20 events, 10 of them up to the rank: 1 + 1 * 10/20
        assertThat(HistogramQuantile.of(0.5, BOUNDS, cumulative)).isCloseTo(1.5, within(1e-12));
        // rank 39.6 falls in (2, 4] holding 10 events, 9.6 of them up to the rank: 2 + 2 * 9.6/10
        assertThat(HistogramQuantile.of(0.99, BOUNDS, cumulative)).isCloseTo(3.92, within(1e-12));
        // rank 5 falls in the first bucket, which starts at 0: 0 + 1 * 5/10
        assertThat(HistogramQuantile.of(0.125, BOUNDS, cumulative)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void aRankInTheInfiniteBucketGivesTheHighestFiniteBound() {
        assertThat(HistogramQuantile.of(0.9, BOUNDS, new double[] {10, 30, 40, 50}))
                .isEqualTo(4.0);
    }

    @Test
    void anEmptyHistogramHasNoQuantile() {
        assertThat(HistogramQuantile.of(0.99, BOUNDS, new double[] {0, 0, 0, 0}))
                .isNaN();
    }
}
