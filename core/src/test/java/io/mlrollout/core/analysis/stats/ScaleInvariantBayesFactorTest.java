package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScaleInvariantBayesFactorTest {

    /**
     * log M_n(a) = log ∫_0^∞ v^(n−1) e^(−v²/2 + a·v) dv, computed independently with mpmath (40 digits, tanh-sinh
     * quadrature split around the mode): {n, a, log M}.
     */
    private static final double[][] MOMENTS = {
        {1, -20, -2.9982168378925912},
        {1, -3, -1.1887876883056768},
        {1, 0.5, 0.67499211791601635},
        {1, 4, 8.9189068614612953},
        {2, -3, -2.4507475263983558},
        {2, 1.5, 2.468753089966932},
        {7, -10, -9.7980186166207114},
        {7, 0, 2.9338415537469375},
        {7, 3.5, 15.489733055059742},
        {40, 12, 174.01716890939297},
        {400, -50, 401.73058611141065},
    };

    @Test
    void momentsMatchAnIndependentHighPrecisionQuadrature() {
        for (double[] m : MOMENTS) {
            assertThat(ScaleInvariantBayesFactor.logMoment((int) m[0], m[1]))
                    .as("n=%s, a=%s", m[0], m[1])
                    .isCloseTo(m[2], within(1e-9));
        }
    }

    /**
     * Observations and the log Bayes factor for three effects, computed independently as the log ratio of the noncentral
     * t density (n − 1 degrees of freedom, noncentrality δ√n) to the central one at the t statistic, with SciPy's
     * {@code stats.nct.logpdf(t, n-1, d*sqrt(n)) - stats.t.logpdf(t, n-1)}.
     */
    @Test
    void bayesFactorsAreRatiosOfNoncentralToCentralTDensities() {
        assertBayesFactors(
                new double[] {0.12, -0.03, 0.25, 0.08, 0.17},
                1.4364133399672425,
                1.181395483415229,
                -51.319351779901105);
        assertBayesFactors(new double[] {0.4, 0.1}, 0.5956479577875617, 0.7471317597929328, -13.74996515529774);
        assertBayesFactors(
                new double[] {0.05, -0.12, 0.02, 0.09, -0.04, 0.11, 0.0, 0.07, -0.02, 0.13},
                0.6425456446363695,
                -11.266876377313316,
                -260.6125295828201);
        assertBayesFactors(
                new double[] {-0.2, 0.05, -0.1, -0.15}, -1.7569308311841194, -11.976276859013872, -136.8050119161518);
    }

    private static void assertBayesFactors(double[] x, double... expectedForHalfTwoAndEight) {
        double sum = 0;
        double squares = 0;
        for (double v : x) {
            sum += v;
            squares += v * v;
        }
        double[] effects = {0.5, 2, 8};
        for (int j = 0; j < effects.length; j++) {
            double expected = expectedForHalfTwoAndEight[j];
            assertThat(ScaleInvariantBayesFactor.log(x.length, x.length, sum, squares, effects[j]))
                    .as("n=%d, effect %s", x.length, effects[j])
                    .isCloseTo(expected, within(1e-8 * Math.max(1, Math.abs(expected))));
        }
    }

    @Test
    void oneLookSaysOnlyItsSign() {
        // n = 1: r = ±1 and BF(δ) = 2Φ(±δ), at most 2 whatever the size of the value
        for (double x : new double[] {1e-6, 0.3, 50}) {
            assertThat(ScaleInvariantBayesFactor.log(1, 1, x, x * x, 8)).isCloseTo(Math.log(2), within(1e-9));
            assertThat(ScaleInvariantBayesFactor.log(1, 1, -x, x * x, 0.5))
                    .isCloseTo(Math.log(2 * 0.3085375387259869), within(1e-9)); // Φ(−0.5)
        }
    }

    @Test
    void isScaleFreeAndBelowOneWithoutAPositiveSum() {
        double base = ScaleInvariantBayesFactor.log(4, 4, 0.3, 0.05, 2);
        assertThat(ScaleInvariantBayesFactor.log(4, 4, 0.3 * 1000, 0.05 * 1e6, 2))
                .isCloseTo(base, within(1e-9));
        assertThat(ScaleInvariantBayesFactor.log(6, 6, -0.1, 0.4, 1)).isNegative();
        assertThat(ScaleInvariantBayesFactor.log(6, 6, 0, 0, 1)).isNegative(); // every value exactly at the margin
    }

    /** The cheap bound lies above every effect's factor wherever the looks lean up, and there is none where they do not. */
    @Test
    void theUpperBoundLiesAboveTheFactorOfEveryEffect() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(80);
            double shift = random.nextDouble() * 1.5;
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double x = shift + random.nextGaussian();
                sum += x;
                squares += x * x;
            }
            double bound = ScaleInvariantBayesFactor.logUpperBound(n, n, sum, squares);
            double best = Double.NEGATIVE_INFINITY;
            for (double effect : new double[] {0.1, 0.25, 0.5, 1, 2, 4, 8}) {
                double log = ScaleInvariantBayesFactor.log(n, n, sum, squares, effect);
                best = Math.max(best, log);
                if (sum > 0) {
                    assertThat(log).as("n=%d, effect %s", n, effect).isLessThanOrEqualTo(bound + 1e-9);
                }
            }
            if (sum <= 0) {
                assertThat(bound).isEqualTo(Double.NEGATIVE_INFINITY);
                assertThat(best).isNegative();
            }
        }
    }

    @Test
    void momentsAtZeroAreHalfGammaTimesAPowerOfTwo() {
        // M_n(0) = 2^(n/2 − 1) Γ(n/2); Γ of an integer or half-integer by its product formula
        for (int n = 1; n <= 60; n++) {
            double logGamma = n % 2 == 0 ? logFactorial(n / 2 - 1) : logGammaOfHalfOdd(n);
            assertThat(ScaleInvariantBayesFactor.logMoment(n, 0))
                    .as("n=%d", n)
                    .isCloseTo((n / 2.0 - 1) * Math.log(2) + logGamma, within(1e-9));
            assertThat(ScaleInvariantBayesFactor.logMomentAtZero(n))
                    .as("tabulated, n=%d", n)
                    .isCloseTo((n / 2.0 - 1) * Math.log(2) + logGamma, within(1e-9));
        }
        for (int n : new int[] {500, 4095, 4096, 5000}) { // the table's far end and beyond it, against the integral
            assertThat(ScaleInvariantBayesFactor.logMomentAtZero(n))
                    .as("n=%d", n)
                    .isCloseTo(ScaleInvariantBayesFactor.logMoment(n, 0), within(1e-6 * n));
        }
    }

    @Test
    void momentsFollowTheThreeTermRecurrenceFromTheClosedFormsOfTheFirstTwo() {
        // Integration by parts gives M_2(a) = 1 + a·M_1(a) and M_(n+1)(a) = a·M_n(a) + (n − 1)·M_(n−1)(a), a forward
        // recurrence that is stable for a ≥ 0; M_1 from the independent values above.
        for (double[] seed : new double[][] {{0.5, 0.67499211791601635}, {4, 8.9189068614612953}}) {
            double a = seed[0];
            double previous = seed[1];
            double current = Math.log(1 + a * Math.exp(previous));
            assertThat(ScaleInvariantBayesFactor.logMoment(2, a)).isCloseTo(current, within(1e-9));
            for (int n = 2; n < 150; n++) {
                double next = current + Math.log(a + (n - 1) * Math.exp(previous - current));
                assertThat(ScaleInvariantBayesFactor.logMoment(n + 1, a))
                        .as("n=%d, a=%s", n + 1, a)
                        .isCloseTo(next, within(1e-9 * Math.max(1, Math.abs(next))));
                previous = current;
                current = next;
            }
        }
    }

    private static double logFactorial(int k) {
        double sum = 0;
        for (int i = 2; i <= k; i++) {
            sum += Math.log(i);
        }
        return sum;
    }

    /** log Γ(n/2) for odd n: Γ(1/2) = √π, Γ(x + 1) = x·Γ(x). */
    private static double logGammaOfHalfOdd(int n) {
        double sum = 0.5 * Math.log(Math.PI);
        for (double x = 0.5; x < n / 2.0 - 0.25; x++) {
            sum += Math.log(x);
        }
        return sum;
    }
}
