package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyParser;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.junit.jupiter.api.Test;

/**
 * The prediction-score distribution judged in a shadow stage: the candidate sees a copy of a share of the requests,
 * the baseline sees all of them, both histograms binned in the simulator's score buckets. A seeded simulation of many
 * stages measures how often the drift bound fails a candidate whose scores do not differ (the noise floor of PSI), and
 * how soon it catches one whose scores do. The numbers are in docs/statistics.md.
 */
class ShadowDriftTest {

    private static final double[] BOUNDS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, Double.POSITIVE_INFINITY};

    private static final String POLICY = """
            stages:
              - {shadow: %d%%, bake: 10m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: scores, kind: distribution, histogram: 'h{version="${version}"}', maxPsi: 0.1}
            """;

    /** Runs one shadow stage of ten looks; true when the score metric failed it. */
    private static boolean stageFails(
            Judge judge,
            UniformRandomProvider rng,
            double requestsPerMinute,
            int shadowPercent,
            ContinuousDistribution.Sampler baseline,
            ContinuousDistribution.Sampler candidate) {
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 10; look++) {
            Readings readings = new Readings(
                    histogram(candidate, Math.round(requestsPerMinute * shadowPercent / 100.0)),
                    histogram(baseline, Math.round(requestsPerMinute)));
            LookResult result = judge.look(state, Map.of("scores", readings), LookContext.canary(0, look == 10));
            if (result.metrics().get(0).outcome() == Outcome.FAIL) {
                return true;
            }
            state = result.state();
        }
        return false;
    }

    private static Reading.Histogram histogram(ContinuousDistribution.Sampler scores, long events) {
        double[] counts = new double[BOUNDS.length];
        for (long i = 0; i < events; i++) {
            double score = scores.sample();
            int bucket = 0;
            while (score > BOUNDS[bucket]) {
                bucket++;
            }
            counts[bucket]++;
        }
        return new Reading.Histogram(BOUNDS, counts);
    }

    private static double failureRate(
            double requestsPerMinute, int shadowPercent, double candidateAlpha, double candidateBeta, int stages)
            throws Exception {
        Policy policy = PolicyParser.parse(POLICY.formatted(shadowPercent));
        Judge judge = new Judge(policy);
        UniformRandomProvider rng = new SplittableRandom(41 + shadowPercent)::nextLong;
        ContinuousDistribution.Sampler baseline = BetaDistribution.of(2, 5).createSampler(rng);
        ContinuousDistribution.Sampler candidate =
                BetaDistribution.of(candidateAlpha, candidateBeta).createSampler(rng);
        int failed = 0;
        for (int i = 0; i < stages; i++) {
            if (stageFails(judge, rng, requestsPerMinute, shadowPercent, baseline, candidate)) {
                failed++;
            }
        }
        return (double) failed / stages;
    }

    @Test
    void theSameScoresAlmostNeverFailTheBoundEvenAtTheFewestEventsAStageJudges() throws Exception {
        // 600 requests a minute, 20% mirrored: 120 candidate events a minute, the 500 needed after the fifth look.
        double rate = failureRate(600, 20, 2, 5, 2000);

        assertThat(rate)
                .as("false failures of identical score distributions per stage")
                .isLessThan(0.001);
    }

    @Test
    void aShiftOfTheScoresIsCaughtInTheShadow() throws Exception {
        // Beta(3, 5) against Beta(2, 5): the mean score moves from 0.29 to 0.38, a PSI of 0.33 in these buckets.
        assertThat(failureRate(600, 20, 3, 5, 200)).as("stages that caught it").isGreaterThan(0.9);
    }
}
