package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MixturePriorTest {

    @Test
    void weightsAreNormalisedAndArraysCopied() {
        double[] ratios = {1.5, 3};
        double[] weights = {1, 3};
        MixturePrior prior = new MixturePrior(ratios, weights);
        ratios[0] = 99;
        weights[0] = 99;
        assertThat(prior.ratios()).containsExactly(1.5, 3);
        assertThat(prior.weights()).containsExactly(0.25, 0.75);
        prior.weights()[0] = 7;
        assertThat(prior.weights()[0]).isEqualTo(0.25);
    }

    @Test
    void logSpacedRunsFromLowestToHighest() {
        MixturePrior prior = MixturePrior.logSpaced(1.25, 5, 3);
        assertThat(prior.ratios()[0]).isEqualTo(1.25);
        assertThat(prior.ratios()[1]).isCloseTo(2.5, within(1e-12));
        assertThat(prior.ratios()[2]).isEqualTo(5);
        assertThat(MixturePrior.calibrated().ratios()).hasSize(5);
    }

    @Test
    void logMixtureIsTheWeightedSumWithoutOverflow() {
        MixturePrior prior = new MixturePrior(new double[] {1.5, 3}, new double[] {1, 3});
        assertThat(prior.logMixture(new double[] {Math.log(2), Math.log(10)}))
                .isCloseTo(Math.log(0.25 * 2 + 0.75 * 10), within(1e-12));
        assertThat(prior.logMixture(new double[] {800, 801}))
                .isCloseTo(800 + Math.log(0.25 + 0.75 * Math.E), within(1e-9));
    }

    @Test
    void refusesPriorsThatAreNotAlternatives() {
        assertThatThrownBy(() -> new MixturePrior(new double[] {1, 2}, new double[] {1, 1}))
                .hasMessageContaining("ratios[0]");
        assertThatThrownBy(() -> new MixturePrior(new double[] {2, 1.5}, new double[] {1, 1}))
                .hasMessageContaining("ascend");
        assertThatThrownBy(() -> new MixturePrior(new double[] {1.5, 2}, new double[] {1, 0}))
                .hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> new MixturePrior(new double[] {1.5}, new double[] {1, 1}))
                .hasMessageContaining("equal length");
        assertThatThrownBy(() -> MixturePrior.logSpaced(0.9, 2, 3)).hasMessageContaining("lowest");
    }
}
