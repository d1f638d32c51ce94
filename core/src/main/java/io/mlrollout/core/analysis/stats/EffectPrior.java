package io.mlrollout.core.analysis.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The mixing distribution of {@link LogRatioTest}: a discrete prior over standardised effects δ = μ/σ, the mean of the
 * per-look log ratio beyond the margin in units of its own standard deviation. Effect {@code j} has prior mass
 * {@code weights[j]}.
 *
 * <p>As for {@link MixturePrior}, the prior decides the power, never the validity. {@link #calibrated()} was chosen by
 * simulation (see {@code docs/statistics.md}).
 *
 * @param effects standardised effects, each finite and positive, strictly ascending
 * @param weights prior masses, each positive; normalised here to sum to 1
 */
public record EffectPrior(double[] effects, double[] weights) implements Serializable {

    private static final long serialVersionUID = 1L;

    public EffectPrior {
        if (effects == null || weights == null || effects.length == 0 || effects.length != weights.length) {
            throw new IllegalArgumentException("effects and weights must be non-empty and of equal length");
        }
        effects = effects.clone();
        weights = weights.clone();
        double sum = 0;
        for (int j = 0; j < effects.length; j++) {
            if (!(effects[j] > 0) || !Double.isFinite(effects[j])) {
                throw new IllegalArgumentException("effects[" + j + "] must be finite and positive, got " + effects[j]);
            }
            if (j > 0 && !(effects[j] > effects[j - 1])) {
                throw new IllegalArgumentException("effects must ascend strictly, effects[" + j + "] = " + effects[j]);
            }
            if (!(weights[j] > 0) || !Double.isFinite(weights[j])) {
                throw new IllegalArgumentException("weights[" + j + "] must be finite and positive, got " + weights[j]);
            }
            sum += weights[j];
        }
        for (int j = 0; j < weights.length; j++) {
            weights[j] /= sum;
        }
    }

    /**
     * The default prior: five equally weighted effects 0.5, 1, 2, 4 and 8 standard deviations. Per-minute p99 latency
     * at 2–200 requests/s to the canary has a log-ratio spread of about 0.02–0.2, so these cover slowdowns from a few
     * percent beyond the margin at high traffic to about +25% at low traffic. Among log-spaced grids (lowest 0.25–1,
     * highest 4–16, 3–8 points) the choice hardly matters (mean time to a decision within 1% of the best); this one is
     * among the best and simple. {@code Calibration} in the tests reproduces the comparison.
     */
    public static EffectPrior calibrated() {
        return new EffectPrior(new double[] {0.5, 1, 2, 4, 8}, new double[] {1, 1, 1, 1, 1});
    }

    /** {@code points} effects spaced evenly in log from {@code lowest} to {@code highest}, with equal weights. */
    public static EffectPrior logSpaced(double lowest, double highest, int points) {
        if (points < 1) {
            throw new IllegalArgumentException("points must be at least 1, got " + points);
        }
        if (!(lowest > 0) || !(highest >= lowest) || !Double.isFinite(highest)) {
            throw new IllegalArgumentException(
                    "need 0 < lowest <= highest < infinity, got lowest " + lowest + ", highest " + highest);
        }
        double[] effects = new double[points];
        double[] weights = new double[points];
        double step = points == 1 ? 0 : Math.log(highest / lowest) / (points - 1);
        for (int j = 0; j < points; j++) {
            effects[j] = lowest * Math.exp(step * j);
            weights[j] = 1;
        }
        if (points > 1) {
            effects[points - 1] = highest; // exact, not a rounded exp
        }
        return new EffectPrior(effects, weights);
    }

    @Override
    public double[] effects() {
        return effects.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /**
     * The log of the prior-weighted mixture of the scale-invariant Bayes factors of every effect, from the looks'
     * quadratic forms (see {@link ScaleInvariantBayesFactor#log}).
     */
    double logMixture(int looks, double ones, double onesX, double xx) {
        double[] logs = new double[effects.length];
        for (int j = 0; j < effects.length; j++) {
            logs[j] = ScaleInvariantBayesFactor.log(looks, ones, onesX, xx, effects[j]);
        }
        return Mixtures.logWeightedSum(weights, logs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EffectPrior p && Arrays.equals(effects, p.effects) && Arrays.equals(weights, p.weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(effects) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "EffectPrior" + Arrays.toString(effects) + " weights " + Arrays.toString(weights);
    }
}
