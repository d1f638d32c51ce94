package io.mlrollout.core.analysis.stats;

/**
 * Sequential test that the canary is worse than the baseline by more than a relative margin, on paired per-look values
 * (p99 latency per interval, accuracy per interval) and valid however often it looks: an anytime-valid t-test on the
 * per-look log ratio, with the unknown noise level handled by scale invariance.
 *
 * <p><b>Statistic.</b> Each look k gives one value per version; the test takes x_k = ln(canary_k / baseline_k) −
 * ln(1 + margin) when higher is worse, and x_k = ln(1 − margin) − ln(canary_k / baseline_k) when lower is worse, so that
 * a positive mean is a regression beyond the margin. A load that slows both versions alike within a look cancels in
 * the ratio. The e-value is the mixture, over the prior's standardised effects δ_j, of the scale-invariant Bayes
 * factors of δ_j against δ = 0 ({@link ScaleInvariantBayesFactor}); it depends on the looks only through n, Σx and Σx².
 *
 * <p><b>Hypothesis and guarantee.</b> Model: x_1, x_2, … independent N(μ, σ²), σ unknown and arbitrary. H0: μ ≤ 0
 * (the canary's value is at most (1 + margin) times the baseline's, in geometric mean over looks). At μ = 0 every
 * Bayes factor is a martingale in the filtration of the scale-free statistic (x_1/|x_1|, …, x_n/|x_1|), so by Ville's
 * inequality the mixture reaches 1/α at some look with probability at most α. For μ &lt; 0: the invariant likelihood
 * is concave in δ with its maximum on the side of the sign of Σx, so whenever the e-value exceeds 1 (which needs
 * Σx &gt; 0) it is at most the mixture's likelihood ratio against that μ/σ, itself a martingale under it; Ville's
 * inequality again bounds the false-rejection probability by α. Both hold over any number of looks and for any rule
 * that stops early. {@link #rejects} stays true once the e-value has reached 1/α.
 *
 * <p><b>Assumptions and limits.</b> Looks are independent (autocorrelated per-look values inflate the evidence); the
 * per-look log ratio is close to normal (at low traffic a canary quantile read from few requests is right-skewed,
 * which makes this one-sided test conservative; measured in {@code docs/statistics.md}); both values are positive.
 * Being scale-free, the test learns the noise level from the looks themselves, so even a large regression needs about
 * four looks: one look gives at most a factor 2 (its sign).
 */
public final class LogRatioTest {

    private final Worse worse;
    private final double margin;
    private final double logBound;
    private final double alpha;
    private final EffectPrior prior;

    /** A test with the {@linkplain EffectPrior#calibrated() calibrated} prior. */
    public LogRatioTest(Worse worse, double margin, double alpha) {
        this(worse, margin, alpha, EffectPrior.calibrated());
    }

    /**
     * @param worse which direction is a regression
     * @param margin the allowed relative change, at least 0 (below 1 when lower is worse): maxIncrease or maxDecrease
     * @param alpha the false-rejection probability this test may spend, in (0, 1)
     * @param prior the mixing distribution over standardised effects
     */
    public LogRatioTest(Worse worse, double margin, double alpha, EffectPrior prior) {
        if (worse == null) {
            throw new IllegalArgumentException("worse must not be null");
        }
        if (!(margin >= 0) || !Double.isFinite(margin) || (worse == Worse.LOWER && margin >= 1)) {
            throw new IllegalArgumentException("margin must be finite and at least 0"
                    + (worse == Worse.LOWER ? " and below 1 when lower is worse" : "") + ", got " + margin);
        }
        if (prior == null) {
            throw new IllegalArgumentException("prior must not be null");
        }
        this.worse = worse;
        this.margin = margin;
        this.logBound = worse == Worse.HIGHER ? Math.log1p(margin) : Math.log1p(-margin);
        this.alpha = Checks.level("alpha", alpha);
        this.prior = prior;
    }

    public Worse worse() {
        return worse;
    }

    public double margin() {
        return margin;
    }

    public double alpha() {
        return alpha;
    }

    public EffectPrior prior() {
        return prior;
    }

    /** Evidence before any look: e-value 1. */
    public LogRatioEvidence empty() {
        return new LogRatioEvidence(worse, margin, 0, 0, 0, 0);
    }

    /** The evidence after one more look's pair of values, both positive and finite. */
    public LogRatioEvidence add(LogRatioEvidence evidence, double canary, double baseline) {
        requireOwn(evidence);
        requirePositive("canary", canary);
        requirePositive("baseline", baseline);
        double logRatio = Math.log(canary) - Math.log(baseline);
        double x = worse == Worse.HIGHER ? logRatio - logBound : logBound - logRatio;
        int looks = evidence.looks() + 1;
        double sum = evidence.sum() + x;
        double sumOfSquares = evidence.sumOfSquares() + x * x;
        double logEValue = prior.logMixture(looks, sum, sumOfSquares);
        return new LogRatioEvidence(
                worse, margin, looks, sum, sumOfSquares, Math.max(evidence.maxLogEValue(), logEValue));
    }

    /** The current e-value; large values are evidence of a regression beyond the margin. */
    public double eValue(LogRatioEvidence evidence) {
        requireOwn(evidence);
        if (evidence.looks() == 0) {
            return 1;
        }
        return Math.exp(prior.logMixture(evidence.looks(), evidence.sum(), evidence.sumOfSquares()));
    }

    /** The always-valid p-value: 1 / the largest e-value reached so far, capped at 1. */
    public double pValue(LogRatioEvidence evidence) {
        requireOwn(evidence);
        return Math.min(1, Math.exp(-evidence.maxLogEValue()));
    }

    /** Whether the e-value has reached 1/α at any look: the canary is worse than the margin allows. */
    public boolean rejects(LogRatioEvidence evidence) {
        requireOwn(evidence);
        return evidence.maxLogEValue() >= Math.log(1 / alpha);
    }

    private void requireOwn(LogRatioEvidence evidence) {
        if (evidence == null) {
            throw new IllegalArgumentException("evidence must not be null");
        }
        if (evidence.worse() != worse || evidence.margin() != margin) {
            throw new IllegalArgumentException("evidence was built by a test of " + evidence.worse() + " with margin "
                    + evidence.margin() + ", this test is " + worse + " with margin " + margin);
        }
    }

    private static void requirePositive(String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    field + " must be positive and finite to be compared as a ratio, got " + value);
        }
    }
}
