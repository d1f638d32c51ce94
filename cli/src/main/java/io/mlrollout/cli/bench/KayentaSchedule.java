package io.mlrollout.cli.bench;

/**
 * When a Kayenta-style canary analysis judges, named as Kayenta's standalone canary analysis request names its fields
 * (Spinnaker's {@code kayentaCanary} stage calls them {@code beginCanaryAnalysisAfterMins} and
 * {@code canaryAnalysisIntervalMins}). The analysis waits {@code beginAfterMins}, then judges every
 * {@code analysisIntervalMins} until the bake ends; each judgement reads the growing window from the end of the wait to
 * the judgement, so the minutes of the wait are never read (Kayenta shifts the window's start and end alike). With the
 * readings' one-minute step, a judgement's window holds one value per minute, so the interval is also the number of
 * values each metric has at the first judgement.
 *
 * @param beginAfterMins minutes of warm-up whose readings the analysis leaves out
 * @param analysisIntervalMins minutes between judgements
 */
record KayentaSchedule(int beginAfterMins, int analysisIntervalMins) {

    /** Kayenta as the benchmark configures it by default: no warm-up, a judgement every minute. */
    static final KayentaSchedule EVERY_MINUTE = new KayentaSchedule(0, 1);

    KayentaSchedule {
        if (beginAfterMins < 0) {
            throw new IllegalArgumentException("beginAfterMins must not be negative, got " + beginAfterMins);
        }
        if (analysisIntervalMins < 1) {
            throw new IllegalArgumentException("analysisIntervalMins must be at least 1, got " + analysisIntervalMins);
        }
        if (beginAfterMins + analysisIntervalMins > BenchSetup.MINUTES) {
            throw new IllegalArgumentException("beginAfterMins + analysisIntervalMins must fit in the "
                    + BenchSetup.MINUTES + "-minute rollout, got " + beginAfterMins + " + " + analysisIntervalMins);
        }
    }

    /** How many judgements fit in the rollout (canary stage and watch): its minutes after the warm-up ({@code lifetimeDurationMins}) over the interval. */
    int judgements() {
        return (BenchSetup.MINUTES - beginAfterMins) / analysisIntervalMins;
    }

    /** The minute of judgement {@code k} (1-based), counted from the start of the rollout. */
    int minuteOf(int k) {
        return beginAfterMins + k * analysisIntervalMins;
    }
}
