package io.mlrollout.cli.bench;

/**
 * Kayenta's timing knobs as tuned for one traffic level by {@link KayentaCalibration}: the schedule that keeps the
 * false-rollback rate of A/A calibration rollouts within the policy's 1% and is fastest on doubled errors.
 */
record KayentaTuning(double canaryPerSecond, KayentaSchedule schedule, KayentaCalibration.Outcome outcome) {}
