package io.mlrollout.cli.bench;

import io.mlrollout.cli.bench.KayentaClassifier.Classification;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A Kayenta-style judge, as Spinnaker's standalone canary analysis runs it: every interval, each metric is classified
 * over the growing window of per-interval values since the start (error ratio per minute, p99 per minute), the metrics
 * are scored, and a score at or below the marginal threshold ends the canary at once. With two equally weighted metrics
 * and the usual thresholds (pass 95, marginal 75), one High metric scores 50 and fails the canary; so does a look at
 * which half the metrics have no data (Kayenta scores that 0). A metric the test cannot run on (Error) is left out of
 * the score, as in Kayenta. The effect sizes a regression must reach are the policy's
 * margins: {@code allowedIncrease} 1.1 for errors and 1.05 for p99.
 */
final class KayentaJudge implements RolloutJudge {

    private final KayentaClassifier errors = new KayentaClassifier(1 + BenchSetup.ERROR_MARGIN);
    private final KayentaClassifier latency = new KayentaClassifier(1 + BenchSetup.LATENCY_MARGIN);

    @Override
    public int decide(Traffic traffic) {
        int looks = traffic.intervals();
        double[] canaryErrors = new double[looks];
        double[] baselineErrors = new double[looks];
        for (int i = 0; i < looks; i++) {
            canaryErrors[i] = traffic.canaryErrorRatio(i);
            baselineErrors[i] = traffic.baselineErrorRatio(i);
        }
        // Noise for tie-breaking is seeded from the readings, so a run gives the same answer every time.
        SplittableRandom noise = new SplittableRandom(Arrays.hashCode(traffic.canaryTotal()));
        for (int look = 1; look <= looks; look++) {
            Classification e =
                    errors.classify(Arrays.copyOf(canaryErrors, look), Arrays.copyOf(baselineErrors, look), noise);
            Classification l = latency.classify(
                    Arrays.copyOf(traffic.canaryP99(), look), Arrays.copyOf(traffic.baselineP99(), look), noise);
            boolean anyHigh = e == Classification.HIGH || l == Classification.HIGH;
            boolean halfWithoutData = e == Classification.NODATA || l == Classification.NODATA; // 1 of 2 is half
            if (anyHigh || halfWithoutData) {
                return look;
            }
        }
        return PASSED;
    }
}
