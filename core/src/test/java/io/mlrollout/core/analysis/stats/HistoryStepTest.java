package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;

class HistoryStepTest {

    private static final int MINUTES = 60;

    @Test
    void theSplitIsWhereTheRateChangedWithTheLikelihoodRatioAsItsSignificance() {
        double[] bad = new double[MINUTES];
        double[] total = new double[MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            total[i] = 1000;
            bad[i] = i < 20 ? 10 : 20;
        }

        HistoryStep step = HistoryStep.find(bad, total, 3).orElseThrow();

        assertThat(step.index()).isEqualTo(20);
        assertThat(step.factor()).isCloseTo(2, within(1e-12));
        // 2 [200 ln 0.01 + 800 ln 0.02 − 1000 ln(1000 / 60000)], over a dispersion of 0 taken as 1
        assertThat(step.significance()).isCloseTo(87.39, within(0.01));
        assertThat(step.standsOut()).isTrue();
    }

    @Test
    void aBurstAtEitherEndIsNotASplitAndCountsWithoutBadEventsOnBothSidesHaveNone() {
        double[] total = new double[10];
        Arrays.fill(total, 1000);
        double[] burstAtTheEnd = {10, 10, 10, 10, 10, 10, 10, 10, 10, 90};

        // the split nearest the burst that leaves three minutes after it, not the burst's own minute
        assertThat(HistoryStep.find(burstAtTheEnd, total, 3).orElseThrow().index())
                .isEqualTo(7);
        assertThat(HistoryStep.find(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 5}, total, 3))
                .isEmpty();
    }

    /**
     * Hours that only wander must rarely hold a step that stands out: each version's minutes independent Poisson, with
     * a CV of 50% (the envelope), and drifting at the envelope (CV 50%, lag-one correlation 0.6), at 5, 50 and 500 bad
     * events a minute. Such an hour's largest excursion, taken for a step, would make it look calmer than it is.
     */
    @Test
    void hoursThatOnlyWanderRarelyHoldAStepThatStandsOut() {
        int hours = 2000;
        UniformRandomProvider rng = Sequential.rng(211);
        for (double[] wander : new double[][] {{0, 0}, {0.5, 0}, {0.5, 0.6}}) {
            for (double perMinute : new double[] {5, 50, 500}) {
                double[] significance = new double[hours];
                int standOut = 0;
                for (int h = 0; h < hours; h++) {
                    DriftingRate rate = new DriftingRate(wander[0], wander[1], rng);
                    Optional<HistoryStep> step = stepOfAnHour(rng, perMinute, i -> rate.next());
                    significance[h] = step.map(HistoryStep::significance).orElse(0.0);
                    standOut += step.filter(HistoryStep::standsOut).isPresent() ? 1 : 0;
                }
                Arrays.sort(significance);
                System.out.printf(
                        "wander CV %.0f%%, correlation %.1f, %.0f bad a minute: best split's significance median"
                                + " %.1f, 99th percentile %.1f; %d of %d hours stand out%n",
                        100 * wander[0],
                        wander[1],
                        perMinute,
                        significance[hours / 2],
                        significance[hours * 99 / 100],
                        standOut,
                        hours);
                assertThat(standOut).isLessThanOrEqualTo(hours / 100);
            }
        }
    }

    /** A doubling of the rate at minute 30 of an hour of Poisson minutes stands out and is placed where it happened. */
    @Test
    void aDoublingStandsOutAndIsPlacedWhereItHappened() {
        int hours = 1000;
        UniformRandomProvider rng = Sequential.rng(223);
        for (double perMinute : new double[] {5, 50}) {
            int standOut = 0;
            int placed = 0;
            for (int h = 0; h < hours; h++) {
                Optional<HistoryStep> step = stepOfAnHour(rng, perMinute, i -> i < 30 ? 1 : 2);
                standOut += step.filter(HistoryStep::standsOut).isPresent() ? 1 : 0;
                placed += step.filter(s -> Math.abs(s.index() - 30) <= 2).isPresent() ? 1 : 0;
            }
            System.out.printf(
                    "a doubling at minute 30, %.0f bad a minute before it: %d of %d stand out, %d placed within two"
                            + " minutes%n",
                    perMinute, standOut, hours, placed);
            if (perMinute >= 50) {
                assertThat(standOut).isEqualTo(hours);
                assertThat(placed).isGreaterThanOrEqualTo(hours * 99 / 100);
            } else {
                assertThat(standOut).isLessThan(hours); // 5 a minute is too few to tell a step from chance every hour
                assertThat(placed).isGreaterThanOrEqualTo(hours * 2 / 3);
            }
        }
    }

    private static Optional<HistoryStep> stepOfAnHour(
            UniformRandomProvider rng, double perMinute, java.util.function.IntToDoubleFunction factor) {
        double[] bad = new double[MINUTES];
        double[] total = new double[MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            total[i] = 1000;
            bad[i] = PoissonDistribution.of(perMinute * factor.applyAsDouble(i))
                    .createSampler(rng)
                    .sample();
        }
        return HistoryStep.find(bad, total, 3);
    }
}
