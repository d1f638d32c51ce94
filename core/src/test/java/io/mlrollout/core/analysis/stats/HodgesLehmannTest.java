package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HodgesLehmannTest {

    @Test
    void shiftIsTheMedianOfPairwiseDifferences() {
        // x − y over all pairs: 5−1, 5−2, 9−1, 9−2, 20−1, 20−2 = 4, 3, 8, 7, 19, 18 → median (7 + 8) / 2
        assertThat(HodgesLehmann.shift(new double[] {5, 9, 20}, new double[] {1, 2}))
                .isEqualTo(7.5);
        // an odd number of pairs: 1, 2, 3 against 2 → −1, 0, 1
        assertThat(HodgesLehmann.shift(new double[] {3, 1, 2}, new double[] {2}))
                .isZero();
    }

    @Test
    void ratioIsTheMedianOfPairwiseRatiosOverPositiveBaselines() {
        // 6/2, 6/3, 9/2, 9/3, 12/2, 12/3 = 3, 2, 4.5, 3, 6, 4 → median (3 + 4) / 2; the 0 baseline is left out
        assertThat(HodgesLehmann.ratio(new double[] {6, 9, 12}, new double[] {2, 0, 3}))
                .isEqualTo(3.5);
        assertThat(HodgesLehmann.ratio(new double[] {1}, new double[] {0})).isNaN();
    }

    @Test
    void needsBothSamples() {
        assertThatThrownBy(() -> HodgesLehmann.shift(new double[0], new double[] {1}))
                .hasMessageContaining("at least one value");
    }
}
