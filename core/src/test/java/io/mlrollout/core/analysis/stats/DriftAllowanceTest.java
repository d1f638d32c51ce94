package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DriftAllowanceTest {

    private static final double DECAY = RateRatioTest.RECENT_DECAY;

    /**
     * The closed forms against the covariances summed term by term: the residual e_t = z_t − Σ w_k z_(t−1−k), w_k = (1 −
     * λ) λ^k, of a unit AR(1) z with Cov(z_s, z_t) = ρ^|s − t|.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0, 0.2, 0.45, 0.6, 0.8})
    void closedFormsMatchTheCovariancesSummedTermByTerm(double rho) {
        int terms = 400;
        double[] e = new double[terms + 2]; // coefficients of z_t, z_(t−1), … in e_t
        e[0] = 1;
        for (int k = 0; k < terms; k++) {
            e[k + 1] = -(1 - DECAY) * Math.pow(DECAY, k);
        }
        double variance = 0;
        double lagCovariance = 0;
        for (int i = 0; i < e.length; i++) {
            for (int j = 0; j < e.length; j++) {
                variance += e[i] * e[j] * Math.pow(rho, Math.abs(i - j));
                // e_(t−1) has coefficient e[j] on z_(t−1−j)
                lagCovariance += e[i] * e[j] * Math.pow(rho, Math.abs(i - (j + 1)));
            }
        }
        assertThat(DriftAllowance.residualVariance(rho, DECAY)).isCloseTo(variance, within(1e-9));
        assertThat(DriftAllowance.residualCorrelation(rho, DECAY)).isCloseTo(lagCovariance / variance, within(1e-9));
    }

    @Test
    void knownAnswers() {
        // white noise: the recent rate takes (1 − λ) / (1 + λ) of a variance, neighbours share −(1 − λ) / 2
        assertThat(DriftAllowance.residualVariance(0, 0.8)).isCloseTo(2 / 1.8, within(1e-12));
        assertThat(DriftAllowance.residualCorrelation(0, 0.8)).isCloseTo(-0.1, within(1e-12));
        assertThat(DriftAllowance.longRunFactor(-0.3, 0.8, 0.8)).isEqualTo(1);
        // ρ 0.6: the residuals show 0.44 and 86% of the variance; the sum needs 4 / 0.855 = 4.68
        assertThat(DriftAllowance.residualCorrelation(0.6, 0.8)).isCloseTo(0.4405, within(1e-3));
        assertThat(DriftAllowance.longRunFactor(DriftAllowance.residualCorrelation(0.6, 0.8), 0.8, 0.8))
                .isCloseTo(4.68, within(0.01));
        // never beyond the largest correlation allowed for
        assertThat(DriftAllowance.driftCorrelation(0.99, 0.8, 0.8)).isEqualTo(0.8);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.3, 0.6, 0.75})
    void theInversionFindsTheDriftBack(double rho) {
        double shown = DriftAllowance.residualCorrelation(rho, DECAY);
        assertThat(DriftAllowance.driftCorrelation(shown, DECAY, 0.8)).isCloseTo(rho, within(1e-9));
    }

    /** A long simulated drift, residuals taken as the test takes them (around the recent rate, its own history). */
    @Test
    void fromSimulatedResidualsItRecoversTheDrift() {
        SplittableRandom random = new SplittableRandom(20261204L);
        double rho = 0.6;
        double z = random.nextGaussian();
        double recent = Double.NaN;
        double previousResidual = Double.NaN;
        double squares = 0;
        double products = 0;
        for (int t = 0; t < 400_000; t++) {
            z = rho * z + Math.sqrt(1 - rho * rho) * random.nextGaussian();
            if (!Double.isNaN(recent)) {
                double residual = z - recent;
                squares += residual * residual;
                if (!Double.isNaN(previousResidual)) {
                    products += residual * previousResidual;
                }
                previousResidual = residual;
            }
            recent = Double.isNaN(recent) ? z : DECAY * recent + (1 - DECAY) * z;
        }
        double shown = products / squares;
        assertThat(DriftAllowance.driftCorrelation(shown, DECAY, 0.8)).isCloseTo(rho, within(0.02));
    }
}
