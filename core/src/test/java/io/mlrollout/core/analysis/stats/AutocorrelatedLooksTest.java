package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The AR(1) forms and shape likelihoods against an independent computation with NumPy and SciPy: the forms from the
 * inverse of the full correlation matrix ρ^|i−j| ({@code numpy.linalg.inv}), the shape likelihood as the integral
 * ∫_0^∞ c^(n−1)·N(c·x; δ·1, R_ρ) dc of {@code scipy.stats.multivariate_normal} by {@code scipy.integrate.quad}, and its
 * largest value over ρ by {@code scipy.optimize.minimize_scalar} (bounded).
 */
class AutocorrelatedLooksTest {

    /** Looks that swing around 0: the null likelihood peaks inside [0, 0.6]. */
    private static final double[] SWINGING = {0.31, 0.12, -0.2, -0.26, 0.05, 0.21, 0.14, -0.09, -0.04, 0.11};

    @Test
    void formsAreThoseOfTheInverseCorrelationMatrix() {
        AutocorrelatedLooks looks = looks(SWINGING);
        // {ρ, 1ᵀR⁻¹1, 1ᵀR⁻¹x, xᵀR⁻¹x}
        double[][] expected = {
            {0, 10, 0.35, 0.3061},
            {0.35, 5.333333333333333, 0.2774074074074074, 0.3136783475783476},
            {0.6, 3.250000000000001, 0.2450000000000001, 0.4420375},
        };
        for (double[] e : expected) {
            assertThat(looks.ones(e[0])).as("ones at %s", e[0]).isCloseTo(e[1], within(1e-12));
            assertThat(looks.onesX(e[0])).as("onesX at %s", e[0]).isCloseTo(e[2], within(1e-12));
            assertThat(looks.xx(e[0])).as("xx at %s", e[0]).isCloseTo(e[3], within(1e-12));
        }
    }

    @Test
    void oneLookHasTheFormsOfOneIndependentLook() {
        AutocorrelatedLooks looks = looks(new double[] {0.2});
        assertThat(looks.ones(0.6)).isCloseTo(1, within(1e-12));
        assertThat(looks.onesX(0.6)).isCloseTo(0.2, within(1e-12));
        assertThat(looks.xx(0.6)).isCloseTo(0.04, within(1e-12));
        assertThat(looks.maxLogNullLikelihood(0.6)).isCloseTo(0, within(1e-12)); // one look has no correlation
    }

    @Test
    void theNullLikelihoodAndItsLargestValueMatchAQuadratureOfTheFullModel() {
        AutocorrelatedLooks looks = looks(SWINGING);
        assertThat(looks.logNullLikelihood(0)).isEqualTo(0);
        assertThat(looks.logNullLikelihood(0.35)).isCloseTo(0.46577123558463684, within(1e-9));
        assertThat(looks.logNullLikelihood(0.6)).isCloseTo(0.17087759104566924, within(1e-9));
        // SciPy's maximum at ρ = 0.34349: inside the range, where the cubic has its root
        assertThat(looks.maxLogNullLikelihood(0.6)).isCloseTo(0.4659538197855162, within(1e-9));
        // with the range cut below that root the end is the maximum
        assertThat(looks.maxLogNullLikelihood(0.2)).isCloseTo(looks.logNullLikelihood(0.2), within(1e-15));
        assertThat(looks.maxLogNullLikelihood(0)).isEqualTo(0);
    }

    @Test
    void bayesFactorsUnderACorrelationAreRatiosOfTheFullModelsShapeLikelihoods() {
        // log L(δ, ρ) − log L(0, ρ) by quadrature of the full model, at ρ = 0.35 (δ = 0.5 and 2)
        AutocorrelatedLooks looks = looks(SWINGING);
        assertThat(bayesFactor(looks, 0.35, 0.5)).isCloseTo(0.11231681964248308, within(1e-8));
        assertThat(bayesFactor(looks, 0.35, 2)).isCloseTo(-7.359263548733386, within(1e-8));
        AutocorrelatedLooks rising = looks(new double[] {0.12, -0.03, 0.25, 0.08, 0.17});
        assertThat(bayesFactor(rising, 0.6, 0.5)).isCloseTo(0.42681714652714464, within(1e-8));
        assertThat(bayesFactor(rising, 0.6, 2)).isCloseTo(-0.9908958258462228, within(1e-8));
    }

    @Test
    void leansWorseOnlyWhenEveryAllowedCorrelationSeesAPositiveMean() {
        assertThat(looks(new double[] {0.1, 0.2, 0.1}).leansWorse(0.6)).isTrue();
        AutocorrelatedLooks endsBelow = looks(new double[] {-0.1, 0.2, -0.05});
        assertThat(endsBelow.leansWorse(0)).isTrue(); // Σx = 0.05
        // correlated at 0.6 the ends (−0.15) outweigh 0.4 × the interior (0.08)
        assertThat(endsBelow.leansWorse(0.6)).isFalse();
        AutocorrelatedLooks higherInside = looks(new double[] {-0.1, 0.3, -0.05});
        assertThat(higherInside.leansWorse(0.4)).isTrue(); // −0.15 + 0.6 × 0.3
        assertThat(higherInside.leansWorse(0.6)).isFalse(); // −0.15 + 0.4 × 0.3
        assertThat(looks(new double[] {-0.2}).leansWorse(0)).isFalse();
    }

    private static double bayesFactor(AutocorrelatedLooks looks, double rho, double effect) {
        return ScaleInvariantBayesFactor.log(looks.looks(), looks.ones(rho), looks.onesX(rho), looks.xx(rho), effect);
    }

    static AutocorrelatedLooks looks(double[] x) {
        double sum = 0;
        double squares = 0;
        double lags = 0;
        for (int k = 0; k < x.length; k++) {
            sum += x[k];
            squares += x[k] * x[k];
            lags += k > 0 ? x[k] * x[k - 1] : 0;
        }
        return new AutocorrelatedLooks(
                new LogRatioEvidence(Worse.HIGHER, 0, 0.6, x.length, sum, squares, lags, x[0], x[x.length - 1], 0));
    }
}
