package io.mlrollout.core.analysis.stats;

/**
 * Sequential test that the canary is worse than the baseline by more than a relative margin, on paired per-look values
 * (p99 latency per interval, accuracy per interval) and valid however often it looks: an anytime-valid t-test on the
 * per-look log ratio, with the unknown noise level handled by scale invariance and a lag-1 autocorrelation of the looks
 * up to a bound allowed for.
 *
 * <p><b>Statistic.</b> Each look k gives one value per version; the test takes x_k = ln(canary_k / baseline_k) −
 * ln(1 + margin) when higher is worse, and x_k = ln(1 − margin) − ln(canary_k / baseline_k) when lower is worse, so that
 * a positive mean is a regression beyond the margin. A load that slows both versions alike within a look cancels in the
 * ratio. The looks are modelled as x_k = μ + σ·e_k with e a stationary Gaussian AR(1) series of lag-1 correlation ρ,
 * σ unknown. With the scale integrated out, {@link AutocorrelatedLooks} gives the likelihood L(δ, ρ) of the looks'
 * shape at standardised mean δ = μ/σ. The e-value is
 *
 * <pre>
 *   E_n = Σ_i ω_i Σ_j w_j L(δ_j, ρ_i)  /  max over ρ in [0, ρmax] of L(0, ρ)
 * </pre>
 *
 * over the prior's effects δ_j, and over ρ_i ∈ {0, ρmax} with weights ¾ and ¼, so that a regression is found both in
 * independent looks and in looks as correlated as the bound; E_n is capped at 1 unless 1ᵀR_ρ⁻¹x &gt; 0 for every ρ in
 * [0, ρmax] (the looks lean towards a regression whatever the correlation). It depends on the looks only through n, Σx,
 * Σx², Σ x_k·x_(k−1), x_1 and x_n. With ρmax = 0 it is the scale-invariant t-test on independent looks.
 *
 * <p><b>Hypothesis and guarantee.</b> H0: μ ≤ 0 (the canary's value is at most (1 + margin) times the baseline's, in
 * geometric mean over looks), for any σ and any ρ in [0, ρmax]. Under such a (δ' ≤ 0, ρ0) the numerator over
 * L(δ', ρ0) is a mixture of likelihood ratios of the shape (the maximal invariant under rescaling), a martingale with
 * mean 1. The denominator is at least L(0, ρ0), and when E_n can exceed 1 it is also at least L(δ', ρ0): δ ↦ log L(δ,
 * ρ0) is concave with slope at 0 of the sign of 1ᵀR_ρ0⁻¹x, which the cap requires positive. So E_n can reach 1/α only
 * if that martingale does, which by Ville's inequality has probability at most α, over any number of looks and for any
 * rule that stops early. {@link #rejects} stays true once the e-value has reached 1/α.
 *
 * <p><b>Assumptions and limits.</b> Per-look log ratios close to normal, with a dependence no stronger than AR(1) at
 * ρmax (stronger or longer-lasting correlation inflates the evidence; measured in {@code docs/statistics.md}); both
 * values positive. Allowing for correlation costs speed: zero-mean looks that drift can mimic a regression, so the test
 * needs about twice as many looks as with ρmax = 0 for moderate regressions. Being scale-free, it learns the noise level
 * from the looks themselves: one look gives at most a factor 2 (its sign).
 */
public final class LogRatioTest {

    /**
     * The default bound on the lag-1 autocorrelation of the looks: a canary pod that stays slow for several minutes,
     * measured per minute. Validity is exact up to it; see {@code docs/statistics.md} for the price in speed.
     */
    public static final double DEFAULT_MAX_AUTOCORRELATION = 0.6;

    /** Prior weight of independent looks in the numerator; the rest goes to looks correlated at the bound. */
    private static final double INDEPENDENT_WEIGHT = 0.75;

    private final Worse worse;
    private final double margin;
    private final double logBound;
    private final double alpha;
    private final EffectPrior prior;
    private final double maxAutocorrelation;

    /**
     * A test with the {@linkplain EffectPrior#calibrated() calibrated} prior, valid for autocorrelations up to
     * {@link #DEFAULT_MAX_AUTOCORRELATION}.
     */
    public LogRatioTest(Worse worse, double margin, double alpha) {
        this(worse, margin, alpha, EffectPrior.calibrated(), DEFAULT_MAX_AUTOCORRELATION);
    }

    /**
     * @param worse which direction is a regression
     * @param margin the allowed relative change, at least 0 (below 1 when lower is worse): maxIncrease or maxDecrease
     * @param alpha the false-rejection probability this test may spend, in (0, 1)
     * @param prior the mixing distribution over standardised effects
     * @param maxAutocorrelation the largest lag-1 autocorrelation of the looks the test stays valid for, in [0, 1); 0
     *     assumes independent looks
     */
    public LogRatioTest(Worse worse, double margin, double alpha, EffectPrior prior, double maxAutocorrelation) {
        this(worse, margin, alpha, prior, maxAutocorrelation, false);
    }

    /**
     * @param ruleOut whether this is a {@linkplain #ruleOut rule-out}, whose margin is negative: its boundary lies beyond
     *     parity, on the side where the metric is worse
     */
    private LogRatioTest(
            Worse worse, double margin, double alpha, EffectPrior prior, double maxAutocorrelation, boolean ruleOut) {
        if (worse == null) {
            throw new IllegalArgumentException("worse must not be null");
        }
        double boundary = worse == Worse.HIGHER ? 1 + margin : 1 - margin;
        if (!Double.isFinite(margin) || !(ruleOut ? margin < 0 && boundary > 0 : margin >= 0 && boundary > 0)) {
            throw new IllegalArgumentException("margin must be finite and at least 0"
                    + (worse == Worse.LOWER ? " and below 1 when lower is worse" : "") + ", got " + margin);
        }
        if (prior == null) {
            throw new IllegalArgumentException("prior must not be null");
        }
        if (!(maxAutocorrelation >= 0 && maxAutocorrelation < 1)) {
            throw new IllegalArgumentException("maxAutocorrelation must be in [0, 1), got " + maxAutocorrelation);
        }
        this.worse = worse;
        this.margin = margin;
        this.logBound = worse == Worse.HIGHER ? Math.log1p(margin) : Math.log1p(-margin);
        this.alpha = Checks.level("alpha", alpha);
        this.prior = prior;
        this.maxAutocorrelation = maxAutocorrelation;
    }

    /**
     * The rule-out a pass needs: a test of H0' "the canary is at least {@code ratio} times the baseline" (at most, where
     * lower is worse), whose rejection shows the canary better than that. It is the same test turned round, with its
     * boundary at {@code ratio}, so it keeps the same guarantee: a canary at {@code ratio} or beyond is shown better
     * than it with probability at most α, however often it looks.
     *
     * @param worse which direction is a regression for the metric
     * @param ratio the regression to rule out, canary over baseline: above 1 where higher is worse, in (0, 1) where lower
     *     is worse
     */
    public static LogRatioTest ruleOut(
            Worse worse, double ratio, double alpha, EffectPrior prior, double maxAutocorrelation) {
        if (worse == null) {
            throw new IllegalArgumentException("worse must not be null");
        }
        boolean beyondParity = worse == Worse.HIGHER ? ratio > 1 : ratio > 0 && ratio < 1;
        if (!beyondParity || !Double.isFinite(ratio)) {
            throw new IllegalArgumentException("the ratio to rule out must be "
                    + (worse == Worse.HIGHER ? "above 1" : "in (0, 1)") + " when " + worse + " is worse, got " + ratio);
        }
        // turned round: a "regression" for this test is the canary better than the ratio, whose log is the boundary
        return worse == Worse.HIGHER
                ? new LogRatioTest(Worse.LOWER, 1 - ratio, alpha, prior, maxAutocorrelation, true)
                : new LogRatioTest(Worse.HIGHER, ratio - 1, alpha, prior, maxAutocorrelation, true);
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

    public double maxAutocorrelation() {
        return maxAutocorrelation;
    }

    /** Evidence before any look: e-value 1. */
    public LogRatioEvidence empty() {
        return new LogRatioEvidence(worse, margin, maxAutocorrelation, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The evidence after one more look's pair of values, both positive and finite. */
    public LogRatioEvidence add(LogRatioEvidence evidence, double canary, double baseline) {
        requireOwn(evidence);
        requirePositive("canary", canary);
        requirePositive("baseline", baseline);
        double logRatio = Math.log(canary) - Math.log(baseline);
        double x = worse == Worse.HIGHER ? logRatio - logBound : logBound - logRatio;
        boolean firstLook = evidence.looks() == 0;
        LogRatioEvidence next = new LogRatioEvidence(
                worse,
                margin,
                maxAutocorrelation,
                evidence.looks() + 1,
                evidence.sum() + x,
                evidence.sumOfSquares() + x * x,
                evidence.sumOfLagProducts() + (firstLook ? 0 : evidence.last() * x),
                firstLook ? x : evidence.first(),
                x,
                evidence.maxLogEValue());
        return next.withMaxLogEValue(Math.max(evidence.maxLogEValue(), logEValue(next)));
    }

    /** The current e-value; large values are evidence of a regression beyond the margin. */
    public double eValue(LogRatioEvidence evidence) {
        requireOwn(evidence);
        return Math.exp(logEValue(evidence));
    }

    /**
     * Whether this test built the evidence: the same direction, margin and autocorrelation bound. Evidence of another
     * test (or saved before the bound existed) has to be rebuilt from the looks.
     */
    public boolean accepts(LogRatioEvidence evidence) {
        return evidence != null
                && evidence.worse() == worse
                && evidence.margin() == margin
                && evidence.maxAutocorrelation() == maxAutocorrelation;
    }

    private double logEValue(LogRatioEvidence evidence) {
        if (evidence.looks() == 0 || evidence.sumOfSquares() == 0) {
            return 0; // no look, or every look exactly at the margin: nothing to judge by
        }
        AutocorrelatedLooks looks = new AutocorrelatedLooks(evidence);
        double independent = alternatives(looks, 0);
        double correlated = alternatives(looks, maxAutocorrelation);
        double numerator = Mixtures.logWeightedSum(
                new double[] {INDEPENDENT_WEIGHT, 1 - INDEPENDENT_WEIGHT}, new double[] {independent, correlated});
        double logEValue = numerator - looks.maxLogNullLikelihood(maxAutocorrelation);
        // without a lean towards a regression under every allowed ρ, the bound by L(δ' < 0, ρ) needs the cap
        return looks.leansWorse(maxAutocorrelation) ? logEValue : Math.min(0, logEValue);
    }

    /** log Σ_j w_j L(δ_j, ρ), relative to L(0, 0) like {@link AutocorrelatedLooks#logNullLikelihood}. */
    private double alternatives(AutocorrelatedLooks looks, double rho) {
        return looks.logNullLikelihood(rho)
                + prior.logMixture(looks.looks(), looks.ones(rho), looks.onesX(rho), looks.xx(rho));
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
        if (!accepts(evidence)) {
            throw new IllegalArgumentException("evidence was built by a test of " + evidence.worse() + " with margin "
                    + evidence.margin() + " and maxAutocorrelation " + evidence.maxAutocorrelation() + ", this test is "
                    + worse + " with margin " + margin + " and maxAutocorrelation " + maxAutocorrelation);
        }
    }

    private static void requirePositive(String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    field + " must be positive and finite to be compared as a ratio, got " + value);
        }
    }
}
