package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DriftTest {

    @Test
    void psiOfAHandComputedExample() {
        // +½ per bucket: canary 30.5, 50.5, 20.5 and baseline 25.5, 50.5, 25.5, both of 101.5.
        // PSI = (5/101.5)·ln(30.5/25.5) + 0 + (−5/101.5)·ln(20.5/25.5) = 0.0492611 · 0.3972884 = 0.0195715
        double psi = Drift.populationStabilityIndex(new double[] {30, 50, 20}, new double[] {25, 50, 25});
        assertThat(psi).isCloseTo(0.0195715, within(1e-7));
    }

    @Test
    void psiSmoothsAnEmptyBucketAndSkipsBucketsEmptyInBoth() {
        // canary 0.5, 10.5, 90.5 and baseline 20.5, 30.5, 50.5 (each 101.5):
        // (−20/101.5)·ln(0.5/20.5) + (−20/101.5)·ln(10.5/30.5) + (40/101.5)·ln(90.5/50.5) = 1.1717589
        double[] canary = {0, 10, 90};
        double[] baseline = {20, 30, 50};
        assertThat(Drift.populationStabilityIndex(canary, baseline)).isCloseTo(1.1717589, within(1e-7));
        assertThat(Drift.populationStabilityIndex(new double[] {0, 0, 10, 90, 0}, new double[] {0, 20, 30, 50, 0}))
                .isCloseTo(1.1717589, within(1e-7));
    }

    @Test
    void ksIsTheLargestGapBetweenCumulativeFractions() {
        // cumulative canary 0.3, 0.8, 1 against baseline 0.25, 0.75, 1
        assertThat(Drift.kolmogorovSmirnovDistance(new double[] {30, 50, 20}, new double[] {25, 50, 25}))
                .isCloseTo(0.05, within(1e-15));
        // cumulative 0.1, 0.2, 1 against 0.5, 0.9, 1: gaps 0.4, 0.7, 0
        assertThat(Drift.kolmogorovSmirnovDistance(new double[] {1, 1, 8}, new double[] {50, 40, 10}))
                .isCloseTo(0.7, within(1e-15));
        assertThat(Drift.kolmogorovSmirnovDistance(new double[] {5, 0}, new double[] {0, 7}))
                .isEqualTo(1.0);
    }

    @Test
    void sameShapeAtDifferentVolumesIsNoDrift() {
        Drift drift = Drift.between(new double[] {30, 50, 20}, new double[] {3000, 5000, 2000});
        assertThat(drift.ks()).isZero();
        assertThat(drift.psi()).isLessThan(1e-3);
    }

    @Test
    void refusesHistogramsThatCannotBeCompared() {
        assertThatThrownBy(() -> Drift.between(new double[] {1, 2}, new double[] {1, 2, 3}))
                .hasMessageContaining("same buckets");
        assertThatThrownBy(() -> Drift.between(new double[] {1, -2}, new double[] {1, 2}))
                .hasMessageContaining("canaryCounts[1]");
        assertThatThrownBy(() -> Drift.between(new double[] {1, 2}, new double[] {0, 0}))
                .hasMessageContaining("baselineCounts has no events");
    }
}
