package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.stats.ScoreTraffic;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.PolicyParser;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

/**
 * The prediction-score distribution judged in a shadow stage: the candidate sees a copy of a share of the requests,
 * the baseline sees all of them, both histograms binned in the simulator's score buckets. A seeded simulation of many
 * stages of ten one-minute looks, through the judge with a 1% budget, measures how often the drift test fails a
 * candidate within the bound (never more than the test's share), how often it passes or leaves the stage
 * inconclusive, and how often it catches a clear shift. Each test prints its row of the table in docs/statistics.md.
 */
class ShadowDriftTest {

    private static final double[] BOUNDS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, Double.POSITIVE_INFINITY};

    private static final String POLICY = """
            stages:
              - {shadow: %d%%, bake: 10m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: scores, kind: distribution, histogram: 'h{version="${version}"}', %s: 0.1}
            """;

    /** The score metric's share of the 1% budget: the whole canary share (four fifths: a watch is planned). */
    private static final double TEST_SHARE = 0.008;

    private static final double[] KIND_A = ScoreTraffic.betaBuckets(2, 5);
    private static final double[] KIND_B = ScoreTraffic.betaBuckets(5, 2);

    /** How the stages ended. */
    private record Tally(int failed, int passed, int inconclusive) {
        double failedShare() {
            return (double) failed / (failed + passed + inconclusive);
        }

        double passedShare() {
            return (double) passed / (failed + passed + inconclusive);
        }

        String row(String what) {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d |", what, failed, passed, inconclusive);
        }
    }

    private static Tally run(ScoreTraffic traffic, String bound, int stages, long seed) throws Exception {
        Judge judge = new Judge(PolicyParser.parse(POLICY.formatted(Math.round(traffic.share() * 100), bound)));
        UniformRandomProvider rng = new SplittableRandom(seed)::nextLong;
        int failed = 0;
        int passed = 0;
        for (int i = 0; i < stages; i++) {
            Outcome outcome = stage(judge, traffic, rng);
            failed += outcome == Outcome.FAIL ? 1 : 0;
            passed += outcome == Outcome.PASS ? 1 : 0;
        }
        return new Tally(failed, passed, stages - failed - passed);
    }

    /** Runs one shadow stage of ten looks; the score metric's last outcome. */
    private static Outcome stage(Judge judge, ScoreTraffic traffic, UniformRandomProvider rng) {
        JudgeState state = judge.beginStage(judge.begin());
        Outcome outcome = Outcome.HOLD;
        for (int look = 1; look <= 10; look++) {
            ScoreTraffic.Minute minute = traffic.minute(rng);
            Readings readings = new Readings(
                    new Reading.Histogram(BOUNDS, minute.candidate()),
                    new Reading.Histogram(BOUNDS, minute.baseline()));
            LookResult result = judge.look(state, Map.of("scores", readings), LookContext.canary(0, look == 10));
            outcome = result.metrics().get(0).outcome();
            if (outcome == Outcome.FAIL) {
                return outcome;
            }
            state = result.state();
        }
        return outcome;
    }

    private static ScoreTraffic sameScores(double perMinute, double share) {
        return new ScoreTraffic(KIND_A, KIND_A, KIND_A, KIND_A, perMinute, share, true, 0.5, 0);
    }

    private static ScoreTraffic candidateScores(double[] candidate, double perMinute) {
        return new ScoreTraffic(KIND_A, KIND_A, candidate, candidate, perMinute, 0.2, true, 0.5, 0);
    }

    @Test
    void theSameScoresAreNeverFailedAndPassOnceThereAreEventsEnough() throws Exception {
        Tally few = run(sameScores(600, 0.2), "maxPsi", 500, 41);
        Tally many = run(sameScores(3000, 0.2), "maxPsi", 500, 42);
        Tally ksFew = run(sameScores(600, 0.2), "maxKs", 500, 43);
        Tally ks = run(sameScores(3000, 0.2), "maxKs", 500, 51);
        System.out.println(few.row("PSI: Beta(2, 5) as the baseline (0), 600 a minute"));
        System.out.println(many.row("PSI: Beta(2, 5) as the baseline (0), 3000 a minute"));
        System.out.println(ksFew.row("KS: Beta(2, 5) as the baseline (0), 600 a minute"));
        System.out.println(ks.row("KS: Beta(2, 5) as the baseline (0), 3000 a minute"));

        assertThat(few.failed() + many.failed() + ksFew.failed() + ks.failed()).isZero();
        assertThat(few.passed() + ksFew.passed())
                .as("passed on 1200 candidate events")
                .isZero();
        assertThat(many.passedShare()).as("passed by PSI at 3000 a minute").isGreaterThan(0.99);
        assertThat(ks.passedShare()).as("passed by KS at 3000 a minute").isGreaterThan(0.99);
    }

    @Test
    void aCandidateJustInsideTheBoundIsFailedWithinTheTestsShare() throws Exception {
        // Beta(2.5, 5): a PSI of 0.095 in these buckets, inside maxPsi 0.1; the bound alone failed 78% of these stages.
        double[] justInside = ScoreTraffic.betaBuckets(2.5, 5);
        Tally few = run(candidateScores(justInside, 600), "maxPsi", 500, 44);
        Tally many = run(candidateScores(justInside, 3000), "maxPsi", 500, 45);
        System.out.println(few.row("PSI: Beta(2.5, 5) (0.095), 600 a minute"));
        System.out.println(many.row("PSI: Beta(2.5, 5) (0.095), 3000 a minute"));

        assertThat(few.failedShare()).isLessThanOrEqualTo(TEST_SHARE);
        assertThat(many.failedShare()).isLessThanOrEqualTo(TEST_SHARE);
    }

    @Test
    void atTheBoundWithAWanderingInputMixTheFailuresStayWithinTheTestsShare() throws Exception {
        // Two kinds of input, their mix drawn afresh each minute (mean 30% kind B, CV 100%, traffic CV 100% too);
        // in each kind the candidate's scores are exactly at the bound.
        ScoreTraffic psiAtBound = new ScoreTraffic(
                KIND_A,
                KIND_B,
                ScoreTraffic.tiltedToPsi(KIND_A, 0.1),
                ScoreTraffic.tiltedToPsi(KIND_B, 0.1),
                3000,
                0.2,
                true,
                0.3,
                1);
        ScoreTraffic ksAtBound = new ScoreTraffic(
                KIND_A,
                KIND_B,
                ScoreTraffic.shiftedAbove(KIND_A, 4, 0.1),
                ScoreTraffic.shiftedAbove(KIND_B, 4, 0.1),
                3000,
                0.2,
                true,
                0.3,
                1);
        Tally psi = run(psiAtBound, "maxPsi", 500, 46);
        Tally ks = run(ksAtBound, "maxKs", 500, 47);
        System.out.println(psi.row("PSI: each kind at 0.1, mix wandering, 3000 a minute"));
        System.out.println(ks.row("KS: each kind at 0.1, mix wandering, 3000 a minute"));

        assertThat(psi.failedShare()).isLessThanOrEqualTo(TEST_SHARE);
        assertThat(ks.failedShare()).isLessThanOrEqualTo(TEST_SHARE);
    }

    @Test
    void aShiftOfTheScoresIsCaughtInTheShadow() throws Exception {
        // Beta(3, 5) against Beta(2, 5): the mean score moves from 0.29 to 0.38, a PSI of 0.33 and KS 0.23.
        double[] shifted = ScoreTraffic.betaBuckets(3, 5);
        Tally psiFew = run(candidateScores(shifted, 600), "maxPsi", 200, 48);
        Tally psiMany = run(candidateScores(shifted, 3000), "maxPsi", 200, 49);
        Tally ksFew = run(candidateScores(shifted, 600), "maxKs", 200, 50);
        System.out.println(psiFew.row("PSI: Beta(3, 5) (0.33), 600 a minute"));
        System.out.println(psiMany.row("PSI: Beta(3, 5) (0.33), 3000 a minute"));
        System.out.println(ksFew.row("KS: Beta(3, 5) (0.23), 600 a minute"));

        assertThat(psiMany.failedShare()).as("caught by PSI at 3000 a minute").isGreaterThan(0.9);
        assertThat(ksFew.failedShare()).as("caught by KS at 600 a minute").isGreaterThan(0.9);
        assertThat(psiFew.passed() + psiMany.passed() + ksFew.passed()).isZero();
    }
}
