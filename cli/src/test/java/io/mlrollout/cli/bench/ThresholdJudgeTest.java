package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ThresholdJudgeTest {

    private final ThresholdJudge judge = new ThresholdJudge(new TrafficCalibration(20, 0.02, 200, null, null));

    @Test
    void rollsBackAtTheThirdFailedCheckOfOneMetric() {
        double[] canaryBad = new double[60];
        canaryBad[4] = 30; // 30 of 1000: 3% > 2%
        canaryBad[10] = 30;
        canaryBad[11] = 19; // 1.9%: no failure
        canaryBad[20] = 30;
        assertThat(judge.decide(traffic(canaryBad, 150))).isEqualTo(21);
        canaryBad[20] = 20; // exactly at the threshold is no failure
        assertThat(judge.decide(traffic(canaryBad, 150))).isEqualTo(RolloutJudge.PROMOTED);
    }

    @Test
    void failedChecksOfDifferentMetricsDoNotAddUp() {
        double[] canaryBad = new double[60];
        canaryBad[0] = 30;
        canaryBad[1] = 30;
        Traffic traffic = traffic(canaryBad, 150);
        traffic.canaryQuantile()[2] = 250;
        traffic.canaryQuantile()[3] = 250;
        assertThat(judge.decide(traffic)).isEqualTo(RolloutJudge.PROMOTED);
        traffic.canaryQuantile()[30] = Double.NaN; // a minute without data is a failed check
        assertThat(judge.decide(traffic)).isEqualTo(31);
    }

    private static Traffic traffic(double[] canaryBad, double p99) {
        double[] total = new double[60];
        Arrays.fill(total, 1000);
        double[] p99s = new double[60];
        Arrays.fill(p99s, p99);
        return new Traffic(
                canaryBad,
                total,
                new double[60],
                total.clone(),
                new double[60],
                new double[60],
                p99s,
                p99s.clone(),
                LatencyLayout.ISTIO.boundsMs(),
                new double[60][LatencyLayout.ISTIO.boundsMs().length],
                new double[60][LatencyLayout.ISTIO.boundsMs().length],
                new double[0],
                new double[0],
                new double[0],
                new double[0][]);
    }
}
