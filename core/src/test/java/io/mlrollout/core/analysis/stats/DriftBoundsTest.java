package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

class DriftBoundsTest {

    private static final double LEVEL = 0.01;

    @Test
    void aShareNeverSeenIsBoundedByTheExactChernoffLimit() {
        // KL(0 ‖ p) = −ln(1 − p), so n·KL = ln(1/δ) at p = 1 − δ^(1/n); for all events seen, the mirror image.
        double[] none = DriftBounds.share(0, 50, 0.001);
        double[] all = DriftBounds.share(50, 50, 0.001);

        assertThat(none[0]).isZero();
        assertThat(none[1]).isCloseTo(1 - Math.pow(0.001, 1 / 50.0), within(1e-12));
        assertThat(all[0]).isCloseTo(Math.pow(0.001, 1 / 50.0), within(1e-12));
        assertThat(all[1]).isEqualTo(1);
    }

    @Test
    void theChernoffIntervalSolvesTheRelativeEntropyOnBothSides() {
        double[] interval = DriftBounds.share(30, 100, 0.01);
        double allowed = Math.log(100) / 100;

        assertThat(DriftBounds.bernoulliKl(0.3, interval[0])).isCloseTo(allowed, within(1e-9));
        assertThat(DriftBounds.bernoulliKl(0.3, interval[1])).isCloseTo(allowed, within(1e-9));
        assertThat(interval[0]).isLessThan(0.3);
        assertThat(interval[1]).isGreaterThan(0.3);
        // KL(½ ‖ ¼) = ½·ln 2 + ½·ln(2/3) = ½·ln(4/3)
        assertThat(DriftBounds.bernoulliKl(0.5, 0.25)).isCloseTo(0.5 * Math.log(4.0 / 3), within(1e-12));
    }

    @Test
    void disjointHistogramsHaveExactBoundsInTwoBuckets() {
        int n = 40;
        double[] candidate = {n, 0};
        double[] baseline = {0, n};
        // KS: one bound, four sides; the candidate's share below it is at least q, the baseline's at most 1 − q.
        double qKs = Math.pow(LEVEL / 4, 1.0 / n);
        // PSI: two buckets, eight sides; both buckets give the term of shares q against 1 − q.
        double qPsi = Math.pow(LEVEL / 8, 1.0 / n);

        assertThat(DriftBounds.ks(candidate, baseline, LEVEL).lower()).isCloseTo(2 * qKs - 1, within(1e-12));
        assertThat(DriftBounds.ks(candidate, baseline, LEVEL).upper()).isEqualTo(1);
        assertThat(DriftBounds.psi(candidate, baseline, LEVEL).lower())
                .isCloseTo(2 * (2 * qPsi - 1) * Math.log(qPsi / (1 - qPsi)), within(1e-9));
        assertThat(DriftBounds.psi(candidate, baseline, LEVEL).upper()).isFinite();
    }

    @Test
    void identicalHistogramsShowNoDriftAndTheUpperBoundShrinksWithTheEvents() {
        double[] shares = ScoreTraffic.betaBuckets(2, 5);
        DriftBounds.Interval fewPsi = DriftBounds.psi(scaled(shares, 1_000), scaled(shares, 5_000), LEVEL);
        DriftBounds.Interval manyPsi = DriftBounds.psi(scaled(shares, 100_000), scaled(shares, 500_000), LEVEL);
        DriftBounds.Interval fewKs = DriftBounds.ks(scaled(shares, 1_000), scaled(shares, 5_000), LEVEL);
        DriftBounds.Interval manyKs = DriftBounds.ks(scaled(shares, 100_000), scaled(shares, 500_000), LEVEL);

        assertThat(fewPsi.lower()).isZero();
        assertThat(fewKs.lower()).isZero();
        assertThat(manyPsi.upper()).isLessThan(fewPsi.upper() / 10);
        assertThat(manyKs.upper()).isLessThan(fewKs.upper() / 5).isLessThan(0.01);
    }

    @Test
    void aBucketOnlyOneVersionUsesKeepsTheUpperBoundOnPsiFinite() {
        DriftBounds.Interval psi = DriftBounds.psi(new double[] {500, 500, 0}, new double[] {500, 490, 10}, LEVEL);

        assertThat(psi.upper()).isFinite().isGreaterThan(psi.lower());
    }

    @Test
    void refusesALevelOutsideZeroToOneAndHistogramsThatDoNotMatch() {
        assertThatThrownBy(() -> DriftBounds.ks(new double[] {1, 2}, new double[] {1, 2}, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("level");
        assertThatThrownBy(() -> DriftBounds.psi(new double[] {1, 2}, new double[] {1, 2, 3}, LEVEL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same buckets");
    }

    // Simulation at the null boundary: the candidate's scores are exactly at the bound for every kind of input, so
    // the pooled drift is at the bound (KS) or at most at it (PSI, which is convex). A stage of ten looks spends
    // α = 5% over them; the rejection rate must stay within α, also when the input mix and the traffic change
    // from minute to minute (CV 100%: far more overdispersed than the multinomial).

    private static final double ALPHA = 0.05;
    private static final int LOOKS = 10;
    private static final double BOUND = 0.1;

    private static final double[] KIND_A = ScoreTraffic.betaBuckets(2, 5);
    private static final double[] KIND_B = ScoreTraffic.betaBuckets(5, 2);

    @Test
    void theKsTestRejectsWithinItsLevelAtTheBoundWithAFixedMix() {
        assertThat(rejectionRate(ksBoundary(0), DriftBounds::ks, 1000, 11)).isLessThanOrEqualTo(ALPHA);
    }

    @Test
    void theKsTestRejectsWithinItsLevelAtTheBoundWhenTheMixWandersFromMinuteToMinute() {
        assertThat(rejectionRate(ksBoundary(1), DriftBounds::ks, 1000, 12)).isLessThanOrEqualTo(ALPHA);
    }

    @Test
    void thePsiTestRejectsWithinItsLevelAtTheBoundWithAFixedMix() {
        assertThat(rejectionRate(psiBoundary(0), DriftBounds::psi, 1000, 13)).isLessThanOrEqualTo(ALPHA);
    }

    @Test
    void thePsiTestRejectsWithinItsLevelAtTheBoundWhenTheMixWandersFromMinuteToMinute() {
        assertThat(rejectionRate(psiBoundary(1), DriftBounds::psi, 1000, 14)).isLessThanOrEqualTo(ALPHA);
    }

    @Test
    void aClearShiftIsCaughtWithinTheStage() {
        // Kind A's scores from Beta(3, 5) instead of Beta(2, 5), kind B's unchanged, with the mix wandering: a KS
        // distance of 0.16 over both kinds (0.23 in kind A alone).
        double[] shifted = ScoreTraffic.betaBuckets(3, 5);
        ScoreTraffic traffic = new ScoreTraffic(KIND_A, KIND_B, shifted, KIND_B, 3000, 0.2, true, 0.3, 0.5);

        assertThat(rejectionRate(traffic, DriftBounds::ks, 200, 15)).isGreaterThan(0.9);
    }

    @Test
    void aClearShiftInEveryKindIsCaughtByThePsiTestWithinTheStage() {
        // Both kinds' scores tilted up to a PSI of 0.8 each: 0.41 over both kinds.
        ScoreTraffic traffic = new ScoreTraffic(
                KIND_A,
                KIND_B,
                ScoreTraffic.tiltedToPsi(KIND_A, 0.8),
                ScoreTraffic.tiltedToPsi(KIND_B, 0.8),
                3000,
                0.2,
                true,
                0.3,
                0.5);

        assertThat(rejectionRate(traffic, DriftBounds::psi, 200, 16)).isGreaterThan(0.9);
    }

    private static ScoreTraffic ksBoundary(double mixCv) {
        // Bucket 4 ends at 0.5: a tenth of each kind's mass moved above it.
        return new ScoreTraffic(
                KIND_A,
                KIND_B,
                ScoreTraffic.shiftedAbove(KIND_A, 4, BOUND),
                ScoreTraffic.shiftedAbove(KIND_B, 4, BOUND),
                3000,
                0.2,
                true,
                0.3,
                mixCv);
    }

    private static ScoreTraffic psiBoundary(double mixCv) {
        return new ScoreTraffic(
                KIND_A,
                KIND_B,
                ScoreTraffic.tiltedToPsi(KIND_A, BOUND),
                ScoreTraffic.tiltedToPsi(KIND_B, BOUND),
                3000,
                0.2,
                true,
                0.3,
                mixCv);
    }

    /** One of the two drift measures' bounds. */
    private interface Bounds {
        DriftBounds.Interval of(double[] candidate, double[] baseline, double level);
    }

    /** Share of the stages of ten looks in which the lower bound went beyond {@link #BOUND} at some look. */
    private static double rejectionRate(ScoreTraffic traffic, Bounds bounds, int stages, long seed) {
        UniformRandomProvider rng = new SplittableRandom(seed)::nextLong;
        AlphaSpending spending = AlphaSpending.of(ALPHA, LOOKS);
        int rejected = 0;
        for (int stage = 0; stage < stages; stage++) {
            double[] candidate = new double[KIND_A.length];
            double[] baseline = new double[KIND_A.length];
            for (int look = 1; look <= LOOKS; look++) {
                ScoreTraffic.Minute minute = traffic.minute(rng);
                add(candidate, minute.candidate());
                add(baseline, minute.baseline());
                if (sum(candidate) > 0
                        && sum(baseline) > 0
                        && bounds.of(candidate, baseline, spending.levelAt(look))
                                        .lower()
                                > BOUND) {
                    rejected++;
                    break;
                }
            }
        }
        return (double) rejected / stages;
    }

    private static void add(double[] sums, double[] counts) {
        for (int i = 0; i < sums.length; i++) {
            sums[i] += counts[i];
        }
    }

    private static double sum(double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        return total;
    }

    private static double[] scaled(double[] shares, double events) {
        double[] counts = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            counts[i] = Math.round(shares[i] * events);
        }
        return counts;
    }
}
