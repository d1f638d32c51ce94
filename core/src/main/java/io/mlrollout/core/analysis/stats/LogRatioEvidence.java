package io.mlrollout.core.analysis.stats;

import java.io.Serializable;

/**
 * What a {@link LogRatioTest} has seen so far for one metric and margin: the number of looks, the sum and sum of squares
 * of the per-look statistic x_k (the log ratio of canary to baseline beyond the margin, signed so that positive is
 * worse), the sum of products of consecutive looks and the first and last look, which together are sufficient for the
 * test, and the largest log e-value reached at any look. A handful of numbers, whatever the number of looks, so it can
 * live in the persisted rollout state.
 *
 * @param worse the direction of the test that built this evidence
 * @param margin the margin of that test
 * @param maxAutocorrelation the largest lag-1 autocorrelation that test allows for; a test refuses evidence of another
 *     direction, margin or bound (evidence saved before the bound existed reads as 0)
 * @param looks looks added
 * @param sum Σ x_k
 * @param sumOfSquares Σ x_k²
 * @param sumOfLagProducts Σ x_k·x_(k−1) over k ≥ 2
 * @param first x_1 (0 before any look)
 * @param last x_n (0 before any look)
 * @param maxLogEValue the largest log e-value after any look so far (0 before any data)
 */
public record LogRatioEvidence(
        Worse worse,
        double margin,
        double maxAutocorrelation,
        int looks,
        double sum,
        double sumOfSquares,
        double sumOfLagProducts,
        double first,
        double last,
        double maxLogEValue)
        implements Serializable {

    private static final long serialVersionUID = 2L;

    /**
     * The geometric mean over the looks of canary / baseline (1.2: the canary 20% higher), for reports; NaN before any
     * look.
     */
    public double ratio() {
        if (looks == 0) {
            return Double.NaN;
        }
        double mean = sum / looks;
        return worse == Worse.HIGHER ? (1 + margin) * Math.exp(mean) : (1 - margin) * Math.exp(-mean);
    }

    LogRatioEvidence withMaxLogEValue(double value) {
        return new LogRatioEvidence(
                worse, margin, maxAutocorrelation, looks, sum, sumOfSquares, sumOfLagProducts, first, last, value);
    }
}
