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
 * <p><b>Assumptions and limits.</b> Independent events (correlated bursts inflate the evidence). Fractional counts enter
 * as real exponents: exact for true counts, overstating the evidence by about c when the source scales counts up by c
 * (divide by a known extrapolation factor first).
 */
public final class ProportionBoundTest {

    private final double maxFraction;
    private final double alpha;
    private final MixturePrior prior;

    /** A test with the {@linkplain MixturePrior#calibrated() calibrated} prior. */
    public ProportionBoundTest(double maxFraction, double alpha) {
        this(maxFraction, alpha, MixturePrior.calibrated());
    }

    /**
     * @param maxFraction the largest allowed bad fraction qmax, in (0, 1)
     * @param alpha the false-rejection probability this metric may spend, in (0, 1)
     * @param prior the mixing distribution over alternatives, as odds multiples of qmax
     */
    public ProportionBoundTest(double maxFraction, double alpha, MixturePrior prior) {
        this.maxFraction = Checks.level("maxFraction", maxFraction);
        this.alpha = Checks.level("alpha", alpha);
        if (prior == null) {
            throw new IllegalArgumentException("prior must not be null");
        }
        this.prior = prior;
    }

    public double maxFraction() {
        return maxFraction;
    }

    public double alpha() {
        return alpha;
    }

    /** Evidence before any interval: e-value 1. */
    public ProportionEvidence empty() {
        return new ProportionEvidence(maxFraction, 0, 0, 0, 0);
    }

    /** The evidence after one more interval's canary counts. */
    public ProportionEvidence add(ProportionEvidence evidence, double bad, double total) {
        requireOwn(evidence);
        Checks.count("bad", bad);
        Checks.count("total", total);
        Checks.badWithinTotal("bad", bad, "total", total);
        double pooledBad = evidence.bad() + bad;
        double pooledTotal = evidence.total() + total;
        double logE = logEValue(pooledBad, pooledTotal);
        return new ProportionEvidence(
                maxFraction, pooledBad, pooledTotal, evidence.intervals() + 1, Math.max(evidence.maxLogEValue(), logE));
    }

    /** The current mixture likelihood ratio (e-value); large values are evidence that q exceeds the bound. */
    public double eValue(ProportionEvidence evidence) {
        requireOwn(evidence);
        return Math.exp(logEValue(evidence.bad(), evidence.total()));
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

    private double logEValue(double bad, double total) {
        return prior.logMixture(prior.accumulate(new double[prior.size()], bad, total, maxFraction));
    }

    private void requireOwn(ProportionEvidence evidence) {
        if (evidence == null) {
            throw new IllegalArgumentException("evidence must not be null");
        }
        if (evidence.maxFraction() != maxFraction) {
            throw new IllegalArgumentException("evidence was built by a test with maxFraction " + evidence.maxFraction()
                    + ", this test has " + maxFraction);
        }
    }
}
