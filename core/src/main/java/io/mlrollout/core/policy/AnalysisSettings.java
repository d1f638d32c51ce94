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
 * @param maxDispersion the largest coefficient of variation of a version's per-interval error rate (ratio metrics) for
 *     which {@code falseRollbackRate} is guaranteed; 0 assumes Poisson intervals (faster, see docs/statistics.md)
 * @param ruleOut a stage passes a ratio metric only when the data rule out a candidate this much worse than the
 *     baseline (1.0 is +100%, twice the baseline's rate)
 * @param missedRegressionRate the chance that a stage passes a candidate that is {@code ruleOut} worse, per metric
 * @param minRequests requests each version must have served in a stage before any verdict other than HOLD
 * @param onInconclusive what to do when a stage ends without a clear verdict
 * @param limits bounds on retries, no-data looks and extensions
 * @param score the weighted-score thresholds for non-critical metrics
 * @param plan what a pre-flight plan that finds a stage unable to decide within its maxBake leads to
 */
public record AnalysisSettings(
        Duration interval,
        double falseRollbackRate,
        double maxAutocorrelation,
        double maxDispersion,
        double ruleOut,
        double missedRegressionRate,
        long minRequests,
        OnInconclusive onInconclusive,
        Limits limits,
        ScoreThresholds score,
        PlanMode plan) {

    /**
     * The default {@link #maxAutocorrelation}: a pod of one version that stays slow for several minutes makes its
     * per-minute values correlated, and 0.6 covers such spells at a cost in speed that docs/statistics.md measures.
     */
    public static final double DEFAULT_MAX_AUTOCORRELATION = 0.6;

    /** Each version's per-interval error rate may wander with a CV of up to 50% (pods, caches, clients). */
    public static final double DEFAULT_MAX_DISPERSION = 0.5;

    /** A stage passes once a doubled rate of bad events is ruled out. */
    public static final double DEFAULT_RULE_OUT = 1.0;

    public static final double DEFAULT_MISSED_REGRESSION_RATE = 0.01;

    /** The settings with the plan's default: a warning. */
    public AnalysisSettings(
            Duration interval,
            double falseRollbackRate,
            double maxAutocorrelation,
            double maxDispersion,
            double ruleOut,
            double missedRegressionRate,
            long minRequests,
            OnInconclusive onInconclusive,
            Limits limits,
            ScoreThresholds score) {
        this(
                interval,
                falseRollbackRate,
                maxAutocorrelation,
                maxDispersion,
                ruleOut,
                missedRegressionRate,
                minRequests,
                onInconclusive,
                limits,
                score,
                PlanMode.WARN);
    }

    /** The settings without the fields added for dispersion and pass evidence, which take their defaults. */
    public AnalysisSettings(
            Duration interval,
            double falseRollbackRate,
            double maxAutocorrelation,
            long minRequests,
            OnInconclusive onInconclusive,
            Limits limits,
            ScoreThresholds score) {
        this(
                interval,
                falseRollbackRate,
                maxAutocorrelation,
                DEFAULT_MAX_DISPERSION,
                DEFAULT_RULE_OUT,
                DEFAULT_MISSED_REGRESSION_RATE,
                minRequests,
                onInconclusive,
                limits,
                score);
    }

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

    /** What {@code mlrollout plan} does when a stage cannot decide within its maxBake. */
    public enum PlanMode {
        /** Print a warning per stage, and exit 0. */
        WARN,
        /** Print the warnings and refuse the policy (exit 1), so a CI step before the rollout stops it. */
        REFUSE
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
