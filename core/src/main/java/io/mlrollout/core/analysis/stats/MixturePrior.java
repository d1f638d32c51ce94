package io.mlrollout.core.analysis.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The mixing distribution of the sequential tests ({@link RateRatioTest}, {@link ProportionBoundTest}): a discrete
 * prior over alternatives. Alternative {@code j} multiplies the odds that the null hypothesis allows at its boundary by
 * {@code ratios[j] > 1} and has prior mass {@code weights[j]}.
 *
 * <p>The prior decides the power, never the validity: any prior on alternatives gives a test whose false-rejection
 * probability is at most α. A prior spread over effects that do not matter wastes evidence (the mixture pays
 * {@code log(1 / weight)} of evidence for the alternative that fits); a prior that misses the effects that matter needs
 * more data to reach them. {@link #calibrated()} was chosen by simulation (see {@code docs/statistics.md}).
 *
 * @param ratios odds multipliers, each finite and above 1, strictly ascending
 * @param weights prior masses, each positive; normalised here to sum to 1
 */
public record MixturePrior(double[] ratios, double[] weights) implements Serializable {

    private static final long serialVersionUID = 1L;

    public MixturePrior {
        if (ratios == null || weights == null || ratios.length == 0 || ratios.length != weights.length) {
            throw new IllegalArgumentException("ratios and weights must be non-empty and of equal length");
        }
        ratios = ratios.clone();
        weights = weights.clone();
        double sum = 0;
        for (int j = 0; j < ratios.length; j++) {
            if (!(ratios[j] > 1) || !Double.isFinite(ratios[j])) {
                throw new IllegalArgumentException("ratios[" + j + "] must be finite and above 1, got " + ratios[j]);
            }
            if (j > 0 && !(ratios[j] > ratios[j - 1])) {
                throw new IllegalArgumentException("ratios must ascend strictly, ratios[" + j + "] = " + ratios[j]);
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
     * The default prior: five equally weighted ratios from 1.15 to 2.5, evenly spaced in log (1.15, 1.40, 1.70, 2.06,
     * 2.5). With θ0 = 1.1 these alternatives are 1.27×–2.75× the baseline, the regressions that matter. Chosen by
     * simulation among log-spaced grids (lowest 1.1–1.3, highest 2.5–6, 2–8 points) at 2–200 requests/s to the canary
     * and 0.5–2% baseline bad rates, minimising the mean time to a decision relative to the SPRT that knows the true
     * effect; {@code Calibration} in the tests reproduces the comparison and {@code docs/statistics.md} records it.
     */
    public static MixturePrior calibrated() {
        return logSpaced(1.15, 2.5, 5);
    }

    /** {@code points} ratios spaced evenly in log from {@code lowest} to {@code highest}, with equal weights. */
    public static MixturePrior logSpaced(double lowest, double highest, int points) {
        if (points < 1) {
            throw new IllegalArgumentException("points must be at least 1, got " + points);
        }
        if (!(lowest > 1) || !(highest >= lowest) || !Double.isFinite(highest)) {
            throw new IllegalArgumentException(
                    "need 1 < lowest <= highest < infinity, got lowest " + lowest + ", highest " + highest);
        }
        double[] ratios = new double[points];
        double[] weights = new double[points];
        double step = points == 1 ? 0 : Math.log(highest / lowest) / (points - 1);
        for (int j = 0; j < points; j++) {
            ratios[j] = lowest * Math.exp(step * j);
            weights[j] = 1;
        }
        if (points > 1) {
            ratios[points - 1] = highest; // exact, not a rounded exp
        }
        return new MixturePrior(ratios, weights);
    }

    @Override
    public double[] ratios() {
        return ratios.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    int size() {
        return ratios.length;
    }

    /**
     * Adds one binomial observation to every alternative's log likelihood ratio: {@code successes} of {@code trials},
     * success probability {@code p0} under the null boundary and {@code p_j} with odds(p_j) = ratio_j · odds(p0) under
     * alternative j. The ratio p_j^x (1-p_j)^(k-x) / (p0^x (1-p0)^(k-x)) simplifies to
     * {@code x·log(ratio) − k·log(1 + p0·(ratio − 1))}; real-valued x and k are used as they are.
     */
    double[] accumulate(double[] logLikelihoodRatios, double successes, double trials, double p0) {
        double[] next = logLikelihoodRatios.clone();
        if (trials == 0) {
            return next;
        }
        for (int j = 0; j < ratios.length; j++) {
            next[j] += successes * Math.log(ratios[j]) - trials * Math.log1p(p0 * (ratios[j] - 1));
        }
        return next;
    }

    /**
     * One interval's log likelihood ratio per alternative, as {@link #accumulate} adds it, multiplied by {@code temper}
     * (1 / the dispersion factor) and capped at {@code cap}, so wandering rates and single bursts cannot carry the test.
     */
    double[] temperedIncrements(double successes, double trials, double p0, double temper, double cap) {
        double[] increments = new double[ratios.length];
        if (trials == 0) {
            return increments;
        }
        for (int j = 0; j < ratios.length; j++) {
            double interval = successes * Math.log(ratios[j]) - trials * Math.log1p(p0 * (ratios[j] - 1));
            increments[j] = Math.min(cap, temper * interval);
        }
        return increments;
    }

    /** log Σ_j weight_j · exp(logLikelihoodRatio_j), computed without overflow. */
    double logMixture(double[] logLikelihoodRatios) {
        return Mixtures.logWeightedSum(weights, logLikelihoodRatios);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MixturePrior p && Arrays.equals(ratios, p.ratios) && Arrays.equals(weights, p.weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ratios) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "MixturePrior" + Arrays.toString(ratios) + " weights " + Arrays.toString(weights);
    }
}
