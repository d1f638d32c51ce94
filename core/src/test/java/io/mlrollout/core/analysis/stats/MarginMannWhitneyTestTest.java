package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class MarginMannWhitneyTestTest {

    // Hollander & Wolfe (1973), Nonparametric Statistical Methods, p. 69f: permeability constants of the human
    // chorioamnion at term (x) and at 12-26 weeks (y); alternative: greater permeability at term. The example of R's
    // ?wilcox.test, which reports W = 35, p-value = 0.1272 (exact, one-sided "greater").
    private static final double[] TERM = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
    private static final double[] EARLY = {1.15, 0.88, 0.90, 0.74, 1.21};

    @Test
    void reproducesThePublishedHollanderWolfeExample() {
        MannWhitneyEvidence evidence = new MarginMannWhitneyTest(Worse.HIGHER, 0).test(TERM, EARLY);

        assertThat(evidence.u()).isEqualTo(35);
        assertThat(evidence.pValue()).isCloseTo(0.1272, within(0.00005));
        assertThat(evidence.pValue()).isCloseTo(exactUpperTail(35, TERM.length, EARLY.length), within(1e-12));
        assertThat(evidence.canaryCount()).isEqualTo(10);
        assertThat(evidence.baselineCount()).isEqualTo(5);
    }

    @Test
    void lowerIsWorseIsTheMirrorImage() {
        MannWhitneyEvidence evidence = new MarginMannWhitneyTest(Worse.LOWER, 0).test(EARLY, TERM);

        assertThat(evidence.u()).isEqualTo(35); // pairs in which the canary (EARLY) is lower
        assertThat(evidence.pValue()).isCloseTo(exactUpperTail(35, TERM.length, EARLY.length), within(1e-12));
    }

    @Test
    void theMarginShiftsTheNullBoundary() {
        double[] baseline = {100, 101, 102, 103, 104};
        double[] canary = {110, 111, 112, 113, 114}; // about 9% above every baseline value

        MannWhitneyEvidence noMargin = new MarginMannWhitneyTest(Worse.HIGHER, 0).test(canary, baseline);
        assertThat(noMargin.u()).isEqualTo(25);
        assertThat(noMargin.pValue()).isCloseTo(1 / 252.0, within(1e-12)); // 1 / C(10, 5)
        assertThat(noMargin.rejectsAt(0.005)).isTrue();

        MannWhitneyEvidence withMargin = new MarginMannWhitneyTest(Worse.HIGHER, 0.15).test(canary, baseline);
        assertThat(withMargin.u()).isZero(); // every canary value is below every baseline value × 1.15
        assertThat(withMargin.pValue()).isEqualTo(1.0);
        assertThat(withMargin.rejectsAt(0.05)).isFalse();

        double[] accuracy = {0.90, 0.91, 0.92, 0.93, 0.94};
        double[] worse = {0.80, 0.81, 0.82, 0.83, 0.84};
        assertThat(new MarginMannWhitneyTest(Worse.LOWER, 0)
                        .test(worse, accuracy)
                        .pValue())
                .isCloseTo(1 / 252.0, within(1e-12));
        assertThat(new MarginMannWhitneyTest(Worse.LOWER, 0.2)
                        .test(worse, accuracy)
                        .pValue())
                .isEqualTo(1.0);
    }

    @Test
    void reportsHodgesLehmannEffects() {
        MannWhitneyEvidence evidence =
                new MarginMannWhitneyTest(Worse.HIGHER, 0.1).test(new double[] {1, 2, 3}, new double[] {1, 2});
        assertThat(evidence.shift()).isEqualTo(0.5);
        assertThat(evidence.ratio()).isEqualTo(1.25);
    }

    @Test
    void refusesBadInputNamingTheField() {
        MarginMannWhitneyTest test = new MarginMannWhitneyTest(Worse.HIGHER, 0.1);
        assertThatThrownBy(() -> test.test(new double[] {1, Double.NaN}, new double[] {1}))
                .hasMessageContaining("canary[1]");
        assertThatThrownBy(() -> test.test(new double[] {1}, new double[] {}))
                .hasMessageContaining("baseline needs at least one value");
        assertThatThrownBy(() -> test.test(new double[] {1}, new double[] {2, -1}))
                .hasMessageContaining("baseline[1] is negative");
        assertThatThrownBy(() -> new MarginMannWhitneyTest(Worse.LOWER, 1)).hasMessageContaining("margin");
        assertThatThrownBy(() -> new MarginMannWhitneyTest(Worse.HIGHER, -0.1)).hasMessageContaining("margin");
    }

    @Test
    void repeatedLooksOverAGrowingWindowStayWithinAlphaOnlyWithSpending() {
        double alpha = 0.05;
        int runs = 400;
        int planned = 20;
        int looks = 25; // the stage was extended past its plan
        AlphaSpending spending = AlphaSpending.of(alpha, planned);
        MarginMannWhitneyTest test = new MarginMannWhitneyTest(Worse.HIGHER, 0.15);
        SplittableRandom random = new SplittableRandom(301);
        int spent = 0;
        int naive = 0;
        for (int r = 0; r < runs; r++) {
            double[] canary = new double[looks];
            double[] baseline = new double[looks];
            boolean spentRejects = false;
            boolean naiveRejects = false;
            for (int k = 1; k <= looks; k++) {
                // at the null boundary: the canary is exactly 15% slower in distribution
                baseline[k - 1] = 200 * Math.exp(0.1 * random.nextGaussian());
                canary[k - 1] = 1.15 * 200 * Math.exp(0.1 * random.nextGaussian());
                double p = test.test(Arrays.copyOf(canary, k), Arrays.copyOf(baseline, k))
                        .pValue();
                spentRejects |= p <= spending.levelAt(k);
                naiveRejects |= p <= alpha;
            }
            spent += spentRejects ? 1 : 0;
            naive += naiveRejects ? 1 : 0;
        }
        double tolerance = RateRatioSimulationTest.tolerance(alpha, runs);
        assertThat(spent / (double) runs).isLessThanOrEqualTo(tolerance);
        // the same looks each at level α inflate false rejections: the check above is able to fail
        assertThat(naive / (double) runs).isGreaterThan(tolerance);
    }

    /**
     * P(U ≥ u) under H0, U counting pairs with x above y: every choice of the y sample's ranks among 1..n+m is equally
     * likely, and U = n·m − (the y ranks' sum − m(m+1)/2).
     */
    private static double exactUpperTail(double u, int n, int m) {
        long[] atLeastAndAll = new long[2];
        enumerate(1, n + m, m, 0, (rankSum) -> {
            double uy = rankSum - m * (m + 1) / 2.0;
            atLeastAndAll[0] += n * m - uy >= u ? 1 : 0;
            atLeastAndAll[1]++;
        });
        return atLeastAndAll[0] / (double) atLeastAndAll[1];
    }

    private static void enumerate(int next, int last, int left, int rankSum, IntConsumer each) {
        if (left == 0) {
            each.accept(rankSum);
            return;
        }
        for (int r = next; r <= last - left + 1; r++) {
            enumerate(r + 1, last, left - 1, rankSum + r, each);
        }
    }
}
