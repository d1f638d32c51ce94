package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.core.analysis.stats.RateRatioEvidence.ScaleFreeSums.Share;
import io.mlrollout.core.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;

class RateRatioTestTest {

    private static final MixturePrior PRIOR =
            new MixturePrior(new double[] {1.2, 1.5, 2, 3}, new double[] {0.1, 0.2, 0.3, 0.4});

    /** Interval counts {canaryBad, canaryTotal, baselineBad, baselineTotal}: the canary's share changes. */
    private static final int[][] INTERVALS = {
        {3, 120, 20, 2280}, {1, 95, 31, 2300}, {9, 600, 14, 1800}, {0, 610, 22, 1790}, {17, 1200, 10, 1210}
    };

    @Test
    void mixtureEqualsABruteForceProductOfBinomialProbabilities() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, PRIOR, 0);
        RateRatioEvidence evidence = test.empty();
        for (int[] c : INTERVALS) {
            evidence = test.add(evidence, c[0], c[1], c[2], c[3]);
        }

        // Independently: Σ_j w_j Π_i Binomial(k_i, p_i(θ_j)).pmf(x_i) / Binomial(k_i, p_i(θ0)).pmf(x_i), with the
        // model's p_i(θ) = θ s_i / (θ s_i + 1 − s_i) and θ_j = θ0 · ratio_j.
        double expected = 0;
        for (int j = 0; j < PRIOR.ratios().length; j++) {
            double theta = 1.1 * PRIOR.ratios()[j];
            double product = 1;
            for (int[] c : INTERVALS) {
                int k = c[0] + c[2];
                double share = c[1] / (double) (c[1] + c[3]);
                product *= BinomialDistribution.of(k, p(theta, share)).probability(c[0])
                        / BinomialDistribution.of(k, p(1.1, share)).probability(c[0]);
            }
            expected += PRIOR.weights()[j] * product;
        }
        assertThat(test.eValue(evidence)).isCloseTo(expected, within(1e-9 * expected));
        assertThat(evidence.intervals()).isEqualTo(INTERVALS.length);
    }

    /**
     * A boundary moved interval by interval (a latency margin following the baseline's level) is each interval's own
     * null: the brute-force product with θ0 · f_i in interval i, the alternatives the prior's multiples of it.
     */
    @Test
    void aBoundaryThatMovesIntervalByIntervalIsEachIntervalsNull() {
        double[] factors = {1, 1.1, 0.9, 1.05, 1.2};
        RateRatioTest test = new RateRatioTest(1.1, 0.01, PRIOR, 0);
        RateRatioEvidence evidence = test.empty();
        for (int i = 0; i < INTERVALS.length; i++) {
            int[] c = INTERVALS[i];
            evidence = test.add(evidence, c[0], c[1], c[2], c[3], factors[i]);
        }

        double expected = 0;
        for (int j = 0; j < PRIOR.ratios().length; j++) {
            double product = 1;
            for (int i = 0; i < INTERVALS.length; i++) {
                int[] c = INTERVALS[i];
                double boundary = 1.1 * factors[i];
                int k = c[0] + c[2];
                double share = c[1] / (double) (c[1] + c[3]);
                product *= BinomialDistribution.of(k, p(boundary * PRIOR.ratios()[j], share))
                                .probability(c[0])
                        / BinomialDistribution.of(k, p(boundary, share)).probability(c[0]);
            }
            expected += PRIOR.weights()[j] * product;
        }
        assertThat(test.eValue(evidence)).isCloseTo(expected, within(1e-9 * expected));
        assertThat(evidence.canaryTotal()).as("counts pooled as they came").isEqualTo(120 + 95 + 600 + 610 + 1200);
        assertThatThrownBy(() -> test.add(test.empty(), 1, 10, 1, 10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("boundaryFactor");
    }

    /**
     * An hour that stepped and also drifts is not calm on either side of its step, so it is learned as it came; around
     * the step it shows the drift alone, and a test that keeps only that drift knows nothing of its rate.
     */
    @Test
    void aHistoryThatDriftsBeyondItsStepIsLearnedAroundTheStep() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        double[] bad = new double[60];
        double[] total = new double[60];
        for (int i = 0; i < 60; i++) {
            total[i] = 10_000;
            bad[i] = 100 * (i < 30 ? 1 : 2) * ((i / 5) % 2 == 0 ? 1.1 : 0.9); // a step, and spells of five intervals
        }

        RateRatioTest.LearnedHistory asItCame = test.learnBaselineHistory(test.empty(), bad, total);
        RateRatioEvidence around = test.learnedAroundAnyStep(test.empty(), bad, total);
        RateRatioEvidence driftOnly = test.emptyKnowingTheBaselinesDrift(around);

        assertThat(asItCame.step()).as("not calm on either side").isNull();
        assertThat(around.baselineSerial().excess())
                .isPositive()
                .isLessThan(asItCame.evidence().baselineSerial().excess() / 2);
        assertThat(driftOnly.baselineSerial()).isEqualTo(around.baselineSerial());
        assertThat(driftOnly.recent().baselineTotal()).isZero();
        assertThat(driftOnly.intervals()).isZero();
        assertThat(test.startsFromTheBaselinesWander(driftOnly)).isFalse();
    }

    @Test
    void fractionalCountsEnterAsRealExponents() {
        // With one alternative the likelihood ratio is LR(x, y)^c when every count is multiplied by c.
        // α tiny, so that the per-interval cap (a quarter of log 1/α) is far above this interval's evidence
        RateRatioTest test = new RateRatioTest(1.0, 1e-12, MixturePrior.logSpaced(2, 2, 1), 0);
        RateRatioEvidence whole = test.add(test.empty(), 8, 100, 10, 300);
        RateRatioEvidence scaled = test.add(test.empty(), 8 * 1.37, 100 * 1.37, 10 * 1.37, 300 * 1.37);

        assertThat(Math.log(test.eValue(scaled))).isCloseTo(1.37 * Math.log(test.eValue(whole)), within(1e-9));
    }

    /**
     * Before any evidence the statistic is an e-value of one: the scale-free part's share of α is not yet decided, and
     * until it is the count mixture and bets hold all of it. Without an hour that showed the baseline calm, the first
     * interval with traffic on both versions waives the share, and the statistic stays at one.
     */
    @Test
    void startsWithoutEvidenceAndIgnoresIntervalsWithoutInformation() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence evidence = test.empty();
        assertThat(test.eValue(evidence)).isEqualTo(1.0);
        assertThat(test.pValue(evidence)).isEqualTo(1.0);
        assertThat(evidence.scaleFree().share()).isEqualTo(Share.UNDECIDED);
        RateRatioTest poissonOnly = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0);
        assertThat(poissonOnly.eValue(poissonOnly.empty())).isEqualTo(1.0);
        assertThat(poissonOnly.empty().scaleFree().share()).isEqualTo(Share.WAIVED);

        evidence = test.add(evidence, 0, 500, 0, 1500); // no bad events
        evidence = test.add(evidence, 0, 0, 12, 1500); // no canary traffic
        evidence = test.add(evidence, 3, 200, 0, 0); // no baseline traffic

        assertThat(test.eValue(evidence)).isEqualTo(1.0);
        assertThat(evidence.scaleFree().looks()).isZero();
        assertThat(evidence.scaleFree().share()).isEqualTo(Share.WAIVED);
        assertThat(evidence.intervals()).isEqualTo(3);
        assertThat(test.rejects(evidence)).isFalse();
    }

    @Test
    void aClearRegressionRejectsAndTheRejectionSticks() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence evidence = test.empty();
        for (int i = 0; i < 8; i++) {
            evidence = test.add(evidence, 40, 1000, i % 2 == 0 ? 8 : 12, 1000);
        }
        assertThat(test.eValue(evidence)).isGreaterThanOrEqualTo(100);
        assertThat(test.rejects(evidence)).isTrue();
        double pValue = test.pValue(evidence);
        assertThat(pValue).isCloseTo(1 / test.eValue(evidence), within(1e-12));

        // a long good stretch drives the e-value back down, yet the look that crossed 1/α stays a rejection
        for (int i = 0; i < 20; i++) {
            evidence = test.add(evidence, 10, 1000, 10, 1000);
        }
        assertThat(test.eValue(evidence)).isLessThan(100);
        assertThat(test.rejects(evidence)).isTrue();
        assertThat(test.pValue(evidence)).isEqualTo(pValue);
    }

    @Test
    void oneIntervalCarriesAtMostAQuarterOfTheEvidenceARejectionNeeds() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0);
        RateRatioEvidence burst = test.add(test.empty(), 500, 1000, 10, 1000); // 50× the baseline in one minute

        assertThat(Math.log(test.eValue(burst))).isLessThanOrEqualTo(0.25 * Math.log(100) + 1e-12);
        assertThat(test.rejects(burst)).isFalse();
    }

    @Test
    void whereTheBaselineDriftsOneIntervalCarriesLessOfARejection() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence steady = test.empty();
        RateRatioEvidence drifting = test.empty();
        for (int i = 0; i < 60; i++) {
            steady = test.learnBaseline(steady, 40, 4000);
            drifting = test.learnBaseline(drifting, (i / 6) % 2 == 0 ? 70 : 10, 4000); // six minutes high, six low
        }
        double steadyBurst = largestGainOfABurstAfter(test, steady);
        double driftingBurst = largestGainOfABurstAfter(test, drifting);

        assertThat(steadyBurst).isGreaterThan(0.2 * Math.log(100)).isLessThanOrEqualTo(0.25 * Math.log(100));
        assertThat(driftingBurst).isGreaterThan(0.1 * Math.log(100)).isLessThanOrEqualTo(0.15 * Math.log(100));
    }

    @Test
    void afterAQuietHourTheSecondIntervalAtTheCapInARowCarriesHalfARejection() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence quiet = anHourOf(test, i -> 100);
        RateRatioEvidence jittering = anHourOf(test, i -> i % 2 == 0 ? 130 : 70); // a CV of 30%, not drifting
        double quarter = 0.25 * Math.log(100);

        RateRatioEvidence afterOneBurst = test.add(test.add(quiet, 10, 1000, 10, 1000), 500, 1000, 10, 1000);
        assertThat(afterOneBurst.lastIntervalAtTheCap()).isTrue();
        assertThat(largestGain(test, afterOneBurst, 500, 1000, 10, 1000))
                .isGreaterThan(1.8 * quarter)
                .isLessThanOrEqualTo(2 * quarter);
        // a burst after a calm interval carries a quarter, as one after an hour that wanders more does
        assertThat(largestGainOfABurstAfter(test, quiet))
                .isGreaterThan(0.8 * quarter)
                .isLessThanOrEqualTo(quarter);
        assertThat(test.startsFromTheBaselinesWander(jittering)).isTrue(); // calm, but not quiet
        RateRatioEvidence jitteringBurst = test.add(test.add(jittering, 10, 1000, 10, 1000), 500, 1000, 10, 1000);
        assertThat(largestGain(test, jitteringBurst, 500, 1000, 10, 1000)).isLessThanOrEqualTo(quarter);
        // an interval that carried less resets it
        assertThat(test.add(afterOneBurst, 10, 1000, 10, 1000).lastIntervalAtTheCap())
                .isFalse();
    }

    /**
     * A minute without traffic, or without a bad event, carries no evidence, so it leaves the run of intervals at the
     * cap as it was: at low traffic (one minute in five empty) it would otherwise keep the second strong minute from its
     * half as often as not.
     */
    @Test
    void anIntervalWithoutEvidenceLeavesTheRunAtTheCapAsItWas() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence quiet = anHourOf(test, i -> 100);
        double quarter = 0.25 * Math.log(100);
        RateRatioEvidence afterOneBurst = test.add(test.add(quiet, 10, 1000, 10, 1000), 500, 1000, 10, 1000);

        RateRatioEvidence afterAnEmptyMinute = test.add(afterOneBurst, 0, 0, 0, 0);
        RateRatioEvidence afterAMinuteWithoutErrors = test.add(afterOneBurst, 0, 1000, 0, 1000);

        for (RateRatioEvidence afterTheGap : List.of(afterAnEmptyMinute, afterAMinuteWithoutErrors)) {
            assertThat(afterTheGap.lastIntervalAtTheCap()).isTrue();
            assertThat(largestGain(test, afterTheGap, 500, 1000, 10, 1000))
                    .isGreaterThan(1.8 * quarter)
                    .isLessThanOrEqualTo(2 * quarter);
        }
        // before any interval at the cap, a gap starts no run
        assertThat(test.add(test.add(quiet, 10, 1000, 10, 1000), 0, 0, 0, 0).lastIntervalAtTheCap())
                .isFalse();
    }

    @Test
    void whetherTheLastIntervalWasAtTheCapSurvivesTheStatesJsonAndStatesSavedBeforeReadFalse() throws Exception {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence atTheCap = test.add(test.add(test.empty(), 10, 1000, 10, 1000), 500, 1000, 10, 1000);
        String json = Json.mapper().writeValueAsString(atTheCap);

        assertThat(atTheCap.lastIntervalAtTheCap()).isTrue();
        assertThat(Json.mapper().readValue(json, RateRatioEvidence.class)).isEqualTo(atTheCap);
        String savedBefore = json.replace(",\"lastIntervalAtTheCap\":true", "");
        assertThat(savedBefore).isNotEqualTo(json);
        assertThat(Json.mapper().readValue(savedBefore, RateRatioEvidence.class).lastIntervalAtTheCap())
                .isFalse();
    }

    private static double largestGain(
            RateRatioTest test, RateRatioEvidence before, int canaryBad, int canaryTotal, int baselineBad, int total) {
        return Arrays.stream(gainOf(test, before, canaryBad, canaryTotal, baselineBad, total))
                .max()
                .orElseThrow();
    }

    /**
     * An hour whose rate only stepped (doubled at minute 25, steadier than Poisson on either side) is learned as calm
     * from the whole hour, with the recent rate at the new level; interval by interval, the step reads as a drift. An
     * hour that drifts (six minutes high, six low) stays a drift even with a step in it.
     */
    @Test
    void aBaselineHourThatOnlySteppedIsLearnedAsCalmAndOneThatDriftsIsNot() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        double[] total = new double[60];
        double[] stepped = new double[60];
        double[] driftingAndStepped = new double[60];
        for (int i = 0; i < 60; i++) {
            total[i] = 48_000;
            double level = i < 25 ? 1 : 2;
            stepped[i] = level * (480 + (i % 2 == 0 ? 10 : -10));
            driftingAndStepped[i] = level * ((i / 6) % 2 == 0 ? 720 : 240);
        }
        RateRatioEvidence intervalByInterval = test.empty();
        for (int i = 0; i < 60; i++) {
            intervalByInterval = test.learnBaseline(intervalByInterval, stepped[i], total[i]);
        }

        RateRatioEvidence steppedHour =
                test.learnBaselineHistory(test.empty(), stepped, total).evidence();

        assertThat(test.startsFromTheBaselinesWander(intervalByInterval)).isFalse();
        assertThat(test.startsFromTheBaselinesWander(steppedHour)).isTrue();
        assertThat(steppedHour.recent().baselineBad() / steppedHour.recent().baselineTotal())
                .isCloseTo(0.02, within(0.0005));
        assertThat(test.startsFromTheBaselinesWander(test.learnBaselineHistory(test.empty(), driftingAndStepped, total)
                        .evidence()))
                .isFalse();
    }

    /**
     * How much the most-favoured alternative's log likelihood ratio gains from one interval, after an ordinary one, in
     * which the canary has 50× the errors: the cap on one interval's share of a rejection.
     */
    private static double largestGainOfABurstAfter(RateRatioTest test, RateRatioEvidence learned) {
        RateRatioEvidence before = test.add(learned, 10, 1000, 10, 1000);
        return Arrays.stream(gainOf(test, before, 500, 1000, 10, 1000)).max().orElseThrow();
    }

    @Test
    void whereTheBaselineIsCalmACanaryThatFailsMoreDoesNotWidenItsOwnAllowanceForWander() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);

        // a calm hour with a CV of 25%: where it is quieter, a failing canary's intervals at the cap raise the next's
        double[][] calm = gainsAfterAHealthyAndAFailingCanary(test, anHourOf(test, i -> i % 2 == 0 ? 125 : 75));
        // the interval is tempered for wander at the null's boundary, which the baseline's rate alone sets
        assertThat(calm[1]).containsExactly(calm[0], within(1e-12));
        assertThat(calm[0][calm[0].length - 1]).isPositive();

        // where the baseline drifts, a canary's excursion may last: the pooled rate grows with it, and the allowance
        double[][] drifting =
                gainsAfterAHealthyAndAFailingCanary(test, anHourOf(test, i -> (i / 6) % 2 == 0 ? 130 : 70));
        assertThat(drifting[1][drifting[1].length - 1]).isLessThan(drifting[0][drifting[0].length - 1]);
        // and where it wanders beyond the envelope (a CV of about 70%), outside the model the boundary stands on
        double[][] wide = gainsAfterAHealthyAndAFailingCanary(test, anHourOf(test, i -> i % 2 == 0 ? 170 : 30));
        assertThat(wide[1][wide[1].length - 1]).isLessThan(wide[0][wide[0].length - 1]);

        // at the envelope (a CV of 51%, an estimate an hour of a baseline at 50% gives by chance), still within it
        double[][] atTheEnvelope =
                gainsAfterAHealthyAndAFailingCanary(test, anHourOf(test, i -> i % 2 == 0 ? 152 : 48));
        assertThat(atTheEnvelope[1]).containsExactly(atTheEnvelope[0], within(1e-12));
    }

    /**
     * Each alternative's gain from the same interval after two intervals of a canary at the baseline's error rate
     * ([0]), or at three times it ([1]): too few for residuals to be learned, so only the rate differs.
     */
    private static double[][] gainsAfterAHealthyAndAFailingCanary(RateRatioTest test, RateRatioEvidence hour) {
        RateRatioEvidence healthy = hour;
        RateRatioEvidence failing = hour;
        for (int i = 0; i < 2; i++) {
            healthy = test.add(healthy, 10, 1000, 30, 3000);
            failing = test.add(failing, 30, 1000, 30, 3000);
        }
        return new double[][] {gainOf(test, healthy, 20, 1000, 30, 3000), gainOf(test, failing, 20, 1000, 30, 3000)};
    }

    /** Each alternative's log likelihood ratio gain from one more interval. */
    private static double[] gainOf(
            RateRatioTest test, RateRatioEvidence before, int canaryBad, int canaryTotal, int baselineBad, int total) {
        double[] from = before.logLikelihoodRatios();
        double[] to =
                test.add(before, canaryBad, canaryTotal, baselineBad, total).logLikelihoodRatios();
        double[] gain = new double[to.length];
        for (int k = 0; k < to.length; k++) {
            gain[k] = to[k] - from[k];
        }
        return gain;
    }

    @Test
    void afterACalmHourTheAllowanceStartsFromTheBaselinesWanderNotTheEnvelope() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence calm = test.empty();
        RateRatioEvidence wandering = test.empty();
        for (int i = 0; i < 60; i++) {
            calm = test.learnBaseline(calm, 480 + (i % 2 == 0 ? 20 : -20), 48_000); // steadier than Poisson
            wandering = test.learnBaseline(wandering, i % 2 == 0 ? 720 : 240, 48_000); // a CV of 50%
        }
        assertThat(test.dispersionAllowance(test.empty())).isEqualTo(0.25);
        assertThat(test.dispersionAllowance(calm)).isEqualTo(0.01); // the least it starts from: a CV of 10%
        assertThat(test.dispersionAllowance(wandering)).isEqualTo(0.25); // no less than the envelope allows
    }

    /**
     * An hour whose rate drifts by a few percent (six minutes 6% high, six 6% low, at about 480 bad events a minute) shows
     * a persistent drift, but one whose long-run wander is below the CV of 20% the test treats as quiet: the allowance
     * starts from that long-run wander instead of the envelope. A chance correlation in a Poisson hour reads the same
     * way, and the envelope cost such rollouts most of their speed. The hour still counts as drifting (not calm) for
     * the rest, and a drift of ±50% still gets the envelope.
     */
    @Test
    void aDriftTooSmallToMatterIsAllowedForAtItsLongRunWanderNotTheEnvelope() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence small = aDriftingHour(test, 480, 48_000, 0.06);
        RateRatioEvidence large = aDriftingHour(test, 480, 48_000, 0.5);

        assertThat(test.startsFromTheBaselinesWander(small)).as("calm").isFalse();
        assertThat(test.dispersionAllowance(small)).isGreaterThan(0.01).isLessThanOrEqualTo(0.04);
        assertThat(test.dispersionAllowance(large)).isEqualTo(0.25);
    }

    @Test
    void aCandidateThatWandersMoreThanItsCalmBaselineRaisesTheAllowanceOnceTheResidualsAreLearned() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence evidence = test.empty();
        for (int i = 0; i < 60; i++) {
            evidence = test.learnBaseline(evidence, 480, 48_000);
        }
        int[] canarySwings = {60, 180, 40, 200, 70};
        for (int swing : canarySwings) {
            evidence = test.add(evidence, swing, 12_000, 360, 36_000);
        }
        assertThat(test.dispersionAllowance(evidence)).isGreaterThan(0.1);
    }

    /**
     * Load that moves both versions' rates alike (here ±25% a minute, as a tail threshold's share of slow requests moves
     * with the load) cancels in the canary's share of bad events, so after a quiet hour it is not wander the test must
     * allow for. Compared with the baseline's run on from its hour instead of its own minutes beside the canary, the
     * canary's first minutes differed from it by every such move, and the allowance stayed ten times higher after ten
     * minutes, as it still does after a drifting hour.
     */
    @Test
    void afterAQuietHourLoadThatMovesBothVersionsAlikeIsNotLearnedAsWander() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence calm = aQuietHour(test, 4000, 48_000);
        RateRatioEvidence drifting = aDriftingHour(test, 4000, 48_000, 0.25);
        for (int i = 0; i < 10; i++) {
            double load = i % 2 == 0 ? 1.25 : 0.8;
            calm = test.add(calm, 1000 * load, 12_000, 3000 * load, 36_000);
            drifting = test.add(drifting, 1000 * load, 12_000, 3000 * load, 36_000);
        }
        assertThat(test.dispersionAllowance(calm)).isLessThan(0.001);
        assertThat(test.dispersionAllowance(drifting)).isGreaterThan(0.005);
    }

    /**
     * A step both versions take at once cancels in the comparison and is not learned as the baseline's drift: after a
     * quiet hour the baseline still counts as calm and quiet ten minutes after both doubled. The same doubling on the
     * baseline alone is a drift of the baseline's own, and there the allowance for wander grows.
     */
    @Test
    void aStepBothVersionsTakeAtOnceIsNotLearnedAsTheBaselinesDrift() {
        assertADoublingFromIsSharedOnlyWhenBothTakeIt(5);
    }

    /**
     * A step both versions take as the rollout starts (a load change just then) has no earlier canary rate to show
     * that the canary moved too; the canary's first interval is measured against the baseline's rate instead, so the
     * step is not learned as the baseline's drift for the whole stage either.
     */
    @Test
    void aStepBothVersionsTakeAsTheCanaryStartsIsNotLearnedAsTheBaselinesDrift() {
        assertADoublingFromIsSharedOnlyWhenBothTakeIt(0);
    }

    /**
     * After a quiet hour at 1% bad, fifteen minutes in which both versions' rates double from minute {@code step} on
     * leave the baseline calm, left out of its drift sums for the step's minute, with the allowance near its floor;
     * the baseline doubling alone raises the allowance more than fivefold.
     */
    private static void assertADoublingFromIsSharedOnlyWhenBothTakeIt(int step) {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence shared = aQuietHour(test, 400, 40_000);
        RateRatioEvidence baselineAlone = shared;
        for (int i = 0; i < 15; i++) {
            double level = i < step ? 1 : 2;
            double wobble = i % 2 == 0 ? 1.01 : 0.99;
            shared = test.add(shared, 100 * level * wobble, 10_000, 300 * level / wobble, 30_000);
            baselineAlone = test.add(baselineAlone, 100 * wobble, 10_000, 300 * level / wobble, 30_000);
        }

        assertThat(shared.baselineSerial().pairs())
                .isLessThan(baselineAlone.baselineSerial().pairs());
        assertThat(test.startsFromTheBaselinesWander(shared)).isTrue();
        assertThat(test.dispersionAllowance(shared)).isLessThan(0.02);
        assertThat(test.dispersionAllowance(baselineAlone)).isGreaterThan(5 * test.dispersionAllowance(shared));
    }

    /**
     * Residuals are taken around the ratio of the last few intervals, which has counting noise of its own: left in, it
     * read as wander of about half the binomial variance in every residual (0.54 on average over the first four here)
     * and kept the allowance up on minutes that do not wander. Taken out where the baseline's hour shows it quiet;
     * where it drifts the residuals understate the drift and the noise stays in.
     */
    @Test
    void afterAQuietHourThePoissonMinutesResidualsShowNoWanderOnAverageAndAfterADriftingHourTheyKeepTheRatiosNoise() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence calm = aQuietHour(test, 120, 4000);
        RateRatioEvidence drifting = aDriftingHour(test, 120, 4000, 0.5);
        assertThat(meanResidualOnPoissonMinutes(test, calm)).isCloseTo(0, within(0.1)); // √2 a residual: SE 0.011
        assertThat(meanResidualOnPoissonMinutes(test, drifting)).isGreaterThan(0.4);
    }

    /** An hour of the baseline steadier than Poisson: {@code bad} of {@code total} a minute, give or take 1%. */
    private static RateRatioEvidence aQuietHour(RateRatioTest test, double bad, double total) {
        RateRatioEvidence hour = test.empty();
        for (int i = 0; i < 60; i++) {
            hour = test.learnBaseline(hour, bad * (i % 2 == 0 ? 1.01 : 0.99), total);
        }
        return hour;
    }

    /** An hour of the baseline that drifts: six minutes {@code swing} above {@code bad}, six below, and so on. */
    private static RateRatioEvidence aDriftingHour(RateRatioTest test, double bad, double total, double swing) {
        RateRatioEvidence hour = test.empty();
        for (int i = 0; i < 60; i++) {
            hour = test.learnBaseline(hour, bad * ((i / 6) % 2 == 0 ? 1 + swing : 1 - swing), total);
        }
        return hour;
    }

    private static double meanResidualOnPoissonMinutes(RateRatioTest test, RateRatioEvidence hour) {
        UniformRandomProvider rng = Sequential.rng(20261206);
        double residuals = 0;
        int intervals = 0;
        for (int run = 0; run < 4000; run++) {
            RateRatioEvidence evidence = hour;
            for (int i = 0; i < 5; i++) {
                int canaryBad = PoissonDistribution.of(30).createSampler(rng).sample();
                int baselineBad = PoissonDistribution.of(90).createSampler(rng).sample();
                evidence = test.add(evidence, canaryBad, 1000, baselineBad, 3000);
            }
            residuals += evidence.residuals();
            intervals += evidence.residualIntervals();
        }
        assertThat(intervals).isEqualTo(16_000);
        return residuals / intervals;
    }

    @Test
    void thePairedRatioComparesTheCanaryWithTheBaselinesMinutesBesideItAndStatesSavedBeforeWithItsWholeRun()
            throws Exception {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence evidence = test.add(test.learnBaseline(test.empty(), 400, 4000), 10, 1000, 30, 3000);
        RateRatioEvidence.RecentCounts recent = evidence.recent();
        assertThat(recent.pairedRatio()).isCloseTo(1.0, within(1e-12)); // 1% beside 1%, not beside the hour's 10%
        assertThat(recent.ratio()).isCloseTo(0.01 / (350 / 6200.0), within(1e-12)); // the baseline's run on from it
        assertThat(recent.baselineBad()).isCloseTo(0.8 * 400 + 30, within(1e-9));

        String json = Json.mapper().writeValueAsString(evidence);
        String savedBefore = json.replaceAll(",\"pairedBaseline(Bad|Total)\":[0-9.E-]+", "");
        assertThat(savedBefore).isNotEqualTo(json).doesNotContain("paired");
        RateRatioEvidence.RecentCounts old =
                Json.mapper().readValue(savedBefore, RateRatioEvidence.class).recent();
        assertThat(old.pairedBaselineTotal()).isZero();
        assertThat(old.pairedRatio()).isCloseTo(0.01 / (350 / 6200.0), within(1e-12));
    }

    @Test
    void theRuleOutKeepsItsBoundOnTheWanderWhateverTheBaselineShowed() {
        // a rule-out that allowed for too little wander would pass a regression; its "baseline" is the candidate
        RateRatioTest margin = new RateRatioTest(1.1, 0.01);
        RateRatioTest ruleOut = RateRatioTest.ruleOut(1.5, 0.01, 0.5);
        RateRatioEvidence marginEvidence = margin.empty();
        RateRatioEvidence ruleOutEvidence = ruleOut.empty();
        UniformRandomProvider rng = Sequential.rng(31);
        for (int i = 0; i < 30; i++) { // Poisson minutes at 20 req/s to the canary, a quarter of the traffic
            int canaryBad = PoissonDistribution.of(12).createSampler(rng).sample();
            int baselineBad = PoissonDistribution.of(36).createSampler(rng).sample();
            marginEvidence = margin.add(marginEvidence, canaryBad, 1200, baselineBad, 3600);
            ruleOutEvidence = ruleOut.add(ruleOutEvidence, baselineBad, 3600, canaryBad, 1200);
        }
        double marginAllowance = margin.dispersionAllowance(marginEvidence);
        assertThat(marginAllowance).isBetween(0.01, 0.03);
        assertThat(ruleOut.dispersionAllowance(ruleOutEvidence)).isGreaterThan(2 * marginAllowance);
    }

    @Test
    void withoutTheBaselinesHourTheFirstIntervalOnlyTeachesTheRateWhenRatesMayWander() {
        // its dispersion factor must come from what was known before it, and nothing was
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence first = test.add(test.empty(), 40, 1000, 10, 1000);
        assertThat(test.eValue(first)).isEqualTo(1.0); // nothing gathered (see startsWithoutEvidence…)
        assertThat(test.eValue(test.add(first, 40, 1000, 10, 1000))).isGreaterThan(1.0);
    }

    @Test
    void afterACalmHourTheFirstIntervalCountsAtTheHoursRate() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.5, 60);
        IntUnaryOperator calm = i -> i % 2 == 0 ? 105 : 95;

        RateRatioEvidence first = test.add(anHourOf(test, calm), 40, 1000, 10, 1000);

        assertThat(test.eValue(first)).isGreaterThan(1.0);
        assertThat(first.residualIntervals()).isZero(); // no residual around a ratio nothing estimated yet
        // a drift's excursion may be under way as the rollout starts: its first minute only teaches the rate
        RateRatioEvidence drifting = anHourOf(test, i -> (i / 6) % 2 == 0 ? 130 : 70);
        assertThat(test.eValue(test.add(drifting, 40, 1000, 10, 1000))).isEqualTo(1.0);
        // a test without the mixture over late starts (the watch's) would be held back by a calm first minute
        RateRatioTest fromTheStartOnly = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence watched = anHourOf(fromTheStartOnly, calm);
        assertThat(fromTheStartOnly.eValue(fromTheStartOnly.add(watched, 40, 1000, 10, 1000)))
                .isEqualTo(1.0);
    }

    /** What {@code test} learns from an hour of the baseline at 10 000 requests a minute, minute i's errors given. */
    private static RateRatioEvidence anHourOf(RateRatioTest test, IntUnaryOperator badInMinute) {
        RateRatioEvidence evidence = test.empty();
        for (int i = 0; i < 60; i++) {
            evidence = test.learnBaseline(evidence, badInMinute.applyAsInt(i), 10_000);
        }
        return evidence;
    }

    @Test
    void wanderingBeyondTheEnvelopeIsReported() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.1);
        RateRatioEvidence evidence = test.empty();
        int[][] swings = {{5, 1000, 200, 1000}, {60, 1000, 5, 1000}, {2, 1000, 150, 1000}, {70, 1000, 10, 1000}};
        for (int i = 0; i < 12; i++) {
            int[] c = swings[i % swings.length];
            evidence = test.add(evidence, c[0], c[1], c[2], c[3]);
        }
        assertThat(test.estimatedDispersion(evidence)).isGreaterThan(0.1);
        assertThat(test.beyondEnvelope(evidence)).isTrue();

        RateRatioEvidence steady = test.empty();
        for (int i = 0; i < 12; i++) {
            steady = test.add(steady, 10, 1000, 10, 1000);
        }
        assertThat(test.beyondEnvelope(steady)).isFalse();
    }

    /**
     * The same baseline minutes in two orders: runs of high and low error counts (its rate drifts) and alternating ones
     * (it jitters), the candidate steady. Drift weighs more: the next minute's evidence is tempered more, and the
     * estimate of the rates' long-run wander is larger.
     */
    @Test
    void aBaselineThatDriftsTempersTheEvidenceMoreThanOneThatJitters() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence drifting = test.empty();
        RateRatioEvidence jittering = test.empty();
        for (int i = 0; i < 16; i++) {
            int inRuns = (i / 4) % 2 == 0 ? 40 : 10;
            int alternating = i % 2 == 0 ? 40 : 10;
            drifting = test.add(drifting, 25, 1000, inRuns, 1000);
            jittering = test.add(jittering, 25, 1000, alternating, 1000);
        }
        assertThat(drifting.baselineSerial().lagProducts()).isPositive();
        assertThat(jittering.baselineSerial().lagProducts()).isNegative();
        assertThat(test.estimatedDispersion(drifting)).isGreaterThan(test.estimatedDispersion(jittering));

        double driftingGain = Math.log(test.eValue(test.add(drifting, 60, 1000, 25, 1000)) / test.eValue(drifting));
        double jitteringGain = Math.log(test.eValue(test.add(jittering, 60, 1000, 25, 1000)) / test.eValue(jittering));
        assertThat(driftingGain).isPositive().isLessThan(jitteringGain);
    }

    /**
     * A baseline of a few Poisson errors a minute and nothing else: the previous minutes' counts are part of the rate
     * the next is measured around, which alone makes neighbours look anti-correlated (−(1 − λ) / (1 + λ) = −0.11 per
     * error). The sums take that out, so steady Poisson minutes show no drift.
     */
    @Test
    void countingNoiseAloneShowsNoDrift() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        org.apache.commons.rng.UniformRandomProvider rng = Sequential.rng(20261204);
        Traffic poisson = new Traffic(1, 0.25, 0.05);
        RateRatioEvidence evidence = test.empty();
        for (int i = 0; i < 4000; i++) {
            Traffic.Counts c = poisson.interval(rng, 1, 60);
            evidence = test.add(evidence, c.canaryBad(), c.canaryTotal(), c.baselineBad(), c.baselineTotal());
        }
        RateRatioEvidence.SerialResiduals serial = evidence.baselineSerial();
        // about 9 errors a minute: uncorrected, the sums would show −0.11 / 9 = −0.012 per unit weight
        assertThat(serial.lagProducts() / serial.lagWeight()).isCloseTo(0, within(0.004));
        assertThat(serial.excessCv2()).isCloseTo(0, within(0.004));
    }

    /**
     * One ×5 burst in a steadily drifting baseline: clipped, it neither swells the variance the drift's correlation is
     * measured against nor hides the drift; the next minute is tempered about as much as without the burst.
     */
    @Test
    void aBaselineBurstDoesNotHideADrift() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence drifting = test.empty();
        RateRatioEvidence withBurst = test.empty();
        for (int i = 0; i < 30; i++) {
            int inRuns = (i / 5) % 2 == 0 ? 120 : 60;
            drifting = test.add(drifting, 90, 10_000, inRuns, 10_000);
            withBurst = test.add(withBurst, 90, 10_000, i == 12 ? inRuns * 5 : inRuns, 10_000);
        }
        assertThat(test.dispersionAllowance(withBurst)).isGreaterThan(0.7 * test.dispersionAllowance(drifting));
    }

    /**
     * Canary minutes that swing between a fifth and twice the baseline's rate wander far beyond the 50% envelope: for
     * four intervals the allowance stays within the envelope, and from the fifth it is what the residuals show (the
     * steady baseline adds no drift), well beyond the envelope.
     */
    @Test
    void wanderBeyondTheEnvelopeIsAllowedForFromTheFifthInterval() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        double envelope = RateRatioTest.DEFAULT_MAX_DISPERSION * RateRatioTest.DEFAULT_MAX_DISPERSION;
        RateRatioEvidence evidence = test.empty();
        for (int i = 0; i <= 4; i++) {
            evidence = test.add(evidence, i % 2 == 0 ? 20 : 200, 10_000, 100, 10_000);
        }
        assertThat(evidence.residualIntervals()).isEqualTo(4);
        assertThat(test.dispersionAllowance(evidence)).isLessThanOrEqualTo(envelope);

        evidence = test.add(evidence, 200, 10_000, 100, 10_000);
        double shown = test.estimatedDispersion(evidence);
        assertThat(shown).isGreaterThan(2 * RateRatioTest.DEFAULT_MAX_DISPERSION);
        assertThat(test.dispersionAllowance(evidence)).isCloseTo(shown * shown, within(1e-9));
        assertThat(test.beyondEnvelope(evidence)).isTrue();
    }

    /**
     * The baseline's hour before the rollout teaches the test only how the baseline drifts: no evidence, no counts of
     * the stage. A drifting hour tempers the first minutes of the rollout more than a steady one does.
     */
    @Test
    void theBaselinesHistoryTeachesItsDriftAndNothingElse() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence drifting = test.empty();
        RateRatioEvidence steady = test.empty();
        for (int i = 0; i < 60; i++) {
            drifting = test.learnBaseline(drifting, (i / 6) % 2 == 0 ? 130 : 70, 10_000);
            steady = test.learnBaseline(steady, i % 2 == 0 ? 105 : 95, 10_000);
        }
        assertThat(drifting.baselineSerial().pairs()).isEqualTo(58); // the first minute has no rate before it
        assertThat(test.eValue(drifting)).isEqualTo(1.0);
        assertThat(drifting.intervals()).isZero();
        assertThat(drifting.baselineTotal()).isZero();

        for (int i = 0; i < 5; i++) {
            drifting = test.add(drifting, 100, 10_000, 100, 10_000);
            steady = test.add(steady, 100, 10_000, 100, 10_000);
        }
        assertThat(test.dispersionAllowance(drifting)).isGreaterThan(2 * test.dispersionAllowance(steady));
        // the count mixture's gain: the statistic may sit at the scale-free part's floor after five null minutes
        double driftingGain =
                countMixture(test, test.add(drifting, 160, 10_000, 100, 10_000)) - countMixture(test, drifting);
        double steadyGain = countMixture(test, test.add(steady, 160, 10_000, 100, 10_000)) - countMixture(test, steady);
        assertThat(driftingGain).isPositive().isLessThan(steadyGain);
    }

    private static double countMixture(RateRatioTest test, RateRatioEvidence evidence) {
        return test.prior().logMixture(evidence.logLikelihoodRatios());
    }

    @Test
    void estimateIsThePooledRatioOfBadRates() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence evidence = test.add(test.empty(), 3, 100, 10, 1000);
        evidence = test.add(evidence, 1, 100, 10, 1000);

        assertThat(evidence.estimate()).isCloseTo((4 / 200.0) / (20 / 2000.0), within(1e-12));
        assertThat(test.empty().estimate()).isNaN();
        assertThat(test.add(test.empty(), 2, 100, 0, 100).estimate()).isInfinite();
    }

    @Test
    void refusesBadInputNamingTheField() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence empty = test.empty();
        assertThatThrownBy(() -> test.add(empty, 5, 4, 0, 10))
                .hasMessageContaining("canaryBad (5.0) exceeds canaryTotal (4.0)");
        assertThatThrownBy(() -> test.add(empty, 0, 4, 11, 10))
                .hasMessageContaining("baselineBad (11.0) exceeds baselineTotal (10.0)");
        assertThatThrownBy(() -> test.add(empty, Double.NaN, 4, 0, 10)).hasMessageContaining("canaryBad");
        assertThatThrownBy(() -> test.add(empty, 0, 4, 0, -1)).hasMessageContaining("baselineTotal");
        assertThatThrownBy(() -> new RateRatioTest(0, 0.01)).hasMessageContaining("theta0");
        assertThatThrownBy(() -> new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), -0.1))
                .hasMessageContaining("maxDispersion");
        assertThatThrownBy(() -> new RateRatioTest(1.1, 0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new RateRatioTest(1.2, 0.01).add(empty, 1, 2, 1, 2))
                .hasMessageContaining("theta0 1.1");
    }

    @Test
    void evidenceIsAnImmutableSerializableValue() throws Exception {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence evidence = test.add(test.add(test.empty(), 3, 100, 10, 1000), 5, 100, 10, 1000);
        double[] leaked = evidence.logLikelihoodRatios();
        Arrays.fill(leaked, 99);
        assertThat(evidence.logLikelihoodRatios()).doesNotContain(99.0);
        double[] leakedBets = evidence.selfNormalizedLogWealth();
        assertThat(leakedBets).isNotEqualTo(new double[5]);
        Arrays.fill(leakedBets, 99);
        assertThat(evidence.selfNormalizedLogWealth()).doesNotContain(99.0);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(evidence);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(evidence);
        }
        // five alternatives, five bets, the pooled and recent counts, the dispersion and drift sums, the scale-free
        // part's three sums and its share: small enough for a build.xml
        assertThat(bytes.size()).isLessThan(1600);
    }

    /**
     * One interval's bets by hand: the first interval only teaches the rate, the second's canary excess ξ is measured
     * in its standard deviation at the envelope (nothing learned yet), and each bet λ gains λξ − λ²ξ²/2 (no drift
     * learned: persistence 1). Their e-value, four fifths of the count mixture and a fifth of the bets' average
     * wealth, is the statistic: no calm hour was seen, so the scale-free part holds no share of α.
     */
    @Test
    void eachBetGainsLambdaXiLessHalfLambdaSquaredXiSquared() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence first = test.add(test.empty(), 10, 1000, 30, 3000);
        assertThat(first.selfNormalizedLogWealth()).containsOnly(0.0);

        RateRatioEvidence second = test.add(first, 20, 1000, 30, 3000);
        double p0 = p(1.1, 0.25);
        double expectedBad = 40 + 2 * Math.sqrt(40) + 1; // the same traffic again, at the pooled rate's upper bound
        double phi = 1 + 2 * p0 * (1 - p0) * 0.25 * expectedBad;
        double xi = (20 - 50 * p0) / Math.sqrt(50 * p0 * (1 - p0) * phi);
        double[] bets = {0.1, 0.2, 0.3, 0.4, 0.5};
        double[] wealth = second.selfNormalizedLogWealth();
        double average = 0;
        for (int j = 0; j < bets.length; j++) {
            assertThat(wealth[j]).isCloseTo(bets[j] * xi - bets[j] * bets[j] * xi * xi / 2, within(1e-12));
            average += Math.exp(wealth[j]) / bets.length;
        }
        double mixture = Math.exp(test.prior().logMixture(second.logLikelihoodRatios()));
        assertThat(second.scaleFree().looks()).isZero();
        // no hour showed the baseline calm, so the scale-free part holds no share of α
        assertThat(test.eValue(second)).isCloseTo(0.8 * mixture + 0.2 * average, within(1e-12));
    }

    /** The bets need a share of bad events of at most ½ (right-skewed), and have no place where they cannot help. */
    @Test
    void noBetsWhereTheCanaryHoldsMostOfTheTrafficNorInTheRuleOutNorWhenMinutesArePoisson() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence first = test.add(test.empty(), 90, 9000, 10, 1000);
        RateRatioEvidence second = test.add(first, 120, 9000, 10, 1000);
        assertThat(second.selfNormalizedLogWealth()).containsOnly(0.0);

        assertThat(RateRatioTest.ruleOut(2, 0.05, 0.5).empty().selfNormalizedLogWealth())
                .isEmpty();
        assertThat(new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0)
                        .empty()
                        .selfNormalizedLogWealth())
                .isEmpty();
    }

    /**
     * A state saved before the bets were kept deserializes with none (Java builds a record from its canonical
     * constructor, absent fields null): it goes on with the bets starting from 1, exactly as a fresh state with the
     * same counts would.
     */
    @Test
    void evidenceSavedBeforeTheBetsWereKeptResumesWithTheBetsAtOne() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01);
        RateRatioEvidence now = test.add(test.empty(), 10, 1000, 30, 3000);
        RateRatioEvidence saved = new RateRatioEvidence(
                now.theta0(),
                now.logLikelihoodRatios(),
                now.maxLogEValue(),
                now.intervals(),
                now.canaryBad(),
                now.canaryTotal(),
                now.baselineBad(),
                now.baselineTotal(),
                now.residuals(),
                now.squaredResiduals(),
                now.residualWeight(),
                now.residualIntervals(),
                now.startWeights(),
                now.recent(),
                now.baselineSerial(),
                null,
                false,
                null);

        assertThat(test.eValue(saved)).isEqualTo(test.eValue(now));
        assertThat(test.add(saved, 20, 1000, 30, 3000)).isEqualTo(test.add(now, 20, 1000, 30, 3000));
    }

    /**
     * The scale-free part by hand: after a calm hour each interval's canary excess over the boundary, in standard
     * deviations of its binomial count (ξ = (x − k·p0) / √(k·p0·(1 − p0))), goes into the sums of the one-sample
     * t-test, whose scale-invariant Bayes factor needs no bound on the wander. The statistic is the larger of four
     * fifths of the count mixture's and bets' e-value and a fifth of that Bayes factor.
     */
    @Test
    void afterACalmHourTheScaleFreePartTakesEachIntervalsStandardizedExcess() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.5, 60);
        RateRatioEvidence evidence = anHourOf(test, i -> i % 2 == 0 ? 105 : 95);
        int[][] minutes = {{40, 90}, {35, 95}, {38, 101}, {44, 97}};
        double p0 = p(1.1, 0.25);
        double sum = 0;
        double squares = 0;
        for (int[] m : minutes) {
            evidence = test.add(evidence, m[0], 2500, m[1], 7500);
            double k = m[0] + m[1];
            double xi = (m[0] - k * p0) / Math.sqrt(k * p0 * (1 - p0));
            sum += xi;
            squares += xi * xi;
        }

        assertThat(evidence.scaleFree().share()).isEqualTo(Share.HELD);
        assertThat(evidence.scaleFree().looks()).isEqualTo(4);
        assertThat(evidence.scaleFree().sum()).isCloseTo(sum, within(1e-9));
        assertThat(evidence.scaleFree().sumOfSquares()).isCloseTo(squares, within(1e-9));
        double bayesFactor = Math.exp(RateRatioTest.SCALE_FREE_PRIOR.logMixture(4, 4, sum, squares));
        double countsAndBets = Math.exp(countMixture(test, evidence)) * 0.8
                + 0.2 * RateRatioSimulationTest.selfNormalizedEValue(evidence);
        assertThat(test.eValue(evidence)).isCloseTo(Math.max(0.8 * countsAndBets, 0.2 * bayesFactor), within(1e-9));
    }

    /**
     * The t-test's guarantee needs independent minutes, which a drifting baseline says the traffic does not have, and
     * a share of bad events of at most ½, where the excess is skewed to the right (a t-statistic is then, if anything,
     * too small); a rule-out, whose counted version holds most of the bad events, and a test that assumes Poisson
     * intervals have no such part. Where the first interval is one the part could not take, its share of α is waived,
     * and the count mixture and bets hold all of it.
     */
    @Test
    void theScaleFreePartTakesNothingWhereTheBaselineDriftsOrTheCanaryHoldsMostOfTheBadEvents() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.5, 60);
        RateRatioEvidence drifting = anHourOf(test, i -> (i / 6) % 2 == 0 ? 130 : 70);
        RateRatioEvidence calm = anHourOf(test, i -> i % 2 == 0 ? 105 : 95);
        for (int i = 0; i < 5; i++) {
            drifting = test.add(drifting, 40, 2500, 90, 7500);
            calm = test.add(calm, 90, 7500, 30, 2500);
        }
        assertThat(drifting.scaleFree().looks()).isZero();
        assertThat(calm.scaleFree().looks()).isZero(); // the canary holds 75% of the traffic: p0 above ½
        for (RateRatioEvidence waived : List.of(drifting, calm)) {
            assertThat(waived.scaleFree().share()).isEqualTo(Share.WAIVED);
            assertThat(Math.log(test.eValue(waived))).isCloseTo(countsAndBets(test, waived), within(1e-12));
        }

        RateRatioTest ruleOut = RateRatioTest.ruleOut(2, 0.05, 0.5);
        RateRatioTest poissonOnly = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0);
        for (RateRatioTest without : List.of(ruleOut, poissonOnly)) {
            RateRatioEvidence evidence = anHourOf(without, i -> i % 2 == 0 ? 105 : 95);
            for (int i = 0; i < 5; i++) {
                evidence = without.add(evidence, 40, 2500, 90, 7500);
            }
            assertThat(evidence.scaleFree().looks()).isZero();
        }
    }

    /**
     * The share is decided once, before the first interval with traffic on both versions is counted, and never again:
     * a baseline seen calm only later does not give the part a share (taken in mid-run, from data the statistic had
     * used, it would spend more than α), and intervals without traffic on both versions leave it undecided.
     */
    @Test
    void theScaleFreePartsShareIsDecidedAtTheFirstIntervalWithTrafficOnBothVersions() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.5, 60);
        RateRatioEvidence calm = anHourOf(test, i -> i % 2 == 0 ? 105 : 95);
        RateRatioEvidence noCanaryYet = test.add(calm, 0, 0, 100, 10_000);
        assertThat(noCanaryYet.scaleFree().share()).isEqualTo(Share.UNDECIDED);
        assertThat(test.add(noCanaryYet, 40, 2500, 90, 7500).scaleFree().share())
                .isEqualTo(Share.HELD);

        RateRatioEvidence noHour = test.add(test.empty(), 40, 2500, 90, 7500);
        for (int i = 0; i < 40; i++) { // the rollout's own minutes show the baseline calm
            noHour = test.add(noHour, i % 2 == 0 ? 42 : 38, 2500, i % 2 == 0 ? 105 : 95, 7500);
        }
        assertThat(test.startsFromTheBaselinesWander(noHour)).isTrue();
        assertThat(noHour.scaleFree().share()).isEqualTo(Share.WAIVED);
        assertThat(noHour.scaleFree().looks()).isZero();
        assertThat(Math.log(test.eValue(noHour))).isCloseTo(countsAndBets(test, noHour), within(1e-12));
    }

    /**
     * A state saved before the scale-free part was kept resumes without it, all of α to the count mixture and bets,
     * as its test had; one saved before the share was decided held it from the start, and resumes holding it.
     */
    @Test
    void evidenceSavedBeforeTheScaleFreePartWasKeptResumesWithoutIt() {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.5, 60);
        RateRatioEvidence now = test.add(anHourOf(test, i -> 100), 40, 2500, 90, 7500);
        assertThat(now.scaleFree().share()).isEqualTo(Share.HELD);
        RateRatioEvidence waived = withScaleFree(now, new RateRatioEvidence.ScaleFreeSums(0, 0, 0, Share.WAIVED));
        RateRatioEvidence savedBeforeThePart = withScaleFree(now, null);

        assertThat(test.eValue(savedBeforeThePart)).isEqualTo(test.eValue(waived));
        assertThat(test.add(savedBeforeThePart, 45, 2500, 90, 7500)).isEqualTo(test.add(waived, 45, 2500, 90, 7500));

        RateRatioEvidence.ScaleFreeSums sums = now.scaleFree();
        RateRatioEvidence savedBeforeTheShare = withScaleFree(
                now, new RateRatioEvidence.ScaleFreeSums(sums.looks(), sums.sum(), sums.sumOfSquares(), null));
        assertThat(test.eValue(savedBeforeTheShare)).isEqualTo(test.eValue(now));
        assertThat(test.add(savedBeforeTheShare, 45, 2500, 90, 7500).scaleFree())
                .isEqualTo(withShareUnset(test.add(now, 45, 2500, 90, 7500).scaleFree()));
    }

    /**
     * The share survives the state's JSON (the form in which a rollout is kept across restarts); a state written before
     * the share was decided reads it as unset and goes on holding it, one written before the part reads without it.
     */
    @Test
    void theScaleFreePartsShareSurvivesTheStatesJson() throws Exception {
        RateRatioTest test = new RateRatioTest(1.1, 0.01, MixturePrior.calibrated(), 0.5, 60);
        RateRatioEvidence held =
                test.add(test.add(anHourOf(test, i -> i % 2 == 0 ? 105 : 95), 40, 2500, 90, 7500), 44, 2500, 97, 7500);
        String json = Json.mapper().writeValueAsString(held);
        assertThat(Json.mapper().readValue(json, RateRatioEvidence.class)).isEqualTo(held);

        String beforeTheShare = json.replace(",\"share\":\"HELD\"", "");
        assertThat(beforeTheShare).isNotEqualTo(json);
        RateRatioEvidence readBeforeTheShare = Json.mapper().readValue(beforeTheShare, RateRatioEvidence.class);
        assertThat(readBeforeTheShare.scaleFree().share()).isNull();
        assertThat(test.eValue(readBeforeTheShare)).isEqualTo(test.eValue(held));

        String beforeThePart = json.replaceAll(",\"scaleFree\":\\{[^}]*\\}", "");
        assertThat(beforeThePart).isNotEqualTo(json);
        RateRatioEvidence readBeforeThePart = Json.mapper().readValue(beforeThePart, RateRatioEvidence.class);
        assertThat(readBeforeThePart.scaleFree()).isNull();
        assertThat(test.eValue(readBeforeThePart))
                .isEqualTo(
                        test.eValue(withScaleFree(held, new RateRatioEvidence.ScaleFreeSums(0, 0, 0, Share.WAIVED))));
    }

    private static RateRatioEvidence.ScaleFreeSums withShareUnset(RateRatioEvidence.ScaleFreeSums sums) {
        return new RateRatioEvidence.ScaleFreeSums(sums.looks(), sums.sum(), sums.sumOfSquares(), null);
    }

    /** log of the count mixture's and bets' e-value: four fifths of the mixture, a fifth of the bets' average. */
    private static double countsAndBets(RateRatioTest test, RateRatioEvidence evidence) {
        return Math.log(Math.exp(countMixture(test, evidence)) * 0.8
                + 0.2 * RateRatioSimulationTest.selfNormalizedEValue(evidence));
    }

    /** {@code evidence} with the scale-free part's sums replaced ({@code null}: a state saved before they were kept). */
    private static RateRatioEvidence withScaleFree(RateRatioEvidence evidence, RateRatioEvidence.ScaleFreeSums sums) {
        return new RateRatioEvidence(
                evidence.theta0(),
                evidence.logLikelihoodRatios(),
                evidence.maxLogEValue(),
                evidence.intervals(),
                evidence.canaryBad(),
                evidence.canaryTotal(),
                evidence.baselineBad(),
                evidence.baselineTotal(),
                evidence.residuals(),
                evidence.squaredResiduals(),
                evidence.residualWeight(),
                evidence.residualIntervals(),
                evidence.startWeights(),
                evidence.recent(),
                evidence.baselineSerial(),
                evidence.selfNormalizedLogWealth(),
                evidence.lastIntervalAtTheCap(),
                sums);
    }

    private static double p(double theta, double share) {
        return theta * share / (theta * share + 1 - share);
    }
}
