package io.mlrollout.core.policy;

import java.time.Duration;

/**
 * How often and how strictly canary and baseline are compared.
 *
 * @param interval time between two looks at the metrics
 * @param falseRollbackRate the chance, for the whole rollout (all looks, all metrics), of rolling back a candidate that is
 *     no worse than the policy allows; a fraction, e.g. 0.01
 * @param maxAutocorrelation the largest correlation between consecutive looks of quantile and value metrics for which
 *     {@code falseRollbackRate} is guaranteed; 0 assumes independent looks (faster, see docs/statistics.md)
 * @param minRequests requests each version must have served in a stage before any verdict other than HOLD
 * @param onInconclusive what to do when a stage ends without a clear verdict
 * @param limits bounds on retries, no-data looks and extensions
 * @param score the weighted-score thresholds for non-critical metrics
 */
public record AnalysisSettings(
        Duration interval,
        double falseRollbackRate,
        double maxAutocorrelation,
        long minRequests,
        OnInconclusive onInconclusive,
        Limits limits,
        ScoreThresholds score) {

    /**
     * The default {@link #maxAutocorrelation}: a pod of one version that stays slow for several minutes makes its
     * per-minute values correlated, and 0.6 covers such spells at a cost in speed that docs/statistics.md measures.
     */
    public static final double DEFAULT_MAX_AUTOCORRELATION = 0.6;

    /**
     * Look every minute, 1% false rollbacks valid up to an autocorrelation of 0.6, 500 requests per version, roll back
     * when inconclusive.
     */
    public static AnalysisSettings defaults() {
        return new AnalysisSettings(
                Duration.ofMinutes(1),
                0.01,
                DEFAULT_MAX_AUTOCORRELATION,
                500,
                OnInconclusive.ROLLBACK,
                Limits.defaults(),
                ScoreThresholds.defaults());
    }

    /** What an inconclusive stage leads to. */
    public enum OnInconclusive {
        /** Ask the approvers: an approval continues, a rejection rolls back. */
        SIGN_OFF,
        /** Roll back. */
        ROLLBACK,
        /** Bake the stage once more (up to {@link Limits#extensions()} times), then roll back. */
        EXTEND
    }

    /**
     * @param noData consecutive looks without data for a metric before the stage is inconclusive
     * @param extensions how many times {@link OnInconclusive#EXTEND} may lengthen one stage
     * @param shiftAttempts attempts to set a split before the rollout gives up and rolls back
     * @param shiftTimeout how long a shift may take to become ready
     */
    public record Limits(int noData, int extensions, int shiftAttempts, Duration shiftTimeout) {

        public static Limits defaults() {
            return new Limits(3, 1, 3, Duration.ofMinutes(5));
        }
    }

    /**
     * Scores are 0..100: the weighted share of non-critical metrics that passed.
     *
     * @param pass at or above: the stage passes
     * @param marginal at or above (and below pass): the stage is inconclusive; below: it fails
     */
    public record ScoreThresholds(double pass, double marginal) {

        /** Every non-critical metric must pass to pass; 75 or more is marginal. */
        public static ScoreThresholds defaults() {
            return new ScoreThresholds(100, 75);
        }
    }
}
