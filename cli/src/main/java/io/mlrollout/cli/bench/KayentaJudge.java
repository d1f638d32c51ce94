package io.mlrollout.cli.bench;

import io.mlrollout.cli.bench.KayentaClassifier.Classification;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * A Kayenta-style judge, as Spinnaker's standalone canary analysis runs it: at each judgement of its
 * {@link KayentaSchedule}, each metric (error ratio per minute, latency quantile per minute) is classified over the
 * growing window of per-minute values since the end of the warm-up, through the canary stage and on through the
 * promotion watch (comparing the candidate with the holdback there); the metrics are scored, and a score at or below
 * the marginal threshold ends the canary at once. With two equally weighted metrics and the usual thresholds (pass 95,
 * marginal 75), one High metric scores 50 and fails the canary; so does a judgement at which half the metrics have no
 * data (Kayenta scores that 0). A metric the test cannot run on (Error) is left out of the score, as in Kayenta. The
 * effect sizes a regression must reach are the policy's margins: {@code allowedIncrease} 1.1 for errors and 1.05 for
 * the latency quantile.
 */
final class KayentaJudge implements RolloutJudge {

    private static final KayentaClassifier ERRORS = new KayentaClassifier(1 + BenchSetup.ERROR_MARGIN);
    private static final KayentaClassifier LATENCY = new KayentaClassifier(1 + BenchSetup.LATENCY_MARGIN);

    private final KayentaSchedule schedule;

    KayentaJudge(KayentaSchedule schedule) {
        this.schedule = schedule;
    }

    KayentaSchedule schedule() {
        return schedule;
    }

    @Override
    public int decide(Traffic traffic) {
        Series series = new Series(traffic);
        for (int k = 1; k <= schedule.judgements(); k++) {
            int minute = schedule.minuteOf(k);
            if (series.fails(schedule.beginAfterMins(), minute)) {
                return minute;
            }
        }
        return PROMOTED;
    }

    /**
     * Which judgements over a window that starts with the rollout fail the canary: bit t − 1 is set when the judgement
     * over minutes 1 to t does. One pass over a rollout that answers every schedule without a warm-up.
     */
    static BitSet failuresFromStart(Traffic traffic) {
        Series series = new Series(traffic);
        BitSet failures = new BitSet(traffic.intervals());
        for (int minute = 1; minute <= traffic.intervals(); minute++) {
            if (series.fails(0, minute)) {
                failures.set(minute - 1);
            }
        }
        return failures;
    }

    /** One rollout's per-minute values as Kayenta's metrics read them. */
    private static final class Series {

        private final double[] canaryErrors;
        private final double[] baselineErrors;
        private final double[] canaryQuantile;
        private final double[] baselineQuantile;
        private final long noiseSeed;

        Series(Traffic traffic) {
            int looks = traffic.intervals();
            canaryErrors = new double[looks];
            baselineErrors = new double[looks];
            for (int i = 0; i < looks; i++) {
                canaryErrors[i] = traffic.canaryErrorRatio(i);
                baselineErrors[i] = traffic.baselineErrorRatio(i);
            }
            canaryQuantile = traffic.canaryQuantile();
            baselineQuantile = traffic.baselineQuantile();
            noiseSeed = Arrays.hashCode(traffic.canaryTotal());
        }

        /** Whether the judgement over minutes {@code from} + 1 to {@code to} fails the canary. */
        boolean fails(int from, int to) {
            // Tie-breaking noise is seeded from the readings and the window, so a judgement gives the same answer
            // whichever judgements came before it.
            SplittableRandom noise = new SplittableRandom(Seeds.of(noiseSeed, from * 1024L + to));
            // One High metric, or one of the two without data (half the metrics), scores 50 and fails the canary,
            // so the second metric is classified only when the first leaves the score open.
            return failing(ERRORS.classify(
                            Arrays.copyOfRange(canaryErrors, from, to),
                            Arrays.copyOfRange(baselineErrors, from, to),
                            noise))
                    || failing(LATENCY.classify(
                            Arrays.copyOfRange(canaryQuantile, from, to),
                            Arrays.copyOfRange(baselineQuantile, from, to),
                            noise));
        }

        private static boolean failing(Classification metric) {
            return metric == Classification.HIGH || metric == Classification.NODATA;
        }
    }
}
