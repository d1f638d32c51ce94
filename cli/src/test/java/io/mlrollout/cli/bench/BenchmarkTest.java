package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness itself, on a few runs: repeatable, the valid judges stay within their bounds, and clear cases are caught. */
class BenchmarkTest {

    private static final String POISSON = "poisson";

    private static final List<TrafficModel> ALL = TrafficModel.all();

    private static Benchmark.Results run(
            int runs, long seed, int threads, List<Scenario> scenarios, List<Double> rates) {
        return run(runs, seed, threads, List.of(TrafficModel.named(POISSON)), scenarios, rates);
    }

    private static Benchmark.Results run(
            int runs, long seed, int threads, List<TrafficModel> models, List<Scenario> scenarios, List<Double> rates) {
        return Benchmark.run(
                new Benchmark.Settings(
                        runs, 400, seed, threads, models, scenarios, rates, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS),
                line -> {});
    }

    @Test
    void theSameSeedGivesTheSameFiguresWhateverTheThreads() {
        List<Scenario> scenarios = List.of(Scenario.AA, Scenario.errors(1.5), Scenario.latency(1.25));
        List<Double> rates = List.of(2.0, 20.0);
        List<TrafficModel> models = List.of(TrafficModel.named("production"));
        Benchmark.Results one = run(20, 7, 1, models, scenarios, rates);
        Benchmark.Results again = run(20, 7, 2, models, scenarios, rates);
        assertThat(again.cells()).isEqualTo(one.cells());
        assertThat(again.calibrations()).isEqualTo(one.calibrations());
        assertThat(again.kayentaTunings()).isEqualTo(one.kayentaTunings());
        assertThat(again.kayentaMarginTunings()).isEqualTo(one.kayentaMarginTunings());
        assertThat(ResultsCsv.csv(again)).isEqualTo(ResultsCsv.csv(one));
        assertThat(run(20, 8, 1, models, scenarios, rates).cells()).isNotEqualTo(one.cells());
        assertThat(one.cell("production", Scenario.AA, 2.0, Contender.OURS).runs())
                .isEqualTo(20);
    }

    @Test
    void aaRollbacksOfOursAndTheOracleStayWithinTheirBounds() {
        Benchmark.Results results = run(100, 3, 2, List.of(Scenario.AA), BenchSetup.CANARY_RATES);
        for (double rate : BenchSetup.CANARY_RATES) {
            for (Contender contender : List.of(Contender.OURS_P99, Contender.OURS)) {
                CellResult ours = results.cell(POISSON, Scenario.AA, rate, contender);
                assertThat(ours.runs()).isEqualTo(100);
                assertThat(ours.rollbackRate())
                        .as("%s at %s req/s", contender.label(), rate)
                        .isLessThanOrEqualTo(BenchSetup.FALSE_ROLLBACK_RATE);
            }
            CellResult oracle = results.cell(POISSON, Scenario.AA, rate, Contender.ORACLE);
            assertThat(oracle.rollbackRate())
                    .as("oracle at %s req/s", rate)
                    .isLessThanOrEqualTo(2 * BenchSetup.ALPHA_PER_TEST);
        }
    }

    @Test
    void aThreefoldErrorRegressionIsCaughtByEveryJudge() {
        Benchmark.Results results = run(40, 5, 2, List.of(Scenario.errors(3)), List.of(20.0, 200.0));
        for (double rate : List.of(20.0, 200.0)) {
            for (Contender contender : Contender.values()) {
                CellResult cell = results.cell(POISSON, Scenario.errors(3), rate, contender);
                assertThat(cell.rollbackRate())
                        .as("%s at %s req/s", contender, rate)
                        .isEqualTo(1.0);
                if (contender == Contender.CLAIRVOYANT_ONE_LOOK) {
                    // it looks once, at the canary stage's last minute
                    assertThat(cell.median())
                            .as("%s at %s req/s", contender, rate)
                            .isEqualTo(OneLookJudge.MINUTE);
                } else {
                    assertThat(cell.p90()).as("%s at %s req/s", contender, rate).isLessThanOrEqualTo(10);
                }
            }
        }
    }

    @Test
    void theKayentaContendersAreTheSameJudgeOnTheirOwnSchedules() {
        Benchmark.Results results = run(10, 9, 1, List.of(Scenario.AA), List.of(20.0));
        Benchmark.Level level = new Benchmark.Level(POISSON, 20.0);
        KayentaTuning tuning = results.kayentaTunings().get(level);
        KayentaMarginTuning marginTuning = results.kayentaMarginTunings().get(level);
        TrafficCalibration calibration = results.calibrations().get(level);
        assertThat(Contender.KAYENTA_TUNED.judgeFor(
                        Scenario.AA, calibration, tuning, marginTuning, 250, BenchSetup.DEFAULT_QUANTILE))
                .isInstanceOfSatisfying(
                        KayentaJudge.class,
                        judge -> assertThat(judge.schedule()).isEqualTo(tuning.schedule()));
        assertThat(Contender.KAYENTA_AT_MARGINS.judgeFor(
                        Scenario.AA, calibration, tuning, marginTuning, 250, BenchSetup.DEFAULT_QUANTILE))
                .isInstanceOfSatisfying(
                        KayentaJudge.class,
                        judge -> assertThat(judge.schedule()).isEqualTo(marginTuning.schedule()));
        assertThat(marginTuning.outcome().allowedRuns()).isEqualTo(400);
        assertThat(marginTuning.outcome().withinBudget()).isTrue();
        assertThat(Contender.KAYENTA.judgeFor(
                        Scenario.AA, calibration, tuning, marginTuning, 250, BenchSetup.DEFAULT_QUANTILE))
                .isInstanceOfSatisfying(
                        KayentaJudge.class,
                        judge -> assertThat(judge.schedule()).isEqualTo(KayentaSchedule.EVERY_MINUTE));
        assertThat(tuning.schedule()).isNotEqualTo(KayentaSchedule.EVERY_MINUTE);
        assertThat(tuning.outcome().aaRuns()).isEqualTo(400);
        assertThat(tuning.outcome().errors().runs()).isEqualTo(Benchmark.kayentaErrorRuns(400));
        assertThat(tuning.outcome().withinBudget()).isTrue();
    }

    @Test
    void mediansAndP90CountRunsThatNeverRolledBack() {
        int never = RolloutJudge.PROMOTED;
        CellResult cell =
                new CellResult(POISSON, Scenario.errors(2), 2, Contender.OURS, new int[] {never, 3, 9, never, 5});
        assertThat(cell.rollbacks()).isEqualTo(3);
        assertThat(cell.median()).isEqualTo(9); // the 3rd of 3, 5, 9, never, never
        assertThat(cell.p90()).isEqualTo(never);
        assertThat(cell.rollbackMinutesAt(0.5)).isEqualTo(5);
        assertThat(cell.rollbackMinutesAt(0.9)).isEqualTo(9);
        assertThat(new CellResult(POISSON, Scenario.AA, 2, Contender.OURS, new int[] {never}).rollbackMinutesAt(0.5))
                .isEqualTo(never);
        assertThat(Formats.minutes(cell.p90())).isEqualTo(">70");
        assertThat(Formats.ratio(7, never)).isEqualTo("<0.10");
        assertThat(Formats.ratio(6, 3)).isEqualTo("2.00");
    }

    @Test
    void anInconclusiveRunIsNeitherARollbackNorAPromotion() {
        int inconclusive = RolloutJudge.INCONCLUSIVE;
        int promoted = RolloutJudge.PROMOTED;
        CellResult aa = new CellResult(
                POISSON, Scenario.AA, 2, Contender.OURS, new int[] {promoted, inconclusive, 64, promoted});
        assertThat(aa.rollbacks()).isEqualTo(1);
        assertThat(aa.inconclusives()).isEqualTo(1);
        assertThat(aa.promotions()).isEqualTo(2);
        assertThat(aa.rollbackRate()).isEqualTo(0.25);
        assertThat(aa.inconclusiveShare()).isEqualTo(0.25);
        assertThat(aa.median()).isEqualTo(inconclusive);
        assertThat(Formats.minutes(aa.median())).isEqualTo(">70");
    }

    @Test
    void theRollbackIntervalIsWilsons() {
        // Wilson's 95% interval for 0 of 100 is [0, 3.70%]; for 5 of 1000 [0.21%, 1.17%]
        double[] none = CellResult.wilson(0, 100);
        assertThat(none[0]).isZero();
        assertThat(none[1]).isCloseTo(0.0370, within(0.0001));
        double[] few = CellResult.wilson(5, 1000);
        assertThat(few[0]).isCloseTo(0.00214, within(0.00002));
        assertThat(few[1]).isCloseTo(0.01164, within(0.00002));
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new Benchmark.Settings(0, 400, 1, 1, ALL, List.of(Scenario.AA), List.of(2.0), 250))
                .hasMessageContaining("runs");
        assertThatThrownBy(() -> new Benchmark.Settings(10, 50, 1, 1, ALL, List.of(Scenario.AA), List.of(2.0), 250))
                .hasMessageContaining("calibrationRuns");
        assertThatThrownBy(() -> new Benchmark.Settings(10, 400, 1, 0, ALL, List.of(Scenario.AA), List.of(2.0), 250))
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> new Benchmark.Settings(10, 400, 1, 1, ALL, List.of(Scenario.AA), List.of(2.0), 0))
                .hasMessageContaining("slowThresholdMs");
        assertThatThrownBy(
                        () -> new Benchmark.Settings(10, 400, 1, 1, List.of(), List.of(Scenario.AA), List.of(2.0), 250))
                .hasMessageContaining("models");
        assertThatThrownBy(() -> new Benchmark.Settings(
                        10, 400, 1, 1, ALL, List.of(Scenario.AA), List.of(2.0), 250, LatencyLayout.ISTIO, 1))
                .hasMessageContaining("quantile must be at least 0.5 and below 1, got 1");
    }
}
