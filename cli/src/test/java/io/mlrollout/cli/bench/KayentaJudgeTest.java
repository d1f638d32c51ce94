package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The Kayenta-style judge under a schedule: when it judges, which minutes it reads, and that it is one classifier. */
class KayentaJudgeTest {

    private static final TrafficModel POISSON = TrafficModel.named("poisson");

    @Test
    void everyMinuteFailsAsSoonAsTwoMinutesAreSeparated() {
        Traffic traffic =
                traffic(0, BenchSetup.MINUTES, 30); // 3–3.2% of the canary's requests fail, 1–1.2% of the baseline's
        assertThat(new KayentaJudge(KayentaSchedule.EVERY_MINUTE).decide(traffic))
                .isEqualTo(2);
    }

    @Test
    void judgesOnlyAtItsMinutesAfterTheWarmUp() {
        Traffic always = traffic(0, BenchSetup.MINUTES, 30);
        assertThat(new KayentaJudge(new KayentaSchedule(0, 5)).decide(always)).isEqualTo(5);
        assertThat(new KayentaJudge(new KayentaSchedule(3, 4)).decide(always)).isEqualTo(7);
        // a regression only during the warm-up is never read
        Traffic warmUpOnly = traffic(0, 10, 30);
        assertThat(new KayentaJudge(new KayentaSchedule(10, 5)).decide(warmUpOnly))
                .isEqualTo(RolloutJudge.PROMOTED);
        assertThat(new KayentaJudge(new KayentaSchedule(0, 5)).decide(warmUpOnly))
                .isEqualTo(5);
    }

    @Test
    void judgementsThatDoNotFitTheBakeAreNotMade() {
        KayentaSchedule schedule = new KayentaSchedule(10, 25);
        assertThat(schedule.judgements()).isEqualTo(2);
        assertThat(schedule.minuteOf(2)).isEqualTo(60);
        // the regression starts after the last judgement that fits (minute 60)
        assertThat(new KayentaJudge(schedule).decide(traffic(60, BenchSetup.MINUTES, 1000)))
                .isEqualTo(RolloutJudge.PROMOTED);
        assertThatThrownBy(() -> new KayentaSchedule(60, 11))
                .hasMessageContaining("beginAfterMins + analysisIntervalMins");
        assertThatThrownBy(() -> new KayentaSchedule(0, 0)).hasMessageContaining("analysisIntervalMins");
        assertThatThrownBy(() -> new KayentaSchedule(-1, 5)).hasMessageContaining("beginAfterMins");
    }

    @Test
    void aScheduleWithoutWarmUpStopsAtTheFirstOfItsMinutesWhoseWindowFails() {
        // The same classifier on the same growing windows: a schedule only chooses which windows are judged.
        RolloutGenerator model = new RolloutGenerator(POISSON, 20, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS);
        KayentaJudge everyMinute = new KayentaJudge(KayentaSchedule.EVERY_MINUTE);
        KayentaJudge everyThird = new KayentaJudge(new KayentaSchedule(0, 3));
        int agreed = 0;
        for (int r = 0; r < 60; r++) {
            Traffic traffic = model.generate(Scenario.errors(1.5), Seeds.of(11, r));
            BitSet failures = KayentaJudge.failuresFromStart(traffic);
            int first = failures.isEmpty() ? RolloutJudge.PROMOTED : failures.nextSetBit(0) + 1;
            assertThat(everyMinute.decide(traffic)).as("run %d", r).isEqualTo(first);
            int expected = RolloutJudge.PROMOTED;
            for (int minute = 3; minute <= BenchSetup.MINUTES; minute += 3) {
                if (failures.get(minute - 1)) {
                    expected = minute;
                    break;
                }
            }
            assertThat(everyThird.decide(traffic)).as("run %d", r).isEqualTo(expected);
            agreed += first == expected ? 1 : 0;
        }
        assertThat(agreed)
                .as("runs where the first failing minute is a third one")
                .isBetween(1, 59);
    }

    @Test
    void readingsOnceGiveWhatTheJudgeDoesWithAnyEffectSizes() {
        // The calibration that tunes the effect sizes reads each window once and applies each pair afterwards.
        RolloutGenerator model = new RolloutGenerator(POISSON, 20, BenchSetup.DEFAULT_SLOW_THRESHOLD_MS);
        double[][] effectSizes = {{1.1, 1.05}, {1.3, 1.05}, {1.1, 1.2}, {1.75, 1.3}};
        int differing = 0;
        for (int r = 0; r < 30; r++) {
            Traffic traffic =
                    model.generate(r % 2 == 0 ? Scenario.errors(1.5) : Scenario.latency(1.1), Seeds.of(13, r));
            KayentaJudge.WindowReadings readings = KayentaJudge.readingsFromStart(traffic);
            assertThat(readings.failures(KayentaJudge.ERRORS_ALLOWED_INCREASE, KayentaJudge.LATENCY_ALLOWED_INCREASE))
                    .isEqualTo(KayentaJudge.failuresFromStart(traffic));
            for (double[] sizes : effectSizes) {
                BitSet failures = readings.failures(sizes[0], sizes[1]);
                int first = failures.isEmpty() ? RolloutJudge.PROMOTED : failures.nextSetBit(0) + 1;
                assertThat(new KayentaJudge(KayentaSchedule.EVERY_MINUTE, sizes[0], sizes[1]).decide(traffic))
                        .as("run %d, effect sizes %s", r, Arrays.toString(sizes))
                        .isEqualTo(first);
            }
            differing += readings.failures(1.1, 1.05).equals(readings.failures(1.75, 1.3)) ? 0 : 1;
        }
        assertThat(differing)
                .as("runs where larger effect sizes fail fewer windows")
                .isPositive();
    }

    /**
     * Canary and baseline alike except that in minutes [from, to) {@code canaryBad} (+ 0 to 2) of the canary's 1000
     * requests fail.
     */
    private static Traffic traffic(int from, int to, double canaryBad) {
        int looks = BenchSetup.MINUTES;
        double[] total = new double[looks];
        Arrays.fill(total, 1000);
        double[] baselineBad = new double[looks];
        double[] canaryBads = new double[looks];
        double[] canaryQuantile = new double[looks];
        double[] baselineQuantile = new double[looks];
        for (int i = 0; i < looks; i++) {
            baselineBad[i] = 10 + i % 3; // 1.0–1.2%, never constant
            canaryBads[i] = i >= from && i < to ? canaryBad + i % 3 : baselineBad[i];
            canaryQuantile[i] = 160 + i % 5;
            baselineQuantile[i] = 160 + (i + 2) % 5;
        }
        return new Traffic(
                canaryBads,
                total,
                baselineBad,
                total.clone(),
                new double[looks],
                new double[looks],
                canaryQuantile,
                baselineQuantile,
                LatencyLayout.ISTIO.boundsMs(),
                new double[looks][LatencyLayout.ISTIO.boundsMs().length],
                new double[looks][LatencyLayout.ISTIO.boundsMs().length],
                new double[0],
                new double[0],
                new double[0],
                new double[0][]);
    }
}
