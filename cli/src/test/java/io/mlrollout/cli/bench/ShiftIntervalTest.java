package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.core.analysis.stats.HodgesLehmann;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.junit.jupiter.api.Test;

/** The Kayenta-style interval, checked against commons-statistics' rank-sum test and the order-statistic formula. */
class ShiftIntervalTest {

    private static final NormalDistribution Z = NormalDistribution.of(0, 1);

    @Test
    void theShortcutSaysTheLowerBoundIsAtMostZeroOnlyWhenTheSearchFindsItSo() {
        SplittableRandom random = new SplittableRandom(31);
        int shortcuts = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int n = 1 + random.nextInt(40);
            int m = 1 + random.nextInt(40);
            double shift = random.nextDouble() * 0.6 - 0.1;
            double[] x = sorted(random.doubles(n)
                    .map(v -> Math.round((v + shift) * 50) / 50.0)
                    .toArray());
            double[] y =
                    sorted(random.doubles(m).map(v -> Math.round(v * 50) / 50.0).toArray());
            boolean shortcut = ShiftInterval.lowerAtMostZero(x, y, 0.98);
            double lower = ShiftInterval.lower(x, y, 0.98);
            if (shortcut) {
                shortcuts++;
                // the search stops within a billionth of the range of differences of the root
                double range = (x[n - 1] - y[0]) - (x[0] - y[m - 1]);
                assertThat(lower).as("trial %d", trial).isLessThanOrEqualTo(range * 1e-9);
            }
        }
        assertThat(shortcuts).isBetween(300, 2900);
    }

    @Test
    void standardizedStatisticMatchesCommonsNormalApproximationWithTiesAndShifts() {
        SplittableRandom random = new SplittableRandom(3);
        int compared = 0;
        for (int trial = 0; trial < 200; trial++) {
            // values on a coarse grid so that many are tied, as error ratios of quiet minutes are
            double[] x = grid(random, 2 + random.nextInt(20), 8);
            double[] y = grid(random, 2 + random.nextInt(20), 8);
            double shift = random.nextInt(5) - 2;
            double ours = ShiftInterval.standardized(sorted(x), sorted(y), shift);
            MannWhitneyUTest.Result commons = MannWhitneyUTest.withDefaults()
                    .with(AlternativeHypothesis.TWO_SIDED)
                    .with(PValueMethod.ASYMPTOTIC)
                    .with(ContinuityCorrection.ENABLED)
                    .withMu(shift)
                    .test(x, y);
            double centred = commons.getStatistic() - x.length * y.length / 2.0;
            if (Double.isNaN(ours) || Math.abs(centred) <= 0.5) {
                continue; // no spread, or inside the continuity correction where both report no difference
            }
            double expected = Math.signum(centred) * Z.inverseCumulativeProbability(1 - commons.getPValue() / 2);
            assertThat(ours).as("trial %d", trial).isCloseTo(expected, within(1e-6));
            compared++;
        }
        assertThat(compared).isGreaterThan(100);
    }

    @Test
    void lowerBoundIsTheOrderStatisticOfPairwiseDifferencesWithoutTies() {
        // Without ties, W(d) = #{x_i − y_j > d}; the bound is D_(k), k = ⌈nm/2 + ½ − z·σ⌉ − 1, σ² = nm(n + m + 1)/12
        // (Hollander & Wolfe's large-sample interval), or the smallest difference when k < 1.
        SplittableRandom random = new SplittableRandom(5);
        double z = Z.inverseCumulativeProbability(0.99);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + random.nextInt(25);
            int m = 1 + random.nextInt(25);
            double[] x = continuous(random, n, 0.5);
            double[] y = continuous(random, m, 0);
            double[] differences = differences(x, y);
            double sigma = Math.sqrt(n * m * (n + m + 1) / 12.0);
            int k = (int) Math.ceil(n * m / 2.0 + 0.5 - z * sigma) - 1;
            double expected = differences[Math.max(1, k) - 1];
            assertThat(ShiftInterval.lower(x, y, 0.98))
                    .as("n=%d m=%d k=%d", n, m, k)
                    .isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    void estimateSitsAtTheHodgesLehmannMedianOfPairwiseDifferences() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 100; trial++) {
            double[] x = continuous(random, 2 + random.nextInt(20), 1);
            double[] y = continuous(random, 2 + random.nextInt(20), 0);
            double[] differences = differences(x, y);
            int middle = differences.length / 2;
            double below = differences[Math.max(0, middle - 1)];
            double above = differences[Math.min(differences.length - 1, middle + 1)];
            double estimate = ShiftInterval.estimate(x, y);
            assertThat(estimate).isBetween(below - 1e-9, above + 1e-9);
            assertThat(Math.abs(estimate - HodgesLehmann.shift(x, y))).isLessThanOrEqualTo(above - below + 1e-9);
        }
    }

    @Test
    void tooFewValuesGiveTheWholeRangeAndNoEstimate() {
        // two values each, fully separated: no shift reaches z = 2.33, so the interval is all pairwise differences
        assertThat(ShiftInterval.lower(new double[] {5, 6}, new double[] {1, 2}, 0.98))
                .isEqualTo(3);
        assertThat(ShiftInterval.estimate(new double[] {5}, new double[] {1})).isNaN();
        assertThat(ShiftInterval.lower(new double[] {1}, new double[] {1}, 0.98))
                .isNaN();
    }

    private static double[] grid(SplittableRandom random, int count, int levels) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextInt(levels);
        }
        return values;
    }

    private static double[] continuous(SplittableRandom random, int count, double location) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = location + random.nextGaussian();
        }
        return values;
    }

    private static double[] differences(double[] x, double[] y) {
        double[] d = new double[x.length * y.length];
        int k = 0;
        for (double xi : x) {
            for (double yj : y) {
                d[k++] = xi - yj;
            }
        }
        Arrays.sort(d);
        return d;
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
