package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class ProportionBoundTestTest {

    private static final MixturePrior PRIOR = new MixturePrior(new double[] {1.5, 2, 4}, new double[] {1, 2, 1});

    @Test
    void mixtureEqualsABruteForceBinomialLikelihoodRatio() {
        ProportionBoundTest test = new ProportionBoundTest(0.01, 0.01, PRIOR);
        ProportionEvidence evidence = test.add(test.empty(), 4, 150);
        evidence = test.add(evidence, 2, 130);
        evidence = test.add(evidence, 0, 90);

        // Σ_j w_j Binomial(370, q_j).pmf(6) / Binomial(370, 0.01).pmf(6), odds(q_j) = ratio_j · odds(0.01)
        double expected = 0;
        for (int j = 0; j < 3; j++) {
            double odds = PRIOR.ratios()[j] * 0.01 / 0.99;
            double q = odds / (1 + odds);
            expected += PRIOR.weights()[j]
                    * BinomialDistribution.of(370, q).probability(6)
                    / BinomialDistribution.of(370, 0.01).probability(6);
        }
        assertThat(test.eValue(evidence)).isCloseTo(expected, within(1e-9 * expected));
        assertThat(evidence.fraction()).isCloseTo(6 / 370.0, within(1e-15));
        assertThat(evidence.intervals()).isEqualTo(3);
    }

    @Test
    void rejectsAClearBreachAndKeepsTheRejection() {
        ProportionBoundTest test = new ProportionBoundTest(0.01, 0.01);
        ProportionEvidence evidence = test.add(test.empty(), 30, 1000);
        assertThat(test.rejects(evidence)).isTrue();
        double pValue = test.pValue(evidence);
        assertThat(pValue).isLessThanOrEqualTo(0.01);

        evidence = test.add(evidence, 20, 10000);
        assertThat(test.eValue(evidence)).isLessThan(100);
        assertThat(test.rejects(evidence)).isTrue();
        assertThat(test.pValue(evidence)).isEqualTo(pValue);
    }

    @Test
    void atTheBoundRunsRejectAtMostAlpha() {
        double alpha = 0.05;
        int runs = 2000;
        // Traffic's theta scales the canary's bad rate from the 1% baseline: theta 1 puts it exactly at the bound
        int[] result = Sequential.run(
                Sequential.bound(new ProportionBoundTest(0.01, alpha)),
                new Traffic(20, 0.25, 0.01),
                1.0,
                60,
                runs,
                201);
        assertThat(RateRatioSimulationTest.rejected(result))
                .isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(alpha, runs));
    }

    @Test
    void twiceTheBoundAtMediumTrafficIsCaught() {
        int[] result = Sequential.run(
                Sequential.bound(new ProportionBoundTest(0.01, 0.0025)),
                new Traffic(20, 0.25, 0.01),
                2.0,
                60,
                500,
                203);
        assertThat(RateRatioSimulationTest.rejected(result)).isGreaterThanOrEqualTo(0.95);
    }

    /**
     * A canary whose rate sits at the bound but wanders minute to minute (CV 50%, gamma) at high traffic, with ×5
     * bursts one minute in sixty: the test that allows for the envelope stays within its α, the one assuming
     * independent events does not.
     */
    @Test
    void atTheBoundWithWanderingRatesTheEnvelopeKeepsAlpha() {
        double alpha = 0.01;
        int runs = 1000;
        Traffic wandering = new Traffic(200, 0.25, 0.01).wandering(0.5, 1.0 / 60);
        int[] robust = Sequential.run(
                Sequential.bound(new ProportionBoundTest(0.01, alpha, MixturePrior.calibrated(), 0.5)),
                wandering,
                1.0,
                60,
                runs,
                211);
        int[] independent =
                Sequential.run(Sequential.bound(new ProportionBoundTest(0.01, alpha)), wandering, 1.0, 60, runs, 211);
        System.out.printf(
                "at the bound, CV 50%% + bursts, 200 req/s: rejected %.2f%% (independent-events test %.1f%%)%n",
                100 * RateRatioSimulationTest.rejected(robust), 100 * RateRatioSimulationTest.rejected(independent));
        assertThat(RateRatioSimulationTest.rejected(robust))
                .isLessThanOrEqualTo(RateRatioSimulationTest.tolerance(alpha, runs));
        assertThat(RateRatioSimulationTest.rejected(independent)).isGreaterThan(2 * alpha);
    }

    @Test
    void twiceTheBoundIsStillCaughtWhenRatesMayWander() {
        int[] result = Sequential.run(
                Sequential.bound(new ProportionBoundTest(0.01, 0.0025, MixturePrior.calibrated(), 0.5)),
                new Traffic(20, 0.25, 0.01),
                2.0,
                60,
                500,
                213);
        assertThat(RateRatioSimulationTest.rejected(result)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aStateSavedBeforeTheSumsWereKeptResumesFromItsPooledCounts() {
        ProportionBoundTest test = new ProportionBoundTest(0.01, 0.01);
        ProportionEvidence now = test.add(test.add(test.empty(), 4, 150), 2, 130);
        ProportionEvidence saved = new ProportionEvidence(0.01, 6, 280, 2, now.maxLogEValue(), null);

        assertThat(test.eValue(saved)).isCloseTo(test.eValue(now), within(1e-9));
        assertThat(test.eValue(test.add(saved, 1, 100))).isCloseTo(test.eValue(test.add(now, 1, 100)), within(1e-9));
    }

    @Test
    void refusesBadInputNamingTheField() {
        ProportionBoundTest test = new ProportionBoundTest(0.01, 0.01);
        assertThatThrownBy(() -> test.add(test.empty(), 3, 2)).hasMessageContaining("bad (3.0) exceeds total (2.0)");
        assertThatThrownBy(() -> test.add(test.empty(), -1, 2)).hasMessageContaining("bad");
        assertThatThrownBy(() -> new ProportionBoundTest(1, 0.01)).hasMessageContaining("maxFraction");
        assertThatThrownBy(() -> new ProportionBoundTest(0.02, 0.01).add(test.empty(), 0, 1))
                .hasMessageContaining("maxFraction 0.01");
    }
}
