package io.mlrollout.cli.bench;

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
 * does. A schedule with a warm-up of W minutes is judged on the same windows and its minutes shifted by W: in the
 * simulation every minute is drawn alike and independently, so the windows after a warm-up are distributed as those
 * from the start.
 */
final class KayentaCalibration {

    /** The regression the schedule is tuned to catch fast: the error rate doubled, as issue 6's target says. */
    static final Scenario REGRESSION = Scenario.errors(2);

    /**
     * What one schedule does on the calibration rollouts.
     *
     * @param errorMedian median minutes to a rollback on the doubled-error rollouts, {@link RolloutJudge#PASSED} when
     *     fewer than half rolled back
     * @param errorMinutes minutes to a rollback summed over the doubled-error rollouts, counting one that passed as
     *     {@link BenchSetup#LOOKS} + 1
     */
    record Outcome(int aaRuns, int aaRollbacks, int errorRuns, int errorRollbacks, int errorMedian, long errorMinutes) {

        double aaRate() {
            return (double) aaRollbacks / aaRuns;
        }

        boolean withinBudget() {
            return aaRollbacks <= Math.floor(BenchSetup.FALSE_ROLLBACK_RATE * aaRuns + 1e-9);
        }

        /** Whether this outcome is faster on doubled errors than {@code other}. */
        boolean fasterThan(Outcome other) {
            if (errorMedian != other.errorMedian) {
                return errorMedian < other.errorMedian;
            }
            if (errorRollbacks != other.errorRollbacks) {
                return errorRollbacks > other.errorRollbacks;
            }
            return errorMinutes < other.errorMinutes;
        }
    }

    private final double canaryPerSecond;
    private final long[] aaFailures;
    private final long[] errorFailures;

    private KayentaCalibration(double canaryPerSecond, long[] aaFailures, long[] errorFailures) {
        this.canaryPerSecond = canaryPerSecond;
        this.aaFailures = aaFailures;
        this.errorFailures = errorFailures;
    }

    /** Judges {@code aaRuns} A/A and {@code errorRuns} doubled-error rollouts, generated from {@code seed}. */
    static KayentaCalibration of(TrafficModel model, int aaRuns, int errorRuns, long seed) {
        long[] aa = new long[aaRuns];
        for (int r = 0; r < aaRuns; r++) {
            aa[r] = KayentaJudge.failuresFromStart(rollout(model, Scenario.AA, seed, r));
        }
        long[] errors = new long[errorRuns];
        for (int r = 0; r < errorRuns; r++) {
            errors[r] = KayentaJudge.failuresFromStart(rollout(model, REGRESSION, seed, r));
        }
        return new KayentaCalibration(model.canaryPerSecond(), aa, errors);
    }

    /** Calibration rollout {@code r} of {@code scenario}: A/A and doubled errors have streams of their own. */
    static Traffic rollout(TrafficModel model, Scenario scenario, long seed, int r) {
        return model.generate(scenario, Seeds.of(Seeds.of(seed, scenario.isAa() ? 0 : 1), r));
    }

    /** The allowed schedule fastest on doubled errors. */
    KayentaTuning tune() {
        KayentaSchedule best = null;
        Outcome bestOutcome = null;
        for (int begin = 0; begin < BenchSetup.LOOKS; begin++) {
            for (int interval = 1; begin + interval <= BenchSetup.LOOKS; interval++) {
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

    /** What {@code schedule} does on the calibration rollouts. */
    Outcome outcome(KayentaSchedule schedule) {
        long judged = 0;
        for (int k = 1; k <= schedule.judgements(); k++) {
            judged |= 1L << (k * schedule.analysisIntervalMins() - 1);
        }
        int aaRollbacks = 0;
        for (long failures : aaFailures) {
            aaRollbacks += (failures & judged) != 0 ? 1 : 0;
        }
        int[] atMinute = new int[BenchSetup.LOOKS + 2]; // index LOOKS + 1: passed
        for (long failures : errorFailures) {
            long failed = failures & judged;
            atMinute[
                    failed == 0
                            ? BenchSetup.LOOKS + 1
                            : schedule.beginAfterMins() + Long.numberOfTrailingZeros(failed) + 1]++;
        }
        int errorRollbacks = errorFailures.length - atMinute[BenchSetup.LOOKS + 1];
        long errorMinutes = 0;
        int median = RolloutJudge.PASSED;
        int medianRank = (int) Math.ceil(0.5 * errorFailures.length - 1e-9);
        int seen = 0;
        for (int minute = 1; minute <= BenchSetup.LOOKS + 1; minute++) {
            errorMinutes += (long) minute * atMinute[minute];
            seen += atMinute[minute];
            if (median == RolloutJudge.PASSED && seen >= medianRank && minute <= BenchSetup.LOOKS) {
                median = minute;
            }
        }
        return new Outcome(aaFailures.length, aaRollbacks, errorFailures.length, errorRollbacks, median, errorMinutes);
    }
}
