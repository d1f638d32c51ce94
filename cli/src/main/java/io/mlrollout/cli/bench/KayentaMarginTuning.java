package io.mlrollout.cli.bench;

/**
 * Kayenta's knobs as tuned for one traffic level by {@link KayentaMarginCalibration}: the schedule and effect sizes that
 * keep the candidates our policies allow (healthy, and at either margin) within the policy's 1% of rollbacks and are
 * fastest on doubled errors.
 */
record KayentaMarginTuning(
        double canaryPerSecond,
        KayentaSchedule schedule,
        double errorsAllowedIncrease,
        double latencyAllowedIncrease,
        KayentaMarginCalibration.Outcome outcome) {

    KayentaJudge judge() {
        return new KayentaJudge(schedule, errorsAllowedIncrease, latencyAllowedIncrease);
    }
}
