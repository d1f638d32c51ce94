package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EffectPriorTest {

    @Test
    void weightsAreNormalisedAndArraysCopied() {
        double[] effects = {0.5, 2};
        double[] weights = {1, 3};
        EffectPrior prior = new EffectPrior(effects, weights);
        effects[0] = 99;
        weights[0] = 99;
        assertThat(prior.effects()).containsExactly(0.5, 2);
        assertThat(prior.weights()).containsExactly(0.25, 0.75);
        prior.weights()[0] = 7;
        assertThat(prior.weights()[0]).isEqualTo(0.25);
    }

    @Test
    void theCalibratedPriorDoublesFromHalfToEightStandardDeviations() {
        assertThat(EffectPrior.calibrated().effects()).containsExactly(0.5, 1, 2, 4, 8);
        assertThat(EffectPrior.logSpaced(0.5, 8, 5).effects())
                .containsExactly(new double[] {0.5, 1, 2, 4, 8}, within(1e-12));
        assertThat(EffectPrior.calibrated().weights()).containsOnly(0.2);
    }

    @Test
    void theMixtureIsTheWeightedSumOfTheBayesFactors() {
        EffectPrior prior = new EffectPrior(new double[] {0.5, 2}, new double[] {1, 3});
        double one = Math.exp(ScaleInvariantBayesFactor.log(5, 3.5, 0.6, 0.2, 0.5));
        double two = Math.exp(ScaleInvariantBayesFactor.log(5, 3.5, 0.6, 0.2, 2));
        assertThat(prior.logMixture(5, 3.5, 0.6, 0.2)).isCloseTo(Math.log(0.25 * one + 0.75 * two), within(1e-12));
    }

    @Test
    void refusesPriorsThatAreNotEffects() {
        assertThatThrownBy(() -> new EffectPrior(new double[] {0, 2}, new double[] {1, 1}))
                .hasMessageContaining("effects[0]");
        assertThatThrownBy(() -> new EffectPrior(new double[] {2, 1}, new double[] {1, 1}))
                .hasMessageContaining("ascend");
        assertThatThrownBy(() -> new EffectPrior(new double[] {1, 2}, new double[] {1, 0}))
                .hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> new EffectPrior(new double[] {1}, new double[] {1, 1}))
                .hasMessageContaining("equal length");
        assertThatThrownBy(() -> EffectPrior.logSpaced(0, 8, 3)).hasMessageContaining("lowest");
        assertThatThrownBy(() -> EffectPrior.logSpaced(1, 8, 0)).hasMessageContaining("points");
    }
}
