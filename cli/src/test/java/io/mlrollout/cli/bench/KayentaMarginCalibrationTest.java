package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tuning of Kayenta's schedule and effect sizes held to the margins, checked against the judge itself. */
class KayentaMarginCalibrationTest {

    private static final int ALLOWED_RUNS = 400;
    private static final int REGRESSION_RUNS = 100;
    private static final long SEED = 23;
    private static final RolloutGenerator MODEL =
            new RolloutGenerator(TrafficModel.named("poisson"), 20, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS);
    private static final KayentaMarginCalibration CALIBRATION =
            KayentaMarginCalibration.of(MODEL, ALLOWED_RUNS, REGRESSION_RUNS, SEED);

    @Test
    void theTunedSettingKeepsEveryAllowedKindWithinTheBudgetWhenTheJudgeRunsIt() {
        KayentaMarginTuning tuning = CALIBRATION.tune();
        KayentaJudge judge = tuning.judge();
        List<Scenario> allowed = CALIBRATION.allowed();
        assertThat(allowed).extracting(Scenario::name).containsExactly("A/A", "errors 1.1x", "p99 +5%");
        int budget = (int) (BenchSetup.FALSE_ROLLBACK_RATE * ALLOWED_RUNS);
        for (int kind = 0; kind < allowed.size(); kind++) {
            int rollbacks = 0;
            for (int r = 0; r < ALLOWED_RUNS; r++) {
                Traffic traffic = MODEL.generate(allowed.get(kind), Seeds.of(Seeds.of(SEED, kind), r));
                rollbacks += judge.decide(traffic) != RolloutJudge.PROMOTED ? 1 : 0;
            }
            assertThat(rollbacks).as(allowed.get(kind).name()).isLessThanOrEqualTo(budget);
            assertThat(tuning.outcome().allowedRollbacks().get(kind))
                    .as(allowed.get(kind).name())
                    .isEqualTo(rollbacks);
        }
        assertThat(tuning.outcome().errors().median()).isLessThan(RolloutJudge.PROMOTED);
    }

    @Test
    void thePolicysMarginsAsEffectSizesCannotJudgeEveryMinuteWithinTheBudget() {
        assertThat(CALIBRATION.outcome(
                        KayentaSchedule.EVERY_MINUTE,
                        KayentaJudge.ERRORS_ALLOWED_INCREASE,
                        KayentaJudge.LATENCY_ALLOWED_INCREASE))
                .isNull();
    }

    @Test
    void everySettingFasterOnDoubledErrorsRollsBackMoreAllowedCandidatesThanTheBudget() {
        KayentaMarginTuning tuning = CALIBRATION.tune();
        int begin = tuning.schedule().beginAfterMins();
        for (int interval = 1; begin + interval <= BenchSetup.MINUTES; interval++) {
            for (double errors : KayentaMarginCalibration.ERROR_EFFECT_SIZES) {
                for (double latency : KayentaMarginCalibration.LATENCY_EFFECT_SIZES) {
                    KayentaMarginCalibration.Outcome outcome =
                            CALIBRATION.outcome(new KayentaSchedule(begin, interval), errors, latency);
                    if (outcome != null) {
                        assertThat(outcome.fasterThan(tuning.outcome()))
                                .as("interval %d, effect sizes %s and %s: %s", interval, errors, latency, outcome)
                                .isFalse();
                    }
                }
            }
        }
    }
}
