package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

/** Seeded simulations of the log-ratio test under continuous monitoring (one look per simulated minute). */
class LogRatioSimulationTest {

    private static final int HORIZON = 60;
    private static final int RUNS = 1000;
    private static final double ALPHA = 0.05;

    @Test
    void normalLooksExactlyAtTheMarginRejectAtMostAlpha() {
        SplittableRandom random = new SplittableRandom(201);
        double rate = rejectionRate(() -> Math.log(1.05) + 0.1 * random.nextGaussian(), 0.05);
        assertThat(rate).isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(ALPHA, RUNS));
    }

    @Test
    void normalLooksInsideTheMarginRejectLess() {
        SplittableRandom random = new SplittableRandom(203);
        double rate = rejectionRate(() -> Math.log(1.05) - 0.05 + 0.1 * random.nextGaussian(), 0.05);
        assertThat(rate).isLessThanOrEqualTo(ALPHA / 2);
    }

    @Test
    void p99OfSimulatedRequestsAtTheMarginWithASharedLoadRejectsAtMostAlpha() {
        // equal traffic, so that the canary's quantile is read from as many requests as the baseline's and a canary
        // 5% slower is exactly at the 5% margin; 120 requests a minute each makes p99 the second-largest latency
        LatencyTraffic traffic = new LatencyTraffic(120, 120, 0.05);
        UniformRandomProvider rng = Sequential.rng(207);
        double rate = rejectionRate(
                () -> {
                    double[] minute = traffic.minute(rng, 1.05);
                    return Math.log(minute[0] / minute[1]);
                },
                0.05);
        assertThat(rate).isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(ALPHA, RUNS));
    }

    @Test
    void autocorrelatedLooksAtTheMarginRejectAtMostAlphaUpToTheBound() {
        for (double rho : new double[] {0.3, 0.6}) {
            SplittableRandom random = new SplittableRandom(211);
            double rate = rejectionRate(new LogRatioTest(Worse.HIGHER, 0.05, ALPHA), ar1(random, 0.05, rho));
            assertThat(rate).as("rho %s", rho).isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(ALPHA, RUNS));
        }
    }

    @Test
    void theTestForIndependentLooksIsFooledByAutocorrelatedOnes() {
        // the same looks as above at 0.6: the reason the default allows for correlation
        SplittableRandom random = new SplittableRandom(211);
        LogRatioTest independent = new LogRatioTest(Worse.HIGHER, 0.05, ALPHA, EffectPrior.calibrated(), 0);
        assertThat(rejectionRate(independent, ar1(random, 0.05, 0.6))).isGreaterThan(2 * ALPHA);
    }

    /**
     * ln(c/b) = ln(1 + margin) + 0.1·e_k, e a stationary AR(1) series with lag-1 correlation rho; consecutive runs are
     * consecutive stretches of the one series, each starting in its stationary distribution.
     */
    private static DoubleSupplier ar1(SplittableRandom random, double margin, double rho) {
        double[] noise = {Double.NaN};
        return () -> {
            noise[0] = Double.isNaN(noise[0])
                    ? random.nextGaussian()
                    : rho * noise[0] + Math.sqrt(1 - rho * rho) * random.nextGaussian();
            return Math.log1p(margin) + 0.1 * noise[0];
        };
    }

    @Test
    void aSlowdownOfThreeStandardDeviationsBeyondTheMarginIsCaughtInAFewLooks() {
        SplittableRandom random = new SplittableRandom(209);
        LogRatioTest test = new LogRatioTest(Worse.HIGHER, 0.05, 0.0025);
        int[] looks = new int[200];
        for (int r = 0; r < looks.length; r++) {
            looks[r] = looksToRejection(test, () -> Math.log(1.05) + 0.3 + 0.1 * random.nextGaussian());
        }
        Arrays.sort(looks);
        // a median of 7 looks if the looks were known to be independent, 14 allowing for correlation up to 0.6
        assertThat(looks[looks.length / 2]).isLessThanOrEqualTo(15);
        assertThat(looks[looks.length - 1]).isLessThanOrEqualTo(HORIZON);
    }

    @Test
    void aCanaryAtTheRuleOutLevelIsShownBelowItAtMostAlphaEvenWhenItsLooksAreCorrelated() {
        // the rule-out a pass needs, for a 5% margin: twice the margin on the log scale; the canary sits exactly there
        double ratio = 1.05 * 1.05;
        for (double rho : new double[] {0, 0.6}) {
            SplittableRandom random = new SplittableRandom(213);
            LogRatioTest ruleOut = LogRatioTest.ruleOut(Worse.HIGHER, ratio, ALPHA, EffectPrior.calibrated(), 0.6);
            double rate = rejectionRate(ruleOut, ar1(random, ratio - 1, rho));
            assertThat(rate).as("rho %s", rho).isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(ALPHA, RUNS));
        }
    }

    @Test
    void anAccuracyAtItsRuleOutLevelIsShownAboveItAtMostAlpha() {
        // lower is worse: accuracy 2% down allowed, (0.98)² ruled out; per-look ratios scattered by 3% around it
        double ratio = 0.98 * 0.98;
        SplittableRandom random = new SplittableRandom(217);
        LogRatioTest ruleOut = LogRatioTest.ruleOut(Worse.LOWER, ratio, ALPHA, EffectPrior.calibrated(), 0.6);
        double rate = rejectionRate(ruleOut, () -> Math.log(ratio) + 0.03 * random.nextGaussian());
        assertThat(rate).isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(ALPHA, RUNS));
    }

    @Test
    void theP99OfAHealthyCanaryUnderASharedLoadIsShownBelowTheRuleOutInTime() {
        // equal versions under a shared load; p99 +15% allowed, so +32% must be ruled out at 1%. At 2 requests a
        // second a minute's p99 is its second-slowest request, so ruling out takes many looks; at 20, a few.
        int[] medians = new int[2];
        int[] slowest = new int[2];
        double[] perMinute = {120, 1200};
        for (int t = 0; t < perMinute.length; t++) {
            LatencyTraffic traffic = new LatencyTraffic(perMinute[t], perMinute[t], 0.05);
            UniformRandomProvider rng = Sequential.rng(219);
            LogRatioTest ruleOut = LogRatioTest.ruleOut(Worse.HIGHER, 1.15 * 1.15, 0.01, EffectPrior.calibrated(), 0.6);
            int[] looks = new int[200];
            for (int r = 0; r < looks.length; r++) {
                looks[r] = looksToRejection(ruleOut, () -> {
                    double[] minute = traffic.minute(rng, 1.0);
                    return Math.log(minute[0] / minute[1]);
                });
            }
            Arrays.sort(looks);
            medians[t] = looks[looks.length / 2];
            slowest[t] = looks[looks.length * 9 / 10];
        }
        // measured: medians 27 and 9 looks, 90th percentiles 40 and 13 (docs/statistics.md quotes them)
        assertThat(medians[0]).isBetween(15, 35);
        assertThat(slowest[0]).isLessThanOrEqualTo(HORIZON);
        assertThat(medians[1]).isLessThanOrEqualTo(12);
        assertThat(slowest[1]).isLessThanOrEqualTo(20);
    }

    /** Share of {@link #RUNS} runs of {@link #HORIZON} looks in which the test rejects; each look's ln(c/b) given. */
    private static double rejectionRate(DoubleSupplier logRatio, double margin) {
        return rejectionRate(new LogRatioTest(Worse.HIGHER, margin, ALPHA), logRatio);
    }

    private static double rejectionRate(LogRatioTest test, DoubleSupplier logRatio) {
        int rejected = 0;
        for (int r = 0; r < RUNS; r++) {
            rejected += looksToRejection(test, logRatio) <= HORIZON ? 1 : 0;
        }
        return rejected / (double) RUNS;
    }

    private static int looksToRejection(LogRatioTest test, DoubleSupplier logRatio) {
        LogRatioEvidence evidence = test.empty();
        for (int k = 1; k <= HORIZON; k++) {
            evidence = test.add(evidence, Math.exp(logRatio.getAsDouble()), 1);
            if (test.rejects(evidence)) {
                return k;
            }
        }
        return Integer.MAX_VALUE;
    }
}
