package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.function.Predicate;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

/** Seeded simulations of the rate-ratio test under continuous monitoring (one look per simulated minute). */
class RateRatioSimulationTest {

    private static final int HORIZON = 60;

    @Test
    void aaRunsRejectAtMostAlpha() {
        double alpha = 0.05;
        int runs = 2000;
        int[] result = Sequential.run(
                Sequential.mixture(new RateRatioTest(1.1, alpha)),
                new Traffic(20, 0.25, 0.01),
                1.0,
                HORIZON,
                runs,
                101);
        assertThat(rejected(result)).isLessThanOrEqualTo(tolerance(alpha, runs));
    }

    @Test
    void runsAtTheNullBoundaryRejectAtMostAlphaEvenAsTheShareChanges() {
        double alpha = 0.05;
        int runs = 2000;
        RateRatioTest test = new RateRatioTest(1.1, alpha);
        UniformRandomProvider rng = Sequential.rng(103);
        double[] shares = {0.05, 0.25, 0.5};
        int rejected = 0;
        for (int r = 0; r < runs; r++) {
            Predicate<Traffic.Counts> rejects = Sequential.mixture(test).get();
            boolean any = false;
            for (int i = 0; i < HORIZON && !any; i++) {
                double share = shares[i * shares.length / HORIZON];
                any = rejects.test(new Traffic(60 * share, share, 0.01).interval(rng, 1.1, 60));
            }
            rejected += any ? 1 : 0;
        }
        assertThat(rejected / (double) runs).isLessThanOrEqualTo(tolerance(alpha, runs));
    }

    @Test
    void aDoubledErrorRateAtMediumTrafficIsCaughtWithinMinutes() {
        int[] result = Sequential.run(
                Sequential.mixture(new RateRatioTest(1.1, 0.0025)),
                new Traffic(20, 0.25, 0.01),
                2.0,
                HORIZON,
                500,
                107);
        assertThat(rejected(result)).isGreaterThanOrEqualTo(0.95);
        assertThat(median(result)).isLessThanOrEqualTo(5);
    }

    @Test
    void needsAtMostOneAndAHalfTimesTheOraclesTimeForADoubledErrorRateAtLowTraffic() {
        Traffic low = new Traffic(2, 0.25, 0.01);
        int[] ours = Sequential.run(Sequential.mixture(new RateRatioTest(1.1, 0.0025)), low, 2.0, 240, 500, 109);
        int[] oracle = Sequential.run(Sequential.oracle(1.1, 2.0, 0.0025), low, 2.0, 240, 500, 109);
        assertThat((double) median(ours)).isLessThanOrEqualTo(1.5 * median(oracle));
    }

    /** α plus three standard errors of a rejection rate over {@code runs} runs. */
    static double tolerance(double alpha, int runs) {
        return alpha + 3 * Math.sqrt(alpha * (1 - alpha) / runs);
    }

    static double rejected(int[] intervals) {
        return Arrays.stream(intervals).filter(i -> i != Sequential.NEVER).count() / (double) intervals.length;
    }

    private static int median(int[] intervals) {
        int[] sorted = intervals.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
