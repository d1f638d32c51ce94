package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.testing.FakeServing;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Whole rollouts, seeded, through the shipped engine and judge: with no true difference (A/A) the rollout must roll
 * back no more often than the policy's false-rollback budget allows, and a 2× error regression must be caught.
 *
 * <p>Reproduce the figures: {@code mvn -B -q -pl core -am test -Dtest=RolloutSimulationTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; each test prints its measured rate.
 */
class RolloutSimulationTest {

    private static final double BUDGET = 0.01;

    @Test
    void aaRolloutsRollBackNoMoreOftenThanTheBudgetAllows() {
        int runs = 1000;
        int rolledBack = count(runs, 1, serving -> {}, Phase.ROLLED_BACK);
        double rate = (double) rolledBack / runs;
        // The budget plus three standard errors of a rate measured over this many runs.
        double tolerance = BUDGET + 3 * Math.sqrt(BUDGET * (1 - BUDGET) / runs);
        System.out.printf(
                "A/A: %d of %d rollouts rolled back (%.2f%%; budget %.0f%%, tolerance %.2f%%)%n",
                rolledBack, runs, 100 * rate, 100 * BUDGET, 100 * tolerance);
        assertThat(rate).isLessThanOrEqualTo(tolerance);
    }

    @Test
    void aDoubledErrorRateIsCaughtInNearlyEveryRollout() {
        int runs = 300;
        int rolledBack = count(
                runs, 10_000, serving -> serving.candidateErrorRate = 2 * serving.baselineErrorRate, Phase.ROLLED_BACK);
        double rate = (double) rolledBack / runs;
        System.out.printf("2x error rate: %d of %d rollouts rolled back (%.1f%%)%n", rolledBack, runs, 100 * rate);
        assertThat(rate).isGreaterThanOrEqualTo(0.95);
    }

    /** Runs {@code runs} seeded rollouts (canary, then promotion when it passes) and counts those ending in {@code phase}. */
    private static int count(int runs, long firstSeed, Consumer<FakeServing> candidate, Phase phase) {
        // three stages and a watched promotion: 40 looks at two metrics, three sequential tests, one budget of 1%
        Policy policy = Harness.policy(RolloutEngineTest.THREE_STAGES);
        int hits = 0;
        for (int run = 0; run < runs; run++) {
            Harness h = new Harness();
            h.serving.noise = new SplittableRandom(firstSeed + run);
            candidate.accept(h.serving);
            h.start(policy, Optional.empty(), "alice").runToRest();
            if (h.phase() == Phase.CANARY_PASSED) {
                h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
                h.runToRest();
            }
            if (h.phase() == phase) {
                hits++;
            }
        }
        return hits;
    }
}
