package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SharedStepTest {

    /** Recent counts at 1% bad for both versions: 500 of 50,000 canary requests, 1500 of 150,000 baseline requests. */
    private static final RateRatioEvidence.RecentCounts RECENT =
            new RateRatioEvidence.RecentCounts(500, 50_000, 1500, 150_000, 1500, 150_000);

    /** The squared CV of wander a calm baseline shows from minute to minute: a CV of 10%. */
    private static final double CALM = 0.01;

    @Test
    void bothVersionsDoublingInTheSameIntervalIsAStepAtTheBaselinesFactor() {
        // an interval of 10,000 canary and 30,000 baseline requests at twice the recent rate
        SharedStep step = SharedStep.in(RECENT, CALM, 200, 10_000, 600, 30_000).orElseThrow();

        assertThat(step.factor()).isCloseTo(2, within(1e-9));
    }

    @Test
    void aTailShareThatMovesLessOnTheSlowerCandidateStillCountsAsShared() {
        // a load 30% higher: the baseline's share over the threshold doubles, the slower candidate's grows by 1.8
        assertThat(SharedStep.in(RECENT, CALM, 180, 10_000, 600, 30_000)).isPresent();
    }

    @Test
    void oneVersionMovingAloneIsNoStep() {
        assertThat(SharedStep.in(RECENT, CALM, 100, 10_000, 600, 30_000)).isEmpty(); // the baseline alone
        assertThat(SharedStep.in(RECENT, CALM, 200, 10_000, 300, 30_000)).isEmpty(); // a regression starting
    }

    @Test
    void versionsMovingApartOrByDifferentFactorsAreNoStep() {
        assertThat(SharedStep.in(RECENT, CALM, 200, 10_000, 150, 30_000)).isEmpty(); // opposite ways
        assertThat(SharedStep.in(RECENT, CALM, 400, 10_000, 600, 30_000)).isEmpty(); // ×4 against ×2
    }

    @Test
    void aMoveSmallerThanHalfAsMuchAgainIsNoStep() {
        assertThat(SharedStep.in(RECENT, CALM, 140, 10_000, 420, 30_000)).isEmpty(); // ×1.4 on both
        assertThat(SharedStep.in(RECENT, CALM, 160, 10_000, 480, 30_000)).isPresent(); // ×1.6 on both
    }

    @Test
    void aMoveMustStandOutOfTheWanderTheBaselineShowsAndOfCountingNoise() {
        // ×2 on both is 0.69 on a log scale: 2.5 standard deviations of a wander up to a CV of 26% with this noise
        assertThat(SharedStep.in(RECENT, 0.25, 200, 10_000, 600, 30_000)).isEmpty();
        assertThat(SharedStep.in(RECENT, 0.06, 200, 10_000, 600, 30_000)).isPresent();
        // at a few bad events a minute a doubling is within counting noise: 4 and 12 where 2 and 6 were expected
        assertThat(SharedStep.in(RECENT, CALM, 4, 200, 12, 600)).isEmpty();
    }

    @Test
    void atTheCanarysFirstIntervalItsMoveIsMeasuredFromTheBaselinesRate() {
        // the baseline's hour at 1%, and the first interval of the rollout at 2% on both versions
        RateRatioEvidence.RecentCounts hourOnly = RateRatioEvidence.RecentCounts.baselineOnly(1500, 150_000);

        assertThat(SharedStep.in(hourOnly, CALM, 200, 10_000, 600, 30_000))
                .hasValueSatisfying(step -> assertThat(step.factor()).isCloseTo(2, within(1e-9)));
    }

    @Test
    void atTheCanarysFirstIntervalARegressionOnTopOfTheStepStillCountsAsShared() {
        RateRatioEvidence.RecentCounts hourOnly = RateRatioEvidence.RecentCounts.baselineOnly(1500, 150_000);

        // the candidate fails twice as often as the baseline, which doubled: ×4 against ×2 from the hour's rate
        assertThat(SharedStep.in(hourOnly, CALM, 400, 10_000, 600, 30_000)).isPresent();
        // mid-rollout the same moves, each from its own recent rate, are two versions moving apart
        assertThat(SharedStep.in(RECENT, CALM, 400, 10_000, 600, 30_000)).isEmpty();
    }

    @Test
    void atTheCanarysFirstIntervalTheCanaryMustMoveAboutAsFarAsTheBaseline() {
        RateRatioEvidence.RecentCounts hourOnly = RateRatioEvidence.RecentCounts.baselineOnly(1500, 150_000);

        assertThat(SharedStep.in(hourOnly, CALM, 100, 10_000, 600, 30_000)).isEmpty(); // the baseline alone
        assertThat(SharedStep.in(hourOnly, CALM, 150, 10_000, 750, 30_000)).isEmpty(); // ×1.5 against ×2.5
    }

    @Test
    void atTheCanarysFirstIntervalABaselineBurstBesideARegressingCanaryIsNoStep() {
        RateRatioEvidence.RecentCounts hourOnly = RateRatioEvidence.RecentCounts.baselineOnly(1500, 150_000);

        // the baseline's errors ×5 for one minute, the candidate's ×2.5 (a regression): within the mid-rollout
        // rule's tolerance at these counts, but short of the baseline's move by three standard deviations
        assertThat(SharedStep.in(hourOnly, CALM, 25, 1000, 150, 3000)).isEmpty();
    }

    @Test
    void withoutARecentRateOrABadEventThereIsNothingToCompare() {
        assertThat(SharedStep.in(RateRatioEvidence.RecentCounts.NONE, CALM, 200, 10_000, 600, 30_000))
                .isEmpty();
        assertThat(SharedStep.in(RECENT, CALM, 0, 10_000, 600, 30_000)).isEmpty();
        assertThat(SharedStep.in(RECENT, Double.POSITIVE_INFINITY, 200, 10_000, 600, 30_000))
                .isEmpty();
    }

    @Test
    void theRecentCountsMoveByTheStepAndTheirRatiosStay() {
        RateRatioEvidence.RecentCounts moved = RECENT.withBadTimes(new SharedStep(2).factor());

        assertThat(moved.baselineBad() / moved.baselineTotal()).isCloseTo(0.02, within(1e-12));
        assertThat(moved.ratio()).isCloseTo(RECENT.ratio(), within(1e-12));
        assertThat(moved.pairedRatio()).isCloseTo(RECENT.pairedRatio(), within(1e-12));
    }
}
