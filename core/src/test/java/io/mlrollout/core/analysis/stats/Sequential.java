package io.mlrollout.core.analysis.stats;

import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.commons.rng.UniformRandomProvider;

/** Runs sequential procedures on simulated traffic: how many intervals until a rejection, if any. */
final class Sequential {

    /** Not rejected within the horizon. */
    static final int NEVER = Integer.MAX_VALUE;

    private Sequential() {}

    /**
     * Feeds fresh intervals to a fresh procedure (a predicate that takes one interval's counts and says whether it
     * rejects now) until it rejects or {@code horizon} intervals have passed.
     *
     * @return the 1-based interval of the rejection, or {@link #NEVER}
     */
    static int intervalsToRejection(
            Supplier<Predicate<Traffic.Counts>> procedure,
            Traffic traffic,
            double theta,
            int horizon,
            double countScale,
            UniformRandomProvider rng) {
        Predicate<Traffic.Counts> rejects = procedure.get();
        for (int i = 1; i <= horizon; i++) {
            if (rejects.test(traffic.interval(rng, theta, 60).scaled(countScale))) {
                return i;
            }
        }
        return NEVER;
    }

    /** Decisions of {@code runs} independent runs, seeded: each entry as {@link #intervalsToRejection}. */
    static int[] run(
            Supplier<Predicate<Traffic.Counts>> procedure,
            Traffic traffic,
            double theta,
            int horizon,
            int runs,
            long seed) {
        UniformRandomProvider rng = rng(seed);
        int[] result = new int[runs];
        for (int r = 0; r < runs; r++) {
            result[r] = intervalsToRejection(procedure, traffic, theta, horizon, 1, rng);
        }
        return result;
    }

    /** A seeded generator for the commons samplers. */
    static UniformRandomProvider rng(long seed) {
        return new SplittableRandom(seed)::nextLong;
    }

    /** The mixture test as a procedure. */
    static Supplier<Predicate<Traffic.Counts>> mixture(RateRatioTest test) {
        return () -> {
            RateRatioEvidence[] evidence = {test.empty()};
            return c -> {
                evidence[0] = test.add(evidence[0], c.canaryBad(), c.canaryTotal(), c.baselineBad(), c.baselineTotal());
                return test.rejects(evidence[0]);
            };
        };
    }

    /** The one-sided SPRT that knows the true θ (β = 0: rejects at 1/α, never accepts). */
    static Supplier<Predicate<Traffic.Counts>> oracle(double theta0, double trueTheta, double alpha) {
        return () -> {
            WaldSprt sprt = new WaldSprt(theta0, trueTheta, alpha, 0);
            return c -> sprt.add(c.canaryBad(), c.canaryTotal(), c.baselineBad(), c.baselineTotal())
                    == WaldSprt.Decision.REJECT_H0;
        };
    }

    /** The canary-only bound test as a procedure. */
    static Supplier<Predicate<Traffic.Counts>> bound(ProportionBoundTest test) {
        return () -> {
            ProportionEvidence[] evidence = {test.empty()};
            return c -> {
                evidence[0] = test.add(evidence[0], c.canaryBad(), c.canaryTotal());
                return test.rejects(evidence[0]);
            };
        };
    }
}
