package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogRatioTestTest {

    /** Per-look p99 pairs {canary, baseline} in ms: the canary about 12% slower. */
    private static final double[][] LOOKS = {{212, 200}, {230, 205}, {226, 198}, {241, 210}, {219, 202}, {250, 207}};

    /**
     * The e-value after each look of the test for independent looks (maxAutocorrelation 0), computed independently with
     * SciPy as (1/5) Σ_j exp(nct.logpdf(t, n−1, δ_j√n) − t.logpdf(t, n−1)) over δ_j ∈ {0.5, 1, 2, 4, 8}, on x_k =
     * ln(canary_k/baseline_k) − ln 1.05 (at one look, 2Φ(δ_j)).
     */
    private static final double[] E_VALUES = {
        1.8040101616610171,
        1.035866182667962,
        2.223997137125236,
        5.501804840716007,
        8.69167640315515,
        11.764992193384202
    };

    /**
     * The e-value after each look of the default test (maxAutocorrelation 0.6), computed independently with NumPy and
     * SciPy on the full AR(1) model: each shape likelihood L(δ, ρ) as ∫_0^∞ c^(n−1)·N(c·x; δ·1, R_ρ) dc with R_ρ the
     * matrix ρ^|i−j| ({@code scipy.stats.multivariate_normal}, {@code scipy.integrate.quad}), the numerator
     * ¾·(1/5) Σ_j L(δ_j, 0) + ¼·(1/5) Σ_j L(δ_j, 0.6), the denominator the largest L(0, ρ) over ρ in [0, 0.6] (a grid of
     * 61 points refined by {@code scipy.optimize.minimize_scalar}). The same looks as {@link #E_VALUES}: six looks about
     * 12% slower are much weaker evidence when they may be correlated.
     */
    private static final double[] E_VALUES_CORRELATED = {
        1.8040101616610182,
        0.8908608082660594,
        0.9630778243343158,
        1.093369804816645,
        0.9498510892170132,
        2.2170606470952907
    };

    /**
     * Twelve per-look ratios of a canary that drifts between 4% and 19% slower, and the default test's e-value after
     * each (computed as for {@link #E_VALUES_CORRELATED}); the null likelihood peaks at the bound 0.6.
     */
    private static final double[] DRIFTING = {1.10, 1.16, 1.19, 1.14, 1.17, 1.08, 1.04, 1.10, 1.13, 1.16, 1.12, 1.15};

    private static final double[] DRIFTING_E_VALUES = {
        1.8040101616610176,
        1.4355309453484564,
        1.6858180879451534,
        2.182900969117893,
        4.660002946219722,
        1.9726011619712553,
        0.6375728142480069,
        1.0104411944406242,
        1.5985638046722843,
        2.6005371515789935,
        2.9051402197244816,
        5.287602025833076
    };

    @Test
    void forIndependentLooksEValuesMatchAnIndependentComputationLookByLook() {
        LogRatioTest test = independent(0.01);
        LogRatioEvidence evidence = test.empty();
        assertThat(test.eValue(evidence)).isEqualTo(1);
        for (int k = 0; k < LOOKS.length; k++) {
            evidence = test.add(evidence, LOOKS[k][0], LOOKS[k][1]);
            assertThat(test.eValue(evidence)).as("look %d", k + 1).isCloseTo(E_VALUES[k], within(1e-8 * E_VALUES[k]));
        }
        assertThat(evidence.looks()).isEqualTo(LOOKS.length);
        assertThat(test.pValue(evidence)).isCloseTo(1 / E_VALUES[5], within(1e-9));
        assertThat(test.rejects(evidence)).isFalse(); // 11.8 < 1/0.01
        assertThat(independent(0.1).rejects(rebuilt(independent(0.1)))).isTrue(); // 11.8 ≥ 1/0.1
    }

    @Test
    void allowingForCorrelationEValuesMatchAnIndependentComputationOfTheFullModel() {
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0.05, 0.01);
        assertThat(test.maxAutocorrelation()).isEqualTo(0.6);
        LogRatioEvidence evidence = test.empty();
        for (int k = 0; k < LOOKS.length; k++) {
            evidence = test.add(evidence, LOOKS[k][0], LOOKS[k][1]);
            assertThat(test.eValue(evidence))
                    .as("look %d", k + 1)
                    .isCloseTo(E_VALUES_CORRELATED[k], within(1e-8 * E_VALUES_CORRELATED[k]));
        }
        assertThat(test.pValue(evidence)).isCloseTo(1 / 2.2170606470952907, within(1e-8)); // the largest, at look 6
        LogRatioEvidence drifting = test.empty();
        for (int k = 0; k < DRIFTING.length; k++) {
            drifting = test.add(drifting, 200 * DRIFTING[k], 200);
            assertThat(test.eValue(drifting))
                    .as("look %d", k + 1)
                    .isCloseTo(DRIFTING_E_VALUES[k], within(1e-8 * DRIFTING_E_VALUES[k]));
        }
        assertThat(drifting.sumOfLagProducts()).isPositive();
        assertThat(drifting.first()).isCloseTo(Math.log(1.10 / 1.05), within(1e-12));
        assertThat(drifting.last()).isCloseTo(Math.log(1.15 / 1.05), within(1e-12));
    }

    private static LogRatioTest independent(double alpha) {
        return new LogRatioTest(Worse.HIGHER, 0.05, alpha, EffectPrior.calibrated(), 0);
    }

    private static LogRatioEvidence rebuilt(LogRatioTest test) {
        LogRatioEvidence evidence = test.empty();
        for (double[] look : LOOKS) {
            evidence = test.add(evidence, look[0], look[1]);
        }
        return evidence;
    }

    @Test
    void theRatioIsTheGeometricMeanOfTheLooks() {
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0.05, 0.01);
        LogRatioEvidence evidence = test.add(test.add(test.empty(), 220, 200), 240, 240);
        assertThat(evidence.ratio()).isCloseTo(Math.sqrt(1.1), within(1e-12));
        LogRatioTest lower = new LogRatioTest(Worse.LOWER, 0.02, 0.01);
        assertThat(lower.add(lower.add(lower.empty(), 0.9, 0.95), 0.8, 0.8).ratio())
                .isCloseTo(Math.sqrt(0.9 / 0.95), within(1e-12));
        assertThat(test.empty().ratio()).isNaN();
    }

    @Test
    void lowerIsWorseIsTheMirrorImage() {
        // LOWER with margin m on (canary, baseline) sees x = ln(1 − m) − ln(c/b); HIGHER with 1 + m' = 1/(1 − m) on
        // (baseline, canary) sees the same x.
        LogRatioTest lower = new LogRatioTest(Worse.LOWER, 0.2, 0.01);
        LogRatioTest higher = new LogRatioTest(Worse.HIGHER, 1 / 0.8 - 1, 0.01);
        LogRatioEvidence l = lower.empty();
        LogRatioEvidence h = higher.empty();
        double[][] accuracy = {{0.61, 0.9}, {0.58, 0.91}, {0.66, 0.89}, {0.6, 0.92}, {0.55, 0.9}};
        for (double[] look : accuracy) {
            l = lower.add(l, look[0], look[1]);
            h = higher.add(h, look[1], look[0]);
            assertThat(lower.eValue(l)).isCloseTo(higher.eValue(h), within(1e-9 * higher.eValue(h)));
        }
        // the canary's accuracy a third below: evidence builds (past 20 if the looks were known to be independent;
        // five looks that may be correlated say less)
        assertThat(lower.eValue(l)).isGreaterThan(4);
    }

    @Test
    void isBlindToTheScaleOfTheNoise() {
        // With no margin x is ln(c/b); raising every ratio to a power scales every x alike, which changes nothing.
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0, 0.01);
        LogRatioEvidence plain = test.empty();
        LogRatioEvidence cubed = test.empty();
        for (double[] look : LOOKS) {
            double ratio = look[0] / look[1];
            plain = test.add(plain, ratio, 1);
            cubed = test.add(cubed, ratio * ratio * ratio, 1);
        }
        assertThat(test.eValue(cubed)).isCloseTo(test.eValue(plain), within(1e-9 * test.eValue(plain)));
    }

    @Test
    void aClearRegressionRejectsWithinAFewLooksAndTheRejectionSticks() {
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0.05, 0.0025);
        double[] noise = {0.01, -0.02, 0.015, -0.005, 0.02, -0.01, 0.0, 0.01};
        LogRatioEvidence evidence = test.empty();
        int rejectedAt = 0;
        for (int k = 0; k < noise.length && rejectedAt == 0; k++) {
            evidence = test.add(evidence, 200 * 1.25 * Math.exp(noise[k]), 200);
            rejectedAt = test.rejects(evidence) ? k + 1 : 0;
        }
        assertThat(rejectedAt).isBetween(4, 6);
        // a later healthy look lowers the e-value, not the decision
        LogRatioEvidence later = test.add(evidence, 150, 200);
        assertThat(test.eValue(later)).isLessThan(test.eValue(evidence));
        assertThat(test.rejects(later)).isTrue();
    }

    @Test
    void aCanaryWithinTheMarginBuildsNoEvidence() {
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0.15, 0.0025);
        LogRatioEvidence evidence = test.empty();
        for (double[] look : LOOKS) { // about 12% slower, inside the 15% allowed
            evidence = test.add(evidence, look[0], look[1]);
        }
        assertThat(test.eValue(evidence)).isLessThan(1);
        assertThat(test.pValue(evidence)).isGreaterThan(0.5);
    }

    @Test
    void refusesValuesThatAreNotRatiosAndEvidenceOfAnotherTest() {
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0.05, 0.01);
        assertThatThrownBy(() -> test.add(test.empty(), 0, 200)).hasMessageContaining("canary must be positive");
        assertThatThrownBy(() -> test.add(test.empty(), 200, -1)).hasMessageContaining("baseline must be positive");
        assertThatThrownBy(() -> test.add(test.empty(), Double.NaN, 200)).hasMessageContaining("canary");
        assertThatThrownBy(() -> test.add(test.empty(), Double.POSITIVE_INFINITY, 200))
                .hasMessageContaining("canary");
        LogRatioEvidence other = new LogRatioTest(Worse.HIGHER, 0.1, 0.01).empty();
        assertThatThrownBy(() -> test.add(other, 1, 1)).hasMessageContaining("margin 0.1");
        assertThatThrownBy(() -> test.eValue(new LogRatioTest(Worse.LOWER, 0.05, 0.01).empty()))
                .hasMessageContaining("LOWER");
        assertThatThrownBy(() -> test.rejects(null)).hasMessageContaining("evidence");
        LogRatioEvidence independentLooks = independent(0.01).empty();
        assertThat(test.accepts(independentLooks)).isFalse();
        assertThat(test.accepts(test.empty())).isTrue();
        assertThatThrownBy(() -> test.add(independentLooks, 1, 1)).hasMessageContaining("maxAutocorrelation 0.0");
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new LogRatioTest(Worse.HIGHER, -0.1, 0.01)).hasMessageContaining("margin");
        assertThatThrownBy(() -> new LogRatioTest(Worse.LOWER, 1, 0.01)).hasMessageContaining("below 1");
        assertThatThrownBy(() -> new LogRatioTest(Worse.HIGHER, 0.1, 0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new LogRatioTest(null, 0.1, 0.01)).hasMessageContaining("worse");
        assertThatThrownBy(() -> new LogRatioTest(Worse.HIGHER, 0.1, 0.01, null, 0.6))
                .hasMessageContaining("prior");
        assertThatThrownBy(() -> new LogRatioTest(Worse.HIGHER, 0.1, 0.01, EffectPrior.calibrated(), 1))
                .hasMessageContaining("maxAutocorrelation must be in [0, 1)");
        assertThatThrownBy(() -> new LogRatioTest(Worse.HIGHER, 0.1, 0.01, EffectPrior.calibrated(), -0.1))
                .hasMessageContaining("maxAutocorrelation");
    }
}
