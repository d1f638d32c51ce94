package io.mlrollout.core.analysis.stats;

/**
 * Anytime-valid test that the canary's rate of bad events (errors, slow requests) exceeds the baseline's by more than
 * the allowed margin. Fed one interval at a time, it may be looked at after every interval and stopped whenever the
 * data say so.
 *
 * <p><b>Model and hypothesis.</b> In interval i the canary has x_i bad of n_i events and the baseline y_i bad of m_i.
 * Bad events of each version arrive as Poisson counts proportional to its traffic, with a per-event rate that may drift
 * over time as long as it drifts alike for both versions. Conditional on the interval's bad events k_i = x_i + y_i,
 * x_i ~ Binomial(k_i, p_i(θ)) with p_i(θ) = θ s_i / (θ s_i + 1 − s_i), s_i = n_i / (n_i + m_i), and θ the canary's bad
 * rate over the baseline's. The traffic share s_i may change from interval to interval (stages change it). H0: θ ≤ θ0,
 * with θ0 = 1 + maxIncrease; the alternative is θ > θ0.
 *
 * <p><b>Statistic.</b> A mixture sequential probability ratio test (mSPRT): for each alternative θ_j = the null odds
 * times {@code prior.ratios[j]} (so θ_j = θ0 · ratio_j), the product over intervals of the binomial likelihood ratios of
 * θ_j against θ0, mixed with the prior's weights. This e-value starts at 1.
 *
 * <p><b>Guarantee.</b> For every θ ≤ θ0 each product is a non-negative supermartingale (its expected factor per
 * interval is at most 1, equal at θ = θ0), hence so is the mixture, and Ville's inequality bounds the probability that
 * it <i>ever</i> reaches 1/α by α: the false-rejection probability is at most α over any number of looks and any
 * data-dependent stopping. {@link #rejects} stays true once the e-value has reached 1/α.
 *
 * <p><b>Assumptions and limits.</b> Bad events are independent given the traffic (bursts of correlated errors, such as
 * one client retrying, inflate the evidence); per-request rates are small (at a few percent the binomial-per-request
 * and Poisson models agree). Counts may be fractional, as Prometheus' {@code increase()} extrapolates; they enter the
 * likelihood as real exponents. That is exact for true counts; counts scaled up by a factor c > 1 overstate the
 * evidence by about c, so a caller that knows its extrapolation factor should divide the counts by it. Intervals in
 * which either version has no events, or no bad event occurs, carry no information and leave the e-value unchanged.
 */
public final class RateRatioTest {

    private final double theta0;
    private final double alpha;
    private final MixturePrior prior;

    /** A test with the {@linkplain MixturePrior#calibrated() calibrated} prior. */
    public RateRatioTest(double theta0, double alpha) {
        this(theta0, alpha, MixturePrior.calibrated());
    }

    /**
     * @param theta0 the largest allowed ratio of canary to baseline bad rate, 1 + maxIncrease (at least 1)
     * @param alpha the false-rejection probability this metric may spend, in (0, 1)
     * @param prior the mixing distribution over alternatives, as multiples of θ0
     */
    public RateRatioTest(double theta0, double alpha, MixturePrior prior) {
        if (!(theta0 >= 1) || !Double.isFinite(theta0)) {
            throw new IllegalArgumentException("theta0 must be finite and at least 1, got " + theta0);
        }
        this.theta0 = theta0;
        this.alpha = Checks.level("alpha", alpha);
        if (prior == null) {
            throw new IllegalArgumentException("prior must not be null");
        }
        this.prior = prior;
    }

    public double theta0() {
        return theta0;
    }

    public double alpha() {
        return alpha;
    }

    public MixturePrior prior() {
        return prior;
    }

    /** Evidence before any interval: e-value 1. */
    public RateRatioEvidence empty() {
        return new RateRatioEvidence(theta0, new double[prior.size()], 0, 0, 0, 0, 0, 0);
    }

    /** The evidence after one more interval's counts. */
    public RateRatioEvidence add(
            RateRatioEvidence evidence,
            double canaryBad,
            double canaryTotal,
            double baselineBad,
            double baselineTotal) {
        requireOwn(evidence);
        Checks.pairedCounts(canaryBad, canaryTotal, baselineBad, baselineTotal);

        double[] logLr = evidence.logLikelihoodRatios();
        if (canaryTotal > 0 && baselineTotal > 0) {
            double share = canaryTotal / (canaryTotal + baselineTotal);
            double p0 = theta0 * share / (theta0 * share + 1 - share);
            logLr = prior.accumulate(logLr, canaryBad, canaryBad + baselineBad, p0);
        }
        return new RateRatioEvidence(
                theta0,
                logLr,
                Math.max(evidence.maxLogEValue(), prior.logMixture(logLr)),
                evidence.intervals() + 1,
                evidence.canaryBad() + canaryBad,
                evidence.canaryTotal() + canaryTotal,
                evidence.baselineBad() + baselineBad,
                evidence.baselineTotal() + baselineTotal);
    }

    /** The current mixture likelihood ratio (e-value); large values are evidence of a regression. */
    public double eValue(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return Math.exp(prior.logMixture(evidence.logLikelihoodRatios()));
    }

    /** The always-valid p-value: 1 / the largest e-value reached so far, capped at 1. */
    public double pValue(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return Math.min(1, Math.exp(-evidence.maxLogEValue()));
    }

    /** Whether the e-value has reached 1/α at any look: the canary's bad rate exceeds θ0 times the baseline's. */
    public boolean rejects(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return evidence.maxLogEValue() >= Math.log(1 / alpha);
    }

    private void requireOwn(RateRatioEvidence evidence) {
        if (evidence == null) {
            throw new IllegalArgumentException("evidence must not be null");
        }
        if (evidence.theta0() != theta0 || evidence.logLikelihoodRatios().length != prior.size()) {
            throw new IllegalArgumentException("evidence was built by a test with theta0 " + evidence.theta0() + " and "
                    + evidence.logLikelihoodRatios().length + " alternatives, this test has theta0 " + theta0
                    + " and " + prior.size());
        }
    }
}
