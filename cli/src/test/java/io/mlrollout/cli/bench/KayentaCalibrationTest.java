package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The tuning of Kayenta's schedule, on a small calibration at 20 req/s, checked against the judge itself. */
class KayentaCalibrationTest {

    private static final TrafficModel POISSON = TrafficModel.named("poisson");

    private static final int AA_RUNS = 1000;
    private static final int ERROR_RUNS = 100;
    private static final long SEED = 17;
    private static final RolloutGenerator MODEL =
            new RolloutGenerator(POISSON, 20, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS);
    private static final KayentaCalibration CALIBRATION = KayentaCalibration.of(MODEL, AA_RUNS, ERROR_RUNS, SEED);

    @Test
    void theTunedScheduleKeepsTheCalibrationRolloutsWithinTheBudgetWhenTheJudgeRunsIt() {
        KayentaTuning tuning = CALIBRATION.tune();
        assertThat(tuning.canaryPerSecond()).isEqualTo(20);
        KayentaJudge judge = new KayentaJudge(tuning.schedule());
        int rollbacks = 0;
        for (int r = 0; r < AA_RUNS; r++) {
            rollbacks += judge.decide(KayentaCalibration.rollout(MODEL, Scenario.AA, SEED, r)) != RolloutJudge.PROMOTED
                    ? 1
                    : 0;
        }
        assertThat(rollbacks).isLessThanOrEqualTo((int) (BenchSetup.FALSE_ROLLBACK_RATE * AA_RUNS));
        assertThat(tuning.outcome().withinBudget()).isTrue();
        assertThat(tuning.outcome().errors().median()).isLessThan(RolloutJudge.PROMOTED);
    }

    @Test
    void kayentaJudgingEveryMinuteSpendsFarMoreThanTheBudget() {
        KayentaCalibration.Outcome everyMinute = CALIBRATION.outcome(KayentaSchedule.EVERY_MINUTE);
        assertThat(everyMinute.withinBudget()).isFalse();
        assertThat(everyMinute.aaRate()).isGreaterThan(5 * BenchSetup.FALSE_ROLLBACK_RATE);
    }

    @Test
    void everyScheduleFasterOnDoubledErrorsSpendsMoreThanTheBudget() {
        KayentaTuning tuning = CALIBRATION.tune();
        int faster = 0;
        for (int begin = 0; begin < BenchSetup.MINUTES; begin++) {
            for (int interval = 1; begin + interval <= BenchSetup.MINUTES; interval++) {
                KayentaCalibration.Outcome outcome = CALIBRATION.outcome(new KayentaSchedule(begin, interval));
                if (outcome.fasterThan(tuning.outcome())) {
                    assertThat(outcome.withinBudget())
                            .as("begin %d, interval %d: %s", begin, interval, outcome)
                            .isFalse();
                    faster++;
                }
            }
        }
        assertThat(faster).isPositive();
    }

    @Test
    void outcomesWithoutWarmUpAreWhatTheJudgeDoesOnTheCalibrationRollouts() {
        for (int interval : new int[] {1, 2, 4, 7}) {
            KayentaSchedule schedule = new KayentaSchedule(0, interval);
            KayentaJudge judge = new KayentaJudge(schedule);
            int aaRollbacks = 0;
            for (int r = 0; r < AA_RUNS; r++) {
                aaRollbacks +=
                        judge.decide(KayentaCalibration.rollout(MODEL, Scenario.AA, SEED, r)) != RolloutJudge.PROMOTED
                                ? 1
                                : 0;
            }
            int[] decisions = new int[ERROR_RUNS];
            for (int r = 0; r < ERROR_RUNS; r++) {
                decisions[r] = judge.decide(KayentaCalibration.rollout(MODEL, KayentaCalibration.REGRESSION, SEED, r));
            }
            CellResult errors =
                    new CellResult("poisson", KayentaCalibration.REGRESSION, 20, Contender.KAYENTA_TUNED, decisions);
            KayentaCalibration.Outcome outcome = CALIBRATION.outcome(schedule);
            assertThat(outcome.aaRollbacks()).as("interval %d", interval).isEqualTo(aaRollbacks);
            assertThat(outcome.errors().rollbacks()).as("interval %d", interval).isEqualTo(errors.rollbacks());
            assertThat(outcome.errors().median()).as("interval %d", interval).isEqualTo(errors.median());
            long minutes = Arrays.stream(decisions)
                    .mapToLong(d -> d == RolloutJudge.PROMOTED ? BenchSetup.MINUTES + 1 : d)
                    .sum();
            assertThat(outcome.errors().minutes()).as("interval %d", interval).isEqualTo(minutes);
        }
    }

    @Test
    void aWarmUpDelaysEveryJudgementByItsMinutes() {
        KayentaCalibration.Outcome without = CALIBRATION.outcome(new KayentaSchedule(0, 5));
        KayentaCalibration.Outcome with = CALIBRATION.outcome(new KayentaSchedule(10, 5));
        // two judgements fewer (minutes 65 and 70 of the window), each of the others ten minutes later
        assertThat(with.aaRollbacks()).isLessThanOrEqualTo(without.aaRollbacks());
        assertThat(with.errors().median()).isEqualTo(without.errors().median() + 10);
    }
}
