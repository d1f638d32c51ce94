package io.mlrollout.core.analysis.stats;

/** Arithmetic shared by the mixture tests' priors. */
final class Mixtures {

    private Mixtures() {}

    /** log Σ_j weights_j · exp(logs_j), computed without overflow; −∞ when every log is −∞. */
    static double logWeightedSum(double[] weights, double[] logs) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logs) {
            max = Math.max(max, l);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int j = 0; j < weights.length; j++) {
            sum += weights[j] * Math.exp(logs[j] - max);
        }
        return max + Math.log(sum);
    }
}
