package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClairvoyantJudgeTest {

    @Test
    void thePooledLogRatioAddsUpTheMinutesSoFar() {
        double[] path = ClairvoyantJudge.pooledLogRatios(
                new double[] {0, 2, 0}, new double[] {100, 100, 0}, new double[] {1, 1, 0}, new double[] {100, 100, 0});
        assertThat(path[0]).isCloseTo(Math.log(0.5 / 1.5), within(1e-12));
        assertThat(path[1]).isCloseTo(0, within(1e-12)); // 2.5 of 200 on both sides
        assertThat(path[2]).isCloseTo(0, within(1e-12)); // a minute without requests changes nothing
        assertThat(ClairvoyantJudge.pooledLogRatios(
                        new double[] {0}, new double[] {0}, new double[] {1}, new double[] {100}))
                .containsExactly(Double.NaN);
    }

    @Test
    void theKnownNullStandardizesEachMinuteByItsOwnSpread() {
        List<double[]> paths = List.of(
                new double[] {1, 10, Double.NaN},
                new double[] {2, 20, Double.NaN},
                new double[] {3, 30, 5},
                new double[] {4, 40, Double.NaN});
        KnownNull known = KnownNull.of(paths, 0.25);
        assertThat(known.mean()[0]).isEqualTo(2.5);
        assertThat(known.sd()[0]).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(known.mean()[1]).isEqualTo(25);
        assertThat(known.sd()[1]).isCloseTo(10 * Math.sqrt(5.0 / 3), within(1e-9));
        assertThat(known.sd()[2]).isNaN(); // one value: no spread, the minute is never judged
        // each path is equally far out at minutes 0 and 1; the highest is 1.5 / sd, crossed by one path in four
        double top = 1.5 / Math.sqrt(5.0 / 3);
        assertThat(known.crossing()).isCloseTo(0.5 / Math.sqrt(5.0 / 3), within(1e-9));
        assertThat(known.crossed(1, 40)).isTrue();
        assertThat(known.standardized(1, 40)).isCloseTo(top, within(1e-9));
        assertThat(known.crossed(2, 100)).isFalse();
        // one look: at minute 0, 3 is exceeded by one path in four (the 4); at minute 2 by none of the one path there
        assertThat(known.exceededAt()[0]).isEqualTo(3);
        assertThat(known.exceeded(0, 3.5)).isTrue();
        assertThat(known.exceeded(0, 3)).isFalse();
        assertThat(known.exceededAt()[2]).isEqualTo(5);
        assertThat(known.exceeded(2, Double.NaN)).isFalse();
    }

    @Test
    void keepsTheGuaranteeUnderTheTrafficModelItWasFittedTo() {
        // production traffic: the oracle, exact only for Poisson minutes, rolls back a third or more of healthy
        // rollouts; knowing how a candidate at the margin behaves there keeps the clairvoyant near its 0.5% per metric
        RolloutGenerator production = new RolloutGenerator(TrafficModel.named("production"), 20, 250);
        TrafficCalibration calibration = TrafficCalibration.of(production, 2000, 11);
        int atTheMargin = 0;
        int healthy = 0;
        int oracleHealthy = 0;
        int runs = 400;
        for (int r = 0; r < runs; r++) {
            Traffic margin = production.generate(TrafficCalibration.ERROR_MARGIN, Seeds.of(12, r));
            atTheMargin += RolloutJudge.rolledBack(new ClairvoyantJudge(calibration).decide(margin)) ? 1 : 0;
            Traffic aa = production.generate(Scenario.AA, Seeds.of(12, r));
            healthy += RolloutJudge.rolledBack(new ClairvoyantJudge(calibration).decide(aa)) ? 1 : 0;
            oracleHealthy += RolloutJudge.rolledBack(new OracleJudge(Scenario.AA).decide(aa)) ? 1 : 0;
        }
        assertThat(atTheMargin).isLessThanOrEqualTo(8); // 2%: 0.5% expected, with the calibration's own noise
        assertThat(healthy).isLessThanOrEqualTo(atTheMargin);
        assertThat(oracleHealthy).isGreaterThan(100);
    }

    @Test
    void catchesTripledErrorsWithinMinutesOnPoissonTraffic() {
        RolloutGenerator poisson = new RolloutGenerator(TrafficModel.named("poisson"), 20, 250);
        TrafficCalibration calibration = TrafficCalibration.of(poisson, 1000, 21);
        for (int r = 0; r < 50; r++) {
            int minute =
                    new ClairvoyantJudge(calibration).decide(poisson.generate(Scenario.errors(3), Seeds.of(22, r)));
            assertThat(minute).as("run %d", r).isLessThanOrEqualTo(5);
        }
    }
}
