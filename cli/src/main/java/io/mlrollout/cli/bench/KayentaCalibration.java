package io.mlrollout.cli.bench;

import java.util.BitSet;

/**
 * Tunes a Kayenta-style judge to one traffic level the way {@link TrafficCalibration} fits the threshold judge: on
 * rollouts generated with a seed of their own, never the ones it is then judged on.
 *
 * <p><b>The knobs.</b> Only what a Kayenta user can set: the {@link KayentaSchedule} ({@code beginAfterMins} and
 * {@code analysisIntervalMins}, with the bake's remaining minutes as {@code lifetimeDurationMins}). The classifier's
 * confidence is not one: Kayenta's NetflixACAJudge builds its Mann-Whitney classifier with 0.98 written in, and its
 * {@code kayenta.netflix.judge.confLevel} property is read by nothing. The score thresholds and the effect sizes stay as
 * the benchmark sets them, so the tuned judge scores and tolerates the same as the default one.
 *
 * <p><b>The rule.</b> Every schedule whose share of A/A calibration rollouts rolled back is at most the policy's
 * {@link BenchSetup#FALSE_ROLLBACK_RATE} is allowed; of those, the one with the smallest median minutes to a rollback on
 * calibration rollouts with doubled errors wins (then the most of them caught, then the fewest minutes in all, then the
 * shorter warm-up and the shorter interval).
 *
 * <p><b>Cheaply.</b> Each calibration rollout is judged once, over every window that starts with the bake
 * ({@link KayentaJudge#failuresFromStart}); a schedule without warm-up fails a rollout when one of its judgement minutes
 * does. A schedule with a warm-up of W minutes is judged on the same windows and its minutes shifted by W. Under
 * independent Poisson minutes the windows after a warm-up are distributed as those from the start, so this is exact
 * while the shifted windows stay in the canary stage; where they reach into the watch (other shares) and under the
 * other traffic models (drifts, a step at a random minute) it is an approximation for the tuning only: the tuned
 * judge is then judged, like every contender, on the benchmark's own rollouts.
 */
final class KayentaCalibration {

    /** The regression the schedule is tuned to catch fast: the error rate doubled, as issue 6's target says. */
    static final Scenario REGRESSION = Scenario.errors(2);

    /**
     * What one schedule does on the calibration rollouts.
     *
     * @param errors what it does on the doubled-error rollouts
     */
    record Outcome(int aaRuns, int aaRollbacks, Catch errors) {

        double aaRate() {
            return (double) aaRollbacks / aaRuns;
        }

        boolean withinBudget() {
            return aaRollbacks <= Math.floor(BenchSetup.FALSE_ROLLBACK_RATE * aaRuns + 1e-9);
        }

        /** Whether this outcome is faster on doubled errors than {@code other}. */
        boolean fasterThan(Outcome other) {
            return errors.compareTo(other.errors) < 0;
        }
    }

    private final double canaryPerSecond;
    private final BitSet[] aaFailures;
    private final BitSet[] errorFailures;

    private KayentaCalibration(double canaryPerSecond, BitSet[] aaFailures, BitSet[] errorFailures) {
        this.canaryPerSecond = canaryPerSecond;
        this.aaFailures = aaFailures;
        this.errorFailures = errorFailures;
    }

    /** Judges {@code aaRuns} A/A and {@code errorRuns} doubled-error rollouts, generated from {@code seed}. */
    static KayentaCalibration of(RolloutGenerator model, int aaRuns, int errorRuns, long seed) {
        BitSet[] aa = new BitSet[aaRuns];
        for (int r = 0; r < aaRuns; r++) {
            aa[r] = KayentaJudge.failuresFromStart(rollout(model, Scenario.AA, seed, r));
        }
        BitSet[] errors = new BitSet[errorRuns];
        for (int r = 0; r < errorRuns; r++) {
            errors[r] = KayentaJudge.failuresFromStart(rollout(model, REGRESSION, seed, r));
        }
        return new KayentaCalibration(model.canaryPerSecond(), aa, errors);
    }

    /** Calibration rollout {@code r} of {@code scenario}: A/A and doubled errors have streams of their own. */
    static Traffic rollout(RolloutGenerator model, Scenario scenario, long seed, int r) {
        return model.generate(scenario, Seeds.of(Seeds.of(seed, scenario.isAa() ? 0 : 1), r));
    }

    /** The allowed schedule fastest on doubled errors. */
    KayentaTuning tune() {
        KayentaSchedule best = null;
        Outcome bestOutcome = null;
        for (int begin = 0; begin < BenchSetup.MINUTES; begin++) {
            for (int interval = 1; begin + interval <= BenchSetup.MINUTES; interval++) {
                KayentaSchedule schedule = new KayentaSchedule(begin, interval);
                Outcome outcome = outcome(schedule);
                if (outcome.withinBudget() && (bestOutcome == null || outcome.fasterThan(bestOutcome))) {
                    best = schedule;
                    bestOutcome = outcome;
                }
            }
        }
        // a judgement after a one-minute interval at the bake's last minute has one value each and never fails, so
        // some schedule is always within the budget
        return new KayentaTuning(canaryPerSecond, best, bestOutcome);
    }

    /** The minutes at which {@code schedule} judges, counted from the end of its warm-up: bit k·interval − 1. */
    static BitSet judged(KayentaSchedule schedule) {
        BitSet judged = new BitSet(BenchSetup.MINUTES);
        for (int k = 1; k <= schedule.judgements(); k++) {
            judged.set(k * schedule.analysisIntervalMins() - 1);
        }
        return judged;
    }

    /** What {@code schedule} does on the calibration rollouts. */
    Outcome outcome(KayentaSchedule schedule) {
        BitSet judged = judged(schedule);
        int aaRollbacks = 0;
        for (BitSet failures : aaFailures) {
            aaRollbacks += failures.intersects(judged) ? 1 : 0;
        }
        return new Outcome(aaFailures.length, aaRollbacks, Catch.of(errorFailures, judged, schedule));
    }

    /**
     * What a schedule does on rollouts with a regression.
     *
     * @param median median minutes to a rollback, {@link RolloutJudge#PROMOTED} when fewer than half rolled back
     * @param minutes minutes to a rollback summed over the rollouts, counting one that passed as
     *     {@link BenchSetup#MINUTES} + 1
     */
    record Catch(int runs, int rollbacks, int median, long minutes) implements Comparable<Catch> {

        /** What {@code schedule}, judging at {@code judged}, does on rollouts whose failing windows are {@code failures}. */
        static Catch of(BitSet[] failures, BitSet judged, KayentaSchedule schedule) {
            int[] atMinute = new int[BenchSetup.MINUTES + 2]; // index MINUTES + 1: not rolled back
            for (BitSet rollout : failures) {
                atMinute[firstJudgedFailure(rollout, judged, schedule)]++;
            }
            long minutes = 0;
            int median = RolloutJudge.PROMOTED;
            int medianRank = (int) Math.ceil(0.5 * failures.length - 1e-9);
            int seen = 0;
            for (int minute = 1; minute <= BenchSetup.MINUTES + 1; minute++) {
                minutes += (long) minute * atMinute[minute];
                seen += atMinute[minute];
                if (median == RolloutJudge.PROMOTED && seen >= medianRank && minute <= BenchSetup.MINUTES) {
                    median = minute;
                }
            }
            return new Catch(failures.length, failures.length - atMinute[BenchSetup.MINUTES + 1], median, minutes);
        }

        /** Faster first: the smaller median, then the more rolled back, then the fewer minutes in all. */
        @Override
        public int compareTo(Catch other) {
            if (median != other.median) {
                return Integer.compare(median, other.median);
            }
            if (rollbacks != other.rollbacks) {
                return Integer.compare(other.rollbacks, rollbacks);
            }
            return Long.compare(minutes, other.minutes);
        }

        /** The minute of the first judgement of {@code schedule} that fails, or {@link BenchSetup#MINUTES} + 1. */
        private static int firstJudgedFailure(BitSet failures, BitSet judged, KayentaSchedule schedule) {
            for (int bit = failures.nextSetBit(0); bit >= 0; bit = failures.nextSetBit(bit + 1)) {
                if (judged.get(bit)) {
                    return schedule.beginAfterMins() + bit + 1;
                }
            }
            return BenchSetup.MINUTES + 1;
        }
    }
}
