package io.mlrollout.cli.bench;

import io.mlrollout.cli.bench.KayentaClassifier.Classification;
import io.mlrollout.cli.bench.KayentaClassifier.Reading;
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
 * effect sizes a regression must reach are the policy's margins unless tuned ({@link KayentaMarginCalibration}):
 * {@code allowedIncrease} 1.1 for errors and 1.05 for the latency quantile.
 */
final class KayentaJudge implements RolloutJudge {

    /** The effect sizes a regression must reach when they are not tuned: the policy's margins. */
    static final double ERRORS_ALLOWED_INCREASE = 1 + BenchSetup.ERROR_MARGIN;

    static final double LATENCY_ALLOWED_INCREASE = 1 + BenchSetup.LATENCY_MARGIN;

    private final KayentaSchedule schedule;
    private final KayentaClassifier errors;
    private final KayentaClassifier latency;

    KayentaJudge(KayentaSchedule schedule) {
        this(schedule, ERRORS_ALLOWED_INCREASE, LATENCY_ALLOWED_INCREASE);
    }

    KayentaJudge(KayentaSchedule schedule, double errorsAllowedIncrease, double latencyAllowedIncrease) {
        this.schedule = schedule;
        this.errors = new KayentaClassifier(errorsAllowedIncrease);
        this.latency = new KayentaClassifier(latencyAllowedIncrease);
    }

    KayentaSchedule schedule() {
        return schedule;
    }

    @Override
    public int decide(Traffic traffic) {
        Series series = new Series(traffic);
        for (int k = 1; k <= schedule.judgements(); k++) {
            int minute = schedule.minuteOf(k);
            if (series.fails(schedule.beginAfterMins(), minute, errors, latency)) {
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
        KayentaClassifier errors = new KayentaClassifier(ERRORS_ALLOWED_INCREASE);
        KayentaClassifier latency = new KayentaClassifier(LATENCY_ALLOWED_INCREASE);
        for (int minute = 1; minute <= traffic.intervals(); minute++) {
            if (series.fails(0, minute, errors, latency)) {
                failures.set(minute - 1);
            }
        }
        return failures;
    }

    /**
     * Both metrics' readings over every window that starts with the rollout, before the effect-size check: one pass
     * over a rollout that answers every schedule without a warm-up and every pair of effect sizes at least the
     * policy's margins.
     */
    static WindowReadings readingsFromStart(Traffic traffic) {
        Series series = new Series(traffic);
        int minutes = traffic.intervals();
        Reading[] errorReadings = new Reading[minutes];
        Reading[] latencyReadings = new Reading[minutes];
        for (int minute = 1; minute <= minutes; minute++) {
            SplittableRandom noise = series.noise(0, minute);
            errorReadings[minute - 1] = KayentaClassifier.read(
                    Arrays.copyOf(series.canaryErrors, minute),
                    Arrays.copyOf(series.baselineErrors, minute),
                    noise,
                    ERRORS_ALLOWED_INCREASE);
            latencyReadings[minute - 1] = KayentaClassifier.read(
                    Arrays.copyOf(series.canaryQuantile, minute),
                    Arrays.copyOf(series.baselineQuantile, minute),
                    noise,
                    LATENCY_ALLOWED_INCREASE);
        }
        return new WindowReadings(errorReadings, latencyReadings);
    }

    /** The readings of the windows over minutes 1 to t, index t − 1. */
    record WindowReadings(Reading[] errors, Reading[] latency) {

        /**
         * Which of those judgements fail the canary with these effect sizes (at least the policy's margins): as
         * {@link #failuresFromStart}.
         */
        BitSet failures(double errorsAllowedIncrease, double latencyAllowedIncrease) {
            BitSet failures = new BitSet(errors.length);
            for (int t = 0; t < errors.length; t++) {
                if (failing(errors[t].at(errorsAllowedIncrease)) || failing(latency[t].at(latencyAllowedIncrease))) {
                    failures.set(t);
                }
            }
            return failures;
        }
    }

    private static boolean failing(Classification metric) {
        return metric == Classification.HIGH || metric == Classification.NODATA;
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

        /**
         * Tie-breaking noise for the judgement over minutes {@code from} + 1 to {@code to}, seeded from the readings
         * and the window, so a judgement gives the same answer whichever judgements came before it.
         */
        SplittableRandom noise(int from, int to) {
            return new SplittableRandom(Seeds.of(noiseSeed, from * 1024L + to));
        }

        /** Whether the judgement over minutes {@code from} + 1 to {@code to} fails the canary. */
        boolean fails(int from, int to, KayentaClassifier errors, KayentaClassifier latency) {
            SplittableRandom noise = noise(from, to);
            // One High metric, or one of the two without data (half the metrics), scores 50 and fails the canary,
            // so the second metric is classified only when the first leaves the score open.
            return failing(errors.classify(
                            Arrays.copyOfRange(canaryErrors, from, to),
                            Arrays.copyOfRange(baselineErrors, from, to),
                            noise))
                    || failing(latency.classify(
                            Arrays.copyOfRange(canaryQuantile, from, to),
                            Arrays.copyOfRange(baselineQuantile, from, to),
                            noise));
        }
    }
}
