package io.mlrollout.cli.bench;

import java.util.Arrays;
import java.util.List;

/**
 * How one statistic is distributed under one traffic model and level when the candidate is at the boundary of what may
 * pass, minute by minute: what the {@linkplain ClairvoyantJudge clairvoyant judge} knows and no real judge can.
 * Measured on calibration rollouts: per minute the mean and standard deviation of the statistic, and the standardized
 * level that at most {@code budget} of the rollouts ever cross in any minute (a constant boundary over all minutes,
 * fitted to the model's own null); and per minute the value that at most {@code budget} of them exceed at that
 * minute, for a judge that looks only once.
 *
 * @param mean per minute, the statistic's mean over the rollouts (NaN where no rollout had a value)
 * @param sd per minute, its standard deviation (NaN where fewer than two had one)
 * @param crossing the standardized level crossed at some minute by at most the budget's share of the rollouts
 * @param exceededAt per minute, the value exceeded at that minute by at most the budget's share of the rollouts (NaN
 *     where no rollout had a value)
 */
record KnownNull(double[] mean, double[] sd, double crossing, double[] exceededAt) {

    /**
     * @param paths per calibration rollout, the statistic at every minute (NaN where it has none), all of the same length
     * @param budget the share of those rollouts that may cross the level at some minute
     */
    static KnownNull of(List<double[]> paths, double budget) {
        int minutes = paths.get(0).length;
        double[] mean = new double[minutes];
        double[] sd = new double[minutes];
        double[] exceededAt = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            double sum = 0;
            double squares = 0;
            double[] values = new double[paths.size()];
            int n = 0;
            for (double[] path : paths) {
                if (Double.isFinite(path[i])) {
                    sum += path[i];
                    squares += path[i] * path[i];
                    values[n++] = path[i];
                }
            }
            mean[i] = n > 0 ? sum / n : Double.NaN;
            sd[i] = n > 1 ? Math.sqrt(Math.max(0, (squares - sum * sum / n) / (n - 1))) : Double.NaN;
            exceededAt[i] = n > 0 ? TrafficCalibration.upperQuantile(Arrays.copyOf(values, n), 1 - budget) : Double.NaN;
        }
        KnownNull unfitted = new KnownNull(mean, sd, Double.NaN, exceededAt);
        double[] highest = new double[paths.size()];
        for (int r = 0; r < paths.size(); r++) {
            highest[r] = unfitted.highest(paths.get(r), minutes);
        }
        return new KnownNull(mean, sd, TrafficCalibration.upperQuantile(highest, 1 - budget), exceededAt);
    }

    /** The statistic in standard deviations above its calibrated mean at that minute; NaN where either is unknown. */
    double standardized(int minute, double value) {
        if (!Double.isFinite(value) || !(sd[minute] > 0)) {
            return Double.NaN;
        }
        return (value - mean[minute]) / sd[minute];
    }

    /** Whether the statistic at that minute is beyond the level rollouts at the boundary rarely reach. */
    boolean crossed(int minute, double value) {
        return standardized(minute, value) > crossing;
    }

    /** Whether the statistic at that minute is beyond the value that rollouts at the boundary rarely exceed there. */
    boolean exceeded(int minute, double value) {
        return value > exceededAt[minute]; // false where either is NaN
    }

    /** The highest standardized value of a path over its first {@code minutes} minutes, −∞ without one. */
    private double highest(double[] path, int minutes) {
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < minutes; i++) {
            double z = standardized(i, path[i]);
            if (!Double.isNaN(z)) {
                top = Math.max(top, z);
            }
        }
        return top;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KnownNull k
                && Arrays.equals(mean, k.mean)
                && Arrays.equals(sd, k.sd)
                && Double.compare(crossing, k.crossing) == 0
                && Arrays.equals(exceededAt, k.exceededAt);
    }

    @Override
    public int hashCode() {
        int hash = 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(sd)) + Double.hashCode(crossing);
        return 31 * hash + Arrays.hashCode(exceededAt);
    }

    @Override
    public String toString() {
        return "KnownNull[crossing=" + crossing + "]";
    }
}
