package io.mlrollout.core.analysis.stats;

/**
 * Anytime-valid test that the canary's fraction of bad events exceeds an absolute bound (a ratio metric's {@code max},
 * e.g. at most 1% errors), fed one interval of (bad, total) counts at a time.
 *
 * <p><b>Hypothesis.</b> Each canary event is bad with probability q, independently. H0: q ≤ qmax; the alternative is q
 * &gt; qmax.
 *
 * <p><b>Statistic.</b> A mixture sequential probability ratio test: for each alternative q_j with odds(q_j) =
 * {@code prior.ratios[j]} · odds(qmax), the binomial likelihood ratio of q_j against qmax over all events so far,
 * mixed with the prior's weights. This e-value starts at 1.
 *
 * <p><b>Guarantee.</b> Per event, the likelihood ratio's expectation is (1 + q(r − 1)) / (1 + qmax(r − 1)) ≤ 1 for
 * every q ≤ qmax, so the mixture is a non-negative supermartingale under H0 and, by Ville's inequality, reaches 1/α
 * with probability at most α over any number of looks and any data-dependent stopping.
 *
 * <p><b>Wandering rates.</b> A version's bad rate wanders from interval to interval (pods, caches, clients) and may
 * burst. With an envelope c &gt; 0 each interval's log likelihood ratio is divided by the dispersion factor φ = 1 + c²μ,
 * μ the bad events the interval's traffic would bring at the bound (a count whose rate wanders with CV c has variance
 * μ(1 + c²μ)), and capped at a quarter of log(1/α), as {@link RateRatioTest} does for the margin. The caller passes
 * the squared CV for each interval: what the margin test has learned from the versions' residuals (never from the
 * candidate alone, where a regression would pass for wandering), or the envelope. With c = 0 (the default) events
 * are independent and the test is exact.
 *
 * <p><b>Assumptions and limits.</b> Within the envelope the tempered factor has expectation at most 1 to second order,
 * checked by simulation ({@code ProportionBoundTestTest}). Fractional counts enter as real exponents: exact for true
 * counts, overstating the evidence by about c when the source scales counts up by c.
 */
public final class ProportionBoundTest {

    private final double maxFraction;
    private final double alpha;
    private final MixturePrior prior;
    private final double maxDispersion;

    /** A test of independent events with the {@linkplain MixturePrior#calibrated() calibrated} prior. */
    public ProportionBoundTest(double maxFraction, double alpha) {
        this(maxFraction, alpha, MixturePrior.calibrated());
    }

    /** A test of independent events. */
    public ProportionBoundTest(double maxFraction, double alpha, MixturePrior prior) {
        this(maxFraction, alpha, prior, 0);
    }

    /**
     * @param maxFraction the largest allowed bad fraction qmax, in (0, 1)
     * @param alpha the false-rejection probability this metric may spend, in (0, 1)
     * @param prior the mixing distribution over alternatives, as odds multiples of qmax
     * @param maxDispersion the envelope c: the largest CV of the per-interval rate allowed for, in [0, 2]; 0 assumes
     *     independent events
     */
    public ProportionBoundTest(double maxFraction, double alpha, MixturePrior prior, double maxDispersion) {
        this.maxFraction = Checks.level("maxFraction", maxFraction);
        this.alpha = Checks.level("alpha", alpha);
        if (prior == null) {
            throw new IllegalArgumentException("prior must not be null");
        }
        if (!(maxDispersion >= 0 && maxDispersion <= 2)) {
            throw new IllegalArgumentException("maxDispersion must be in [0, 2], got " + maxDispersion);
        }
        this.prior = prior;
        this.maxDispersion = maxDispersion;
    }

    public double alpha() {
        return alpha;
    }

    public double maxDispersion() {
        return maxDispersion;
    }

    /** Evidence before any interval: e-value 1. */
    public ProportionEvidence empty() {
        return new ProportionEvidence(maxFraction, 0, 0, 0, 0, new double[prior.size()]);
    }

    /** The evidence after one more interval's canary counts, allowing for the envelope's wandering. */
    public ProportionEvidence add(ProportionEvidence evidence, double bad, double total) {
        return add(evidence, bad, total, maxDispersion * maxDispersion);
    }

    /**
     * The evidence after one more interval's canary counts, allowing for a rate that wanders with squared CV {@code
     * cv2} in this interval (0 when the test assumes independent events, whatever is passed).
     */
    public ProportionEvidence add(ProportionEvidence evidence, double bad, double total, double cv2) {
        requireOwn(evidence);
        Checks.count("bad", bad);
        Checks.count("total", total);
        Checks.badWithinTotal("bad", bad, "total", total);
        if (!(cv2 >= 0) || !Double.isFinite(cv2)) {
            throw new IllegalArgumentException("cv2 must be finite and at least 0, got " + cv2);
        }
        double[] increments = maxDispersion == 0
                ? prior.accumulate(new double[prior.size()], bad, total, maxFraction)
                : prior.temperedIncrements(
                        bad,
                        total,
                        maxFraction,
                        1 / (1 + cv2 * total * maxFraction),
                        INTERVAL_CAP_SHARE * Math.log(1 / alpha));
        double[] logLr = logLikelihoodRatios(evidence);
        for (int j = 0; j < logLr.length; j++) {
            logLr[j] += increments[j];
        }
        double logE = prior.logMixture(logLr);
        return new ProportionEvidence(
                maxFraction,
                evidence.bad() + bad,
                evidence.total() + total,
                evidence.intervals() + 1,
                Math.max(evidence.maxLogEValue(), logE),
                logLr);
    }

    /** The largest share of the rejection threshold one interval may contribute when rates may wander. */
    private static final double INTERVAL_CAP_SHARE = 0.25;

    /** The sums per alternative; a state saved before they were kept has them from its pooled counts. */
    private double[] logLikelihoodRatios(ProportionEvidence evidence) {
        double[] kept = evidence.logLikelihoodRatios();
        return kept != null
                ? kept
                : prior.accumulate(new double[prior.size()], evidence.bad(), evidence.total(), maxFraction);
    }

    /** The current mixture likelihood ratio (e-value); large values are evidence that q exceeds the bound. */
    public double eValue(ProportionEvidence evidence) {
        requireOwn(evidence);
        return Math.exp(prior.logMixture(logLikelihoodRatios(evidence)));
    }

    /** The always-valid p-value: 1 / the largest e-value reached so far, capped at 1. */
    public double pValue(ProportionEvidence evidence) {
        requireOwn(evidence);
        return Math.min(1, Math.exp(-evidence.maxLogEValue()));
    }

    /** Whether the e-value has reached 1/α at any look: the canary's bad fraction exceeds the bound. */
    public boolean rejects(ProportionEvidence evidence) {
        requireOwn(evidence);
        return evidence.maxLogEValue() >= Math.log(1 / alpha);
    }

    private void requireOwn(ProportionEvidence evidence) {
        if (evidence == null) {
            throw new IllegalArgumentException("evidence must not be null");
        }
        double[] kept = evidence.logLikelihoodRatios();
        if (evidence.maxFraction() != maxFraction || (kept != null && kept.length != prior.size())) {
            throw new IllegalArgumentException("evidence was built by a test with maxFraction " + evidence.maxFraction()
                    + ", this test has " + maxFraction);
        }
    }
}
