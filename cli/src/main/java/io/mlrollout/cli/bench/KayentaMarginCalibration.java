package io.mlrollout.cli.bench;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Tunes a Kayenta-style judge to one traffic level under the promise our policies make: at most
 * {@link BenchSetup#FALSE_ROLLBACK_RATE} of candidates the policy allows are rolled back, healthy ones and those exactly
 * at a margin (errors 1.1×, every request 5% slower) alike. {@link KayentaCalibration} holds the schedule to healthy
 * rollouts only; Kayenta has no margin of its own, and its effect sizes read the per-minute error ratio and the
 * interpolated quantile, which a 5% slowdown moves by other amounts (the interpolated p95 of the benchmark's buckets by
 * 9%), so a schedule tuned on healthy rollouts alone may roll back most candidates at a margin.
 *
 * <p><b>The knobs.</b> What a Kayenta user sets: the {@link KayentaSchedule} and each metric's effect size
 * ({@code allowedIncrease}, canary mean over baseline mean), from the grids below.
 *
 * <p><b>The rule.</b> Of the settings that roll back at most the budget of each kind of allowed calibration rollout
 * (A/A, errors at the margin, latency at the margin), the one fastest on doubled errors wins, as for
 * {@link KayentaCalibration}; then the one fastest on a 25% slowdown (so the latency effect size is the most sensitive
 * the margins leave), then the smaller effect sizes and the shorter warm-up and interval. Each calibration rollout is read
 * once over every window from its start ({@link KayentaJudge#readingsFromStart}), and a warm-up shifts those windows,
 * as there.
 */
final class KayentaMarginCalibration {

    /**
     * Effect sizes the errors metric may be given: the margin, and larger (never smaller: the readings are taken from
     * the margin up, and a smaller one only rolls back more of the candidates at the margin).
     */
    static final double[] ERROR_EFFECT_SIZES = {KayentaJudge.ERRORS_ALLOWED_INCREASE, 1.15, 1.2, 1.3, 1.4, 1.5, 1.75, 2
    };

    /** Effect sizes the latency metric may be given: the margin, and larger. */
    static final double[] LATENCY_EFFECT_SIZES = {
        KayentaJudge.LATENCY_ALLOWED_INCREASE, 1.075, 1.1, 1.125, 1.15, 1.2, 1.25, 1.3, 1.4, 1.5
    };

    /** The errors regression the settings are tuned to catch fast, as for {@link KayentaCalibration}. */
    static final Scenario ERRORS_REGRESSION = KayentaCalibration.REGRESSION;

    /** The latency regression that breaks ties: every request 25% slower. */
    static final double LATENCY_REGRESSION = 1.25;

    /**
     * What one setting does on the calibration rollouts.
     *
     * @param allowedRuns runs of each kind of allowed rollout
     * @param allowedRollbacks rollbacks of the A/A, errors-at-the-margin and latency-at-the-margin rollouts
     * @param errors what it does on doubled errors
     * @param latency what it does on a 25% slowdown
     */
    record Outcome(
            int allowedRuns,
            List<Integer> allowedRollbacks,
            KayentaCalibration.Catch errors,
            KayentaCalibration.Catch latency) {

        boolean withinBudget() {
            for (int rollbacks : allowedRollbacks) {
                if (rollbacks > budget(allowedRuns)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether this outcome is faster than {@code other}: on doubled errors, then on the slowdown. */
        boolean fasterThan(Outcome other) {
            int byErrors = errors.compareTo(other.errors);
            return byErrors != 0 ? byErrors < 0 : latency.compareTo(other.latency) < 0;
        }
    }

    /** The most rollbacks of {@code runs} allowed rollouts within the policy's false-rollback rate. */
    private static int budget(int runs) {
        return (int) Math.floor(BenchSetup.FALSE_ROLLBACK_RATE * runs + 1e-9);
    }

    private final RolloutGenerator model;
    private final int allowedRuns;
    private final List<Scenario> allowed;
    private final KayentaJudge.WindowReadings[][] allowedReadings;
    private final KayentaJudge.WindowReadings[] errorReadings;
    private final KayentaJudge.WindowReadings[] latencyReadings;

    private KayentaMarginCalibration(
            RolloutGenerator model,
            int allowedRuns,
            List<Scenario> allowed,
            KayentaJudge.WindowReadings[][] allowedReadings,
            KayentaJudge.WindowReadings[] errorReadings,
            KayentaJudge.WindowReadings[] latencyReadings) {
        this.model = model;
        this.allowedRuns = allowedRuns;
        this.allowed = allowed;
        this.allowedReadings = allowedReadings;
        this.errorReadings = errorReadings;
        this.latencyReadings = latencyReadings;
    }

    /**
     * Reads {@code allowedRuns} rollouts of each allowed kind and {@code regressionRuns} of each regression, generated
     * from {@code seed}, each kind on a stream of its own.
     */
    static KayentaMarginCalibration of(RolloutGenerator model, int allowedRuns, int regressionRuns, long seed) {
        List<Scenario> allowed = Scenario.atTheMargin(model.quantile());
        KayentaJudge.WindowReadings[][] allowedReadings = new KayentaJudge.WindowReadings[allowed.size()][];
        for (int kind = 0; kind < allowed.size(); kind++) {
            allowedReadings[kind] = readings(model, allowed.get(kind), allowedRuns, Seeds.of(seed, kind));
        }
        return new KayentaMarginCalibration(
                model,
                allowedRuns,
                allowed,
                allowedReadings,
                readings(model, ERRORS_REGRESSION, regressionRuns, Seeds.of(seed, allowed.size())),
                readings(
                        model,
                        Scenario.latency(LATENCY_REGRESSION, model.quantile()),
                        regressionRuns,
                        Seeds.of(seed, allowed.size() + 1)));
    }

    private static KayentaJudge.WindowReadings[] readings(
            RolloutGenerator model, Scenario scenario, int runs, long stream) {
        KayentaJudge.WindowReadings[] readings = new KayentaJudge.WindowReadings[runs];
        for (int r = 0; r < runs; r++) {
            readings[r] = KayentaJudge.readingsFromStart(model.generate(scenario, Seeds.of(stream, r)));
        }
        return readings;
    }

    /** The allowed kinds of rollout, in the order of {@link Outcome#allowedRollbacks()}. */
    List<Scenario> allowed() {
        return allowed;
    }

    /** The fastest setting within the budget on every allowed kind. */
    KayentaMarginTuning tune() {
        KayentaMarginTuning best = null;
        for (double errorsAllowed : ERROR_EFFECT_SIZES) {
            for (double latencyAllowed : LATENCY_EFFECT_SIZES) {
                Failures failures = failures(errorsAllowed, latencyAllowed);
                for (int begin = 0; begin < BenchSetup.MINUTES; begin++) {
                    for (int interval = 1; begin + interval <= BenchSetup.MINUTES; interval++) {
                        KayentaSchedule schedule = new KayentaSchedule(begin, interval);
                        Outcome outcome = failures.outcome(schedule);
                        if (outcome != null && (best == null || outcome.fasterThan(best.outcome()))) {
                            best = new KayentaMarginTuning(
                                    model.canaryPerSecond(), schedule, errorsAllowed, latencyAllowed, outcome);
                        }
                    }
                }
            }
        }
        // a single judgement at the bake's last minute over one value each never fails, so some setting is allowed
        return best;
    }

    /** What {@code schedule} does with these effect sizes; null when it rolls back more allowed rollouts than budgeted. */
    Outcome outcome(KayentaSchedule schedule, double errorsAllowed, double latencyAllowed) {
        return failures(errorsAllowed, latencyAllowed).outcome(schedule);
    }

    private Failures failures(double errorsAllowed, double latencyAllowed) {
        BitSet[][] allowedFailures = new BitSet[allowedReadings.length][];
        for (int kind = 0; kind < allowedReadings.length; kind++) {
            allowedFailures[kind] = failures(allowedReadings[kind], errorsAllowed, latencyAllowed);
        }
        return new Failures(
                allowedRuns,
                allowedFailures,
                failures(errorReadings, errorsAllowed, latencyAllowed),
                failures(latencyReadings, errorsAllowed, latencyAllowed));
    }

    private static BitSet[] failures(
            KayentaJudge.WindowReadings[] readings, double errorsAllowed, double latencyAllowed) {
        BitSet[] failures = new BitSet[readings.length];
        for (int r = 0; r < readings.length; r++) {
            failures[r] = readings[r].failures(errorsAllowed, latencyAllowed);
        }
        return failures;
    }

    /** The calibration rollouts' failing windows under one pair of effect sizes. */
    private record Failures(int allowedRuns, BitSet[][] allowed, BitSet[] errors, BitSet[] latency) {

        Outcome outcome(KayentaSchedule schedule) {
            BitSet judged = KayentaCalibration.judged(schedule);
            int budget = budget(allowedRuns);
            int[] rollbacks = new int[allowed.length];
            for (int kind = 0; kind < allowed.length; kind++) {
                for (BitSet failures : allowed[kind]) {
                    if (failures.intersects(judged) && ++rollbacks[kind] > budget) {
                        return null; // over the budget: no need to count further
                    }
                }
            }
            return new Outcome(
                    allowedRuns,
                    Arrays.stream(rollbacks).boxed().toList(),
                    KayentaCalibration.Catch.of(errors, judged, schedule),
                    KayentaCalibration.Catch.of(latency, judged, schedule));
        }
    }
}
