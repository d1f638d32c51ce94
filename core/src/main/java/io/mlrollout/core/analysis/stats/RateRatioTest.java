package io.mlrollout.core.analysis.stats;

import java.util.Arrays;
import java.util.Optional;

/**
 * Anytime-valid test that the canary's rate of bad events (errors, slow requests) exceeds the baseline's by more than
 * a ratio θ0, fed one interval at a time, valid when the per-interval rates wander as production traffic makes them
 * wander. It may be looked at after every interval and stopped whenever the data say so. The same test, with the
 * versions' roles swapped and θ0 below 1, shows that the canary is <i>below</i> a ratio (see {@link #ruleOut}).
 *
 * <p><b>Model and hypothesis.</b> In interval i the canary has x_i bad of n_i events and the baseline y_i bad of m_i.
 * Each version's bad events are Poisson given the interval's rate, and each version's rate may wander from interval to
 * interval around its mean by a multiplicative factor with coefficient of variation (CV) up to c (pods, caches,
 * clients: overdispersion); a change that hits both versions alike (load, time of day) cancels. H0: the canary's mean
 * rate is at most θ0 times the baseline's. With s_i = n_i / (n_i + m_i) and p0 = θ0 s_i / (θ0 s_i + 1 − s_i), the
 * canary's share of the interval's k_i = x_i + y_i bad events then has mean p0 (per expected event) and, whatever the
 * shape of the wandering, variance k p0 (1 − p0) · φ with the dispersion factor φ = 1 + 2 p0 (1 − p0) c² k.
 *
 * <p><b>Statistic.</b> A mixture sequential probability ratio test (mSPRT) on the canary's share of bad events: for
 * each alternative odds multiplier r_j of the prior, the binomial log likelihood ratio x log r_j − k log(1 + p0 (r_j −
 * 1)), divided by the interval's dispersion factor (a quasi-likelihood), and capped at a quarter of log(1/α) so that no
 * single interval (a burst) carries more than a quarter of the evidence a rejection needs; where the baseline drifts,
 * less (see Drift); where its hour showed it calm and hardly wandering, half for an interval that follows one at the
 * cap, minutes without evidence between them aside (two in a row are seldom bursts, and a regression at high counts
 * reaches the cap every interval). The factor is computed from what was known before the interval: the bad events the
 * interval's traffic should bring at the pooled rate so far (where the baseline is calm and wanders within the
 * envelope, at the null's boundary: the baseline's rate so far, so that a canary that fails more does not widen its own
 * allowance), or before the first interval at the baseline's recent rate in its hour before the rollout where that hour
 * shows it calm and the test mixes over late starts (an upper bound; otherwise the first interval carries no evidence),
 * and c the smaller of the policy's envelope and an upper confidence bound on the dispersion learned from the earlier
 * intervals' residuals; once five intervals' residuals show more wander than the envelope, c is at least what they
 * show. The interval's own counts never set its factor: a factor that shrank when the baseline happened to be quiet
 * would turn quiet minutes into evidence.
 *
 * <p><b>Residuals.</b> Each interval's residual is its canary count around the share the ratio of the last few
 * intervals predicts (decay {@link #RECENT_DECAY}). Where the baseline is quiet (calm, and wandering with a CV below
 * 25%), that ratio is taken over the same intervals of both versions, so that load, which moves both alike and a tail
 * share most of all, cancels; and the residual is standardized by the ratio's own counting noise as well as the
 * interval's, so that on minutes that do not wander the residuals show none. Elsewhere the ratio is against the
 * baseline's longer run and its noise is left in: residuals around a recent ratio understate a drift, and those two
 * make up some of that (see {@link #recentRatio}).
 *
 * <p><b>Where c starts.</b> Once the baseline's own wander was measured over 20 intervals (the hour before the rollout
 * gives them at once) and it does not drift, c starts from that wander instead of the envelope (at least a CV of 10%),
 * and after the residuals are learned it is no more than the larger of that wander and the residuals' own estimate: a
 * bound from a few intervals sits far above minutes that do not wander, and cost calm rollouts most of their speed. A
 * healthy candidate is served by the same stack to the same clients as the baseline, so it wanders about as much; one
 * that wanders more shows it in the residuals from the fourth interval on. Where the baseline drifts, but so little
 * that its long-run wander (the bound grown by the drift's persistence) stays below a CV of 20%, c starts from that
 * long-run wander and one interval may carry what it may after a quiet hour: an hour of Poisson minutes reads as
 * drifting by chance in about one rollout in seven. The rule-out keeps the bound: there the counted version is the
 * candidate, and allowing it too little wander would pass regressions.
 *
 * <p><b>Self-normalized part.</b> At high counts that bound is costly: while the dispersion is learned its upper bound
 * sits well above the wander, and a minute's evidence is divided by a factor that grows with its events. So a fifth of
 * the e-value is a second e-process that needs no bound on the wander: each interval's excess of canary bad events,
 * standardized by a point estimate of its spread (ξ), feeds bets λ that each gain λξ − P·λ²ξ²/2. Its own square stands
 * in for the variance (de la Peña's self-normalized supermartingale, valid for ξ symmetric or skewed to the right about
 * a mean at most 0, as a binomial share of at most ½ is), and P ≥ 1 is the drift's persistence learned from the
 * baseline. It bets only while the canary's share p0 is at most ½, and a test that assumes Poisson intervals (c = 0)
 * or rules a regression out has none. No interval can add more than ½ to a bet's log wealth, so it is slow on large
 * effects, which the count mixture catches; it is fast on small effects at high counts, where the count mixture waits
 * for its bound. The average of two e-processes is one, so the guarantee below holds for the sum.
 *
 * <p><b>Scale-free part.</b> Where a load shared by both versions made the baseline's hour wander, the count mixture
 * allows for that wander, though in the comparison the load cancels. So after a calm hour each interval's canary
 * excess over the boundary in standard deviations of its binomial count, (x − k·p0) / √(k·p0·(1 − p0)), also goes into
 * a one-sample t-test whose scale-invariant Bayes factor ({@link ScaleInvariantBayesFactor}) learns the excesses'
 * spread from themselves: wander of one size from minute to minute costs it nothing beyond the t-test's price for not
 * knowing the scale. Under H0 with independent normal excesses it is a martingale in the filtration of their shape, not
 * in the mixture's, so it is not averaged with the rest: the test rejects when (1 − s) times the mixture's and bets'
 * e-value or s times the Bayes factor reaches 1/α, each with chance at most its share of α (s = {@link
 * #SCALE_FREE_SHARE}). It takes an interval only where the baseline does not drift (a drift makes neighbouring
 * excesses alike) and p0 is at most ½ (the excess skewed to the right); a rule-out and a test that assumes Poisson
 * intervals have none. Its share is decided once, at the first interval with traffic on both versions and before its
 * counts: held where that interval is one the part could take, otherwise waived, and the count mixture and bets keep
 * all of α. So a rollout whose hour drifts, and a promotion watch whose candidate holds most of the traffic, pay
 * nothing for a part that would take no interval; a share decided later, from data the statistic had already used,
 * would break the union bound. One interval moves the t-statistic by at most one, however extreme, so it needs no cap.
 *
 * <p><b>Guarantee.</b> With c = 0 (no wandering) every product is a non-negative supermartingale under H0 and Ville's
 * inequality bounds the chance that the mixture ever reaches 1/α by α, over any number of looks and any stopping. With
 * wandering up to the envelope the tempered factor has expectation at most 1 to second order, which the simulations in
 * docs/statistics.md check under gamma and log-normal wandering, bursts and drift; the envelope is where that holds.
 * The scale-free part's share is exact for independent normal excesses of one scale, and checked by the same
 * simulations beyond that.
 *
 * <p><b>Drift.</b> Wander that persists over several intervals (an AR(1) drift of lag-one correlation ρ) adds up
 * faster than wander drawn afresh each interval: its long-run variance is (1 + ρ) / (1 − ρ) times larger. The test
 * learns ρ from the baseline's own bad rate around its recent rate (never from the candidate's, where a regression that
 * starts late would look like a drift) and grows c² by the long-run variance over the variance the residuals show,
 * ρ at most 0.8. Residuals around a recent rate understate a drift (the rate follows it part way), and counting noise
 * makes neighbours look anti-correlated (the previous count is part of the rate): {@link DriftAllowance} undoes the
 * first, the sums take the second out, and a baseline burst is clipped before it can swell the variance. An hour is a
 * short series to learn a correlation from, and where it comes out low every interval of a drift's excursion is
 * under-allowed for at once; so where the baseline drifts the cap on one interval's evidence shrinks from a quarter
 * by the drift's persistence P (the long-run variance over the residuals'), to a quarter / P but never below 0.15,
 * once that drift was learned from 20 neighbouring intervals (before, a correlation is mostly chance).
 *
 * <p><b>Limits.</b> Rates that wander more than the envelope (estimate it with {@link #estimatedDispersion}) are
 * allowed for by what the residuals show, an estimate rather than a bound, and before five intervals not at all, so
 * they may still inflate the evidence (at a CV of 100% the simulations reject at about α). ρ is learned from the
 * baseline's hour before the rollout ({@link #learnBaselineHistory}, when the plan could read it) and the rollout's
 * intervals, so in some rollouts it still comes out low by chance and the drift is under-allowed for there; a candidate
 * that drifts while the baseline does not is not seen as drifting. A step that moves both versions alike during the
 * rollout, its first interval included, is not learned as the baseline's drift ({@link SharedStep}); one near either
 * end of the baseline's hour may still be, since {@link HistoryStep} needs three intervals on either side (more where an
 * interval holds a dozen bad events or fewer) and by the canary's first interval the recent rate has followed a late
 * step part of the way. Counts may be fractional, as Prometheus' {@code increase()} extrapolates; counts scaled up by c
 * &gt; 1 overstate the evidence by about c. Intervals in which either version has no events, or no bad event occurs,
 * carry no information.
 */
public final class RateRatioTest {

    /** The default envelope: each version's per-interval rate may wander with a CV of up to 50%. */
    public static final double DEFAULT_MAX_DISPERSION = 0.5;

    /**
     * How much less each earlier interval weighs in the ratio that residuals are taken around: about the last five
     * intervals count, so a regression that starts mid-rollout is soon part of the expectation and not read as
     * wandering.
     */
    public static final double RECENT_DECAY = 0.8;

    /**
     * What counting noise adds to a residual's variance around the recent rate, and takes from its neighbour's: noise
     * that does not persist, (1 − λ) / (1 + λ).
     */
    private static final double COUNTING_SHARE = DriftAllowance.residualVariance(0, RECENT_DECAY) - 1;

    /**
     * Intervals on each side of a step in the baseline's history: fewer would take a burst at either end for a step.
     */
    private static final int MIN_STEP_SIDE = 3;

    /** Standard deviations (of the envelope's wander) beyond which a baseline residual counts as a burst, not drift. */
    private static final double BURST_CLIP = 3;

    /**
     * The self-normalized part's share of the e-value; the count mixture keeps the rest. A fifth costs the count
     * mixture little (it needs 1.25 times the evidence) and is enough where the dispersion bound is far above the
     * wander.
     */
    private static final double SELF_NORMALIZED_WEIGHT = 0.2;

    /**
     * The self-normalized part's bets per interval, in units of the interval's standard deviation. On a shift of δ of
     * them, the best bet is δ / (1 + δ²), never more than ½: larger bets only lose.
     */
    private static final double[] SELF_NORMALIZED_BETS = {0.1, 0.2, 0.3, 0.4, 0.5};

    /**
     * The share of α the scale-free part may spend where it holds one; the count mixture and the self-normalized bets
     * keep the rest. A fifth was as fast as three tenths on the benchmark's slowdowns; the count mixture, left four
     * fifths, then takes about a minute longer on large effects at 20 req/s.
     */
    private static final double SCALE_FREE_SHARE = 0.2;

    /**
     * The scale-free part's effects, in standard deviations of one interval's excess: from small regressions at high
     * counts (a tenth of a latency slowdown over a margin at 20 req/s is about 1.5) to large ones, which the count
     * mixture catches anyway.
     */
    static final EffectPrior SCALE_FREE_PRIOR =
            new EffectPrior(new double[] {0.25, 0.5, 1, 2, 4}, new double[] {1, 1, 1, 1, 1});

    private final double theta0;
    private final double alpha;
    private final MixturePrior prior;
    private final double maxDispersion;
    private final int horizon;
    /** Whether the test has the parts that learn the wander: the self-normalized bets and the scale-free part. */
    private final boolean learnsTheWander;

    private final IntervalAllowance allowance;

    /** A test with the {@linkplain MixturePrior#calibrated() calibrated} prior and the default envelope. */
    public RateRatioTest(double theta0, double alpha) {
        this(theta0, alpha, MixturePrior.calibrated(), DEFAULT_MAX_DISPERSION);
    }

    /**
     * @param theta0 the null boundary: the largest allowed ratio of canary to baseline bad rate (1 + maxIncrease), or,
     *     for {@link #ruleOut}, its reciprocal; positive and finite
     * @param alpha the false-rejection probability this test may spend, in (0, 1)
     * @param prior the mixing distribution over alternatives, as odds multiples of the boundary
     * @param maxDispersion the envelope c: the largest CV of a version's per-interval rate the test allows for, in [0,
     *     2]; 0 assumes Poisson intervals (fastest, and exact there)
     */
    public RateRatioTest(double theta0, double alpha, MixturePrior prior, double maxDispersion) {
        this(theta0, alpha, prior, maxDispersion, 0);
    }

    /**
     * A test that also catches a regression that starts late (a higher stage brings it out, a bad batch arrives
     * mid-bake) without first paying back the evidence for the candidate that the earlier intervals gathered. Its
     * e-value mixes, per alternative, the e-processes started at every interval: the one from the first interval with
     * weight ½, each of the next {@code horizon} intervals' with weight ½ / horizon. Each is a supermartingale under
     * H0 (1 before its start), so their mixture is one, computed as M_t = LR_t · (M_(t−1) + π_t).
     *
     * @param horizon the intervals a rollout may last (its stages' longest bakes); 0 mixes nothing: one e-process from
     *     the start
     */
    public RateRatioTest(double theta0, double alpha, MixturePrior prior, double maxDispersion, int horizon) {
        this(theta0, alpha, prior, maxDispersion, horizon, false);
    }

    private RateRatioTest(
            double theta0, double alpha, MixturePrior prior, double maxDispersion, int horizon, boolean rulesOut) {
        if (!(theta0 > 0) || !Double.isFinite(theta0)) {
            throw new IllegalArgumentException("theta0 must be positive and finite, got " + theta0);
        }
        if (!(maxDispersion >= 0 && maxDispersion <= 2)) {
            throw new IllegalArgumentException("maxDispersion must be in [0, 2], got " + maxDispersion);
        }
        this.theta0 = theta0;
        this.alpha = Checks.level("alpha", alpha);
        if (prior == null) {
            throw new IllegalArgumentException("prior must not be null");
        }
        this.prior = prior;
        this.maxDispersion = maxDispersion;
        if (horizon < 0) {
            throw new IllegalArgumentException("horizon must be at least 0, got " + horizon);
        }
        this.horizon = horizon;
        // assuming Poisson intervals, the count mixture is exact and the parts that learn the wander would only cost it
        this.learnsTheWander = !rulesOut && maxDispersion > 0;
        // a rule-out that allowed for too little wander would pass regressions: it keeps the envelope's start
        this.allowance = new IntervalAllowance(maxDispersion, !rulesOut);
    }

    /**
     * The test that shows the canary's rate is below {@code ratio} times the baseline's: this class with the versions'
     * roles swapped (feed it the baseline's counts first) and the boundary 1 / ratio. Rejecting its null ("the canary
     * is at least {@code ratio} times worse") rules that regression out. It has no self-normalized part: with the
     * roles swapped the counted version's share of bad events is mostly over ½, where that part is not valid.
     */
    public static RateRatioTest ruleOut(double ratio, double alpha, double maxDispersion) {
        return new RateRatioTest(1 / ratio, alpha, MixturePrior.calibrated(), maxDispersion, 0, true);
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

    public double maxDispersion() {
        return maxDispersion;
    }

    /** Evidence before any interval: e-value 1. */
    public RateRatioEvidence empty() {
        return emptyWith(RateRatioEvidence.RecentCounts.NONE, RateRatioEvidence.SerialResiduals.NONE);
    }

    /**
     * Evidence before any interval that already knows what {@code learned} (another test's evidence on the same
     * baseline, e.g. the canary stages' before the promotion watch) learned of the baseline's drift and recent rate:
     * nothing about the canary, no evidence.
     */
    public RateRatioEvidence emptyKnowingTheBaseline(RateRatioEvidence learned) {
        RateRatioEvidence.RecentCounts recent = recentOf(learned);
        return emptyWith(
                RateRatioEvidence.RecentCounts.baselineOnly(recent.baselineBad(), recent.baselineTotal()),
                IntervalAllowance.baselineSerialOf(learned));
    }

    /**
     * Evidence before any interval that knows only how {@code learned} showed the baseline drifting: nothing of its
     * recent rate, nothing about the canary, no evidence.
     */
    public RateRatioEvidence emptyKnowingTheBaselinesDrift(RateRatioEvidence learned) {
        return emptyWith(RateRatioEvidence.RecentCounts.NONE, IntervalAllowance.baselineSerialOf(learned));
    }

    private RateRatioEvidence emptyWith(
            RateRatioEvidence.RecentCounts recent, RateRatioEvidence.SerialResiduals baselineSerial) {
        return new RateRatioEvidence(
                theta0,
                new double[prior.size()],
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                recent,
                baselineSerial,
                new double[learnsTheWander ? SELF_NORMALIZED_BETS.length : 0],
                false,
                learnsTheWander ? RateRatioEvidence.ScaleFreeSums.UNDECIDED : RateRatioEvidence.ScaleFreeSums.WAIVED);
    }

    /** The evidence after one more interval's counts. */
    public RateRatioEvidence add(
            RateRatioEvidence evidence,
            double canaryBad,
            double canaryTotal,
            double baselineBad,
            double baselineTotal) {
        return add(evidence, canaryBad, canaryTotal, baselineBad, baselineTotal, 1);
    }

    /**
     * The evidence after one more interval's counts, judged against the boundary θ0 · {@code boundaryFactor} for this
     * interval: a margin whose ratio moves with the baseline's level (a latency margin, where a load change moves the
     * threshold deeper into the tail or out of it). Each interval's likelihood ratio is then one under its own null, so
     * the product stays a supermartingale under the null that the canary is within each interval's boundary, as long
     * as the factor is set from what was known before the interval. The pooled counts, the residuals and the drift are
     * learned as before; they do not depend on the boundary.
     *
     * @param boundaryFactor positive and finite; 1 is {@link #add(RateRatioEvidence, double, double, double, double)}
     */
    public RateRatioEvidence add(
            RateRatioEvidence evidence,
            double canaryBad,
            double canaryTotal,
            double baselineBad,
            double baselineTotal,
            double boundaryFactor) {
        requireOwn(evidence);
        Checks.pairedCounts(canaryBad, canaryTotal, baselineBad, baselineTotal);
        if (!(boundaryFactor > 0) || !Double.isFinite(boundaryFactor)) {
            throw new IllegalArgumentException("boundaryFactor must be positive and finite, got " + boundaryFactor);
        }

        double[] logLr = evidence.logLikelihoodRatios();
        double[] wealth = selfNormalizedOf(evidence);
        RateRatioEvidence.ScaleFreeSums scaleFree = scaleFreeOf(evidence);
        boolean informative = false;
        // an interval without evidence (no traffic, no bad event) leaves the run of intervals at the cap as it was
        boolean atTheCap = evidence.lastIntervalAtTheCap();
        double residual = 0;
        double squaredResidual = 0;
        double residualWeight = 0;
        int residualIntervals = 0;
        double bad = canaryBad + baselineBad;
        boolean bothServed = canaryTotal > 0 && baselineTotal > 0;
        double share = canaryTotal / (canaryTotal + baselineTotal);
        double p0 = shareOfBad(theta0 * boundaryFactor, share); // used only where both versions served traffic
        if (bothServed && scaleFree.undecided()) {
            scaleFree = scaleFree.decided(scaleFreePartCouldTake(evidence, p0));
        }
        if (bothServed && bad > 0) {
            double pastExpectedBad = expectedBad(evidence, canaryTotal, baselineTotal);
            double expectedBad = Double.isNaN(pastExpectedBad) && countsTheFirstInterval(evidence)
                    ? expectedBadAtTheBaselinesRate(evidence, canaryTotal, baselineTotal)
                    : pastExpectedBad;
            if (!Double.isNaN(expectedBad) || maxDispersion == 0) {
                double cv2 = allowance.forNextInterval(evidence);
                double badAtTheBoundary = Double.isNaN(pastExpectedBad)
                        ? expectedBad
                        : expectedBadAtTheBoundary(evidence, canaryTotal, baselineTotal, pastExpectedBad);
                double phi = 1 + 2 * p0 * (1 - p0) * cv2 * (Double.isNaN(badAtTheBoundary) ? 0 : badAtTheBoundary);
                double cap = allowance.capShare(evidence) * Math.log(1 / alpha);
                double[] increments = prior.temperedIncrements(canaryBad, bad, p0, 1 / phi, cap);
                atTheCap = Arrays.stream(increments).max().orElse(0)
                        >= IntervalAllowance.INTERVAL_CAP_SHARE * Math.log(1 / alpha);
                logLr = horizon == 0 ? sum(logLr, increments) : startingAnywhere(logLr, increments, evidence);
                informative = true;
                if (wealth.length > 0 && p0 <= 0.5 && !Double.isNaN(expectedBad)) {
                    wealth = selfNormalizedBets(wealth, evidence, canaryBad, bad, p0, expectedBad);
                }
                if (scaleFree.holdsAShare() && scaleFreePartCouldTake(evidence, p0)) {
                    scaleFree = scaleFree.plus((canaryBad - bad * p0) / Math.sqrt(bad * p0 * (1 - p0)));
                }
            }
            if (!Double.isNaN(pastExpectedBad)) {
                // the residual around what the earlier intervals showed, for learning the dispersion
                double expectedShare = shareOfBad(recentRatio(evidence), share);
                double binomial = bad * expectedShare * (1 - expectedShare);
                if (binomial > 0) {
                    double deviation = canaryBad - bad * expectedShare;
                    double ratioNoise = bad * expectedShare * (1 - expectedShare) * recentRatioLogVariance(evidence);
                    residual = deviation * deviation / (binomial * (1 + ratioNoise)) - 1;
                    squaredResidual = residual * residual;
                    residualWeight = 2 * expectedShare * (1 - expectedShare) * expectedBad;
                    residualIntervals = 1;
                }
            }
        }
        int startWeights = evidence.startWeights() + (informative && horizon > 0 ? 1 : 0);
        // a change both versions took at once cancels here; learned as the baseline's drift it would not
        Optional<SharedStep> step = SharedStep.in(
                recentOf(evidence),
                IntervalAllowance.baselineSerialOf(evidence).excessCv2Upper(),
                canaryBad,
                canaryTotal,
                baselineBad,
                baselineTotal);
        RateRatioEvidence.RecentCounts recent = step.map(
                        shared -> recentOf(evidence).withBadTimes(shared.factor()))
                .orElse(recentOf(evidence));
        return new RateRatioEvidence(
                theta0,
                logLr,
                Math.max(
                        evidence.maxLogEValue(),
                        logEValueWhereItCouldReject(
                                logLr,
                                wealth,
                                scaleFree,
                                scaleFree.looks() != scaleFreeOf(evidence).looks())),
                evidence.intervals() + 1,
                evidence.canaryBad() + canaryBad,
                evidence.canaryTotal() + canaryTotal,
                evidence.baselineBad() + baselineBad,
                evidence.baselineTotal() + baselineTotal,
                evidence.residuals() + residual,
                evidence.squaredResiduals() + squaredResidual,
                evidence.residualWeight() + residualWeight,
                evidence.residualIntervals() + residualIntervals,
                startWeights,
                recent.decayedPlus(RECENT_DECAY, canaryBad, canaryTotal, baselineBad, baselineTotal),
                step.isPresent()
                        ? IntervalAllowance.baselineSerialOf(evidence).plus(Double.NaN, 0, 0)
                        : baselineDrift(evidence, baselineBad, baselineTotal),
                wealth,
                atTheCap,
                scaleFree);
    }

    /**
     * The self-normalized bets after an interval: with ξ the canary's bad events beyond k·p0 in units of their standard
     * deviation at the wander seen so far (a point estimate: any scale set before the interval keeps the part valid),
     * each bet λ gains λξ − P·λ²ξ²/2. For ξ symmetric about a mean at most 0, or skewed to the right as a share of at
     * most ½ is, e^(λξ − λ²ξ²/2) has expectation at most 1 whatever ξ's variance (de la Peña's self-normalized
     * inequality): the interval's own square stands in for the variance the count mixture must bound in advance. P ≥
     * 1 is the drift's persistence learned from the baseline, since drifting intervals add up faster than their squares
     * show.
     */
    private double[] selfNormalizedBets(
            double[] wealth, RateRatioEvidence evidence, double canaryBad, double bad, double p0, double expectedBad) {
        boolean learned = IntervalAllowance.enoughResiduals(evidence);
        double cv2 = learned ? IntervalAllowance.observed(evidence) : maxDispersion * maxDispersion;
        double spread = bad * p0 * (1 - p0) * (1 + 2 * p0 * (1 - p0) * cv2 * expectedBad);
        double xi = (canaryBad - bad * p0) / Math.sqrt(spread);
        double persistence = IntervalAllowance.persistence(evidence, learned ? cv2 : 0);
        double[] next = wealth.clone();
        for (int j = 0; j < next.length; j++) {
            double bet = SELF_NORMALIZED_BETS[j];
            next[j] += bet * xi - persistence * bet * bet * xi * xi / 2;
        }
        return next;
    }

    /**
     * Whether the scale-free part may take an interval whose canary holds {@code p0} of the bad events at the boundary:
     * where the baseline was seen calm (a drift makes neighbouring excesses alike, which a t-test takes for evidence)
     * and p0 is at most ½ (the excess then is skewed to the right, so the t-statistic is if anything too small).
     */
    private boolean scaleFreePartCouldTake(RateRatioEvidence evidence, double p0) {
        return learnsTheWander && p0 <= 0.5 && allowance.baselineIsCalm(evidence);
    }

    /**
     * The scale-free part's sums; in states saved before they were kept, none and no share, as their tests had (a
     * share taken in mid-run would spend more than α).
     */
    private static RateRatioEvidence.ScaleFreeSums scaleFreeOf(RateRatioEvidence evidence) {
        return evidence.scaleFree() == null ? RateRatioEvidence.ScaleFreeSums.WAIVED : evidence.scaleFree();
    }

    /** The self-normalized part's log wealth per bet: all 0 in states saved before it was kept. */
    private double[] selfNormalizedOf(RateRatioEvidence evidence) {
        double[] wealth = evidence.selfNormalizedLogWealth();
        return wealth == null ? new double[learnsTheWander ? SELF_NORMALIZED_BETS.length : 0] : wealth;
    }

    /**
     * log of the test's statistic, which rejects at 1/α: the e-value that averages the count mixture with the
     * self-normalized bets (the mixture alone in a test without them), and where the scale-free part holds a share of
     * α, the larger of (1 − {@link #SCALE_FREE_SHARE}) times that e-value and {@link #SCALE_FREE_SHARE} times the
     * scale-free part's Bayes factor.
     * Each of the two reaches its 1/(share · α) with probability at most share · α, so the larger reaches 1/α with
     * probability at most α (a union bound: the scale-free part is a martingale in a filtration of its own, so it
     * cannot be averaged with the others).
     */
    private double logEValue(double[] logLr, double[] wealth, RateRatioEvidence.ScaleFreeSums scaleFree) {
        double countsAndBets = averagedWithTheBets(prior.logMixture(logLr), wealth);
        if (!scaleFree.holdsAShare()) {
            return countsAndBets;
        }
        return Math.max(countsShare(countsAndBets), Math.log(SCALE_FREE_SHARE) + logScaleFreeBayesFactor(scaleFree));
    }

    /**
     * {@link #logEValue}, except that the scale-free part's Bayes factor, which takes a numerical integral per effect,
     * is left out where it did not move (an interval it did not take: the largest statistic so far already holds it),
     * or where its cheap upper bound ({@link ScaleInvariantBayesFactor#logUpperBound}) shows that it cannot be the
     * larger share or cannot reach 1/α: the value then may be lower than the statistic, but only below 1/α, so
     * whether and when the test rejects is the same. At every interval of a long stage the integral was what a look
     * cost.
     */
    private double logEValueWhereItCouldReject(
            double[] logLr, double[] wealth, RateRatioEvidence.ScaleFreeSums scaleFree, boolean scaleFreeMoved) {
        if (!scaleFree.holdsAShare() || scaleFree.looks() == 0) {
            return logEValue(logLr, wealth, scaleFree);
        }
        double counts = countsShare(averagedWithTheBets(prior.logMixture(logLr), wealth));
        if (!scaleFreeMoved) {
            return counts;
        }
        double bound = Math.log(SCALE_FREE_SHARE)
                + ScaleInvariantBayesFactor.logUpperBound(
                        scaleFree.looks(), scaleFree.looks(), scaleFree.sum(), scaleFree.sumOfSquares());
        if (bound <= counts || bound < Math.log(1 / alpha)) {
            return counts;
        }
        return Math.max(counts, Math.log(SCALE_FREE_SHARE) + logScaleFreeBayesFactor(scaleFree));
    }

    /** The log of the count mixture's and bets' e-value, scaled to their share of α beside the scale-free part. */
    private static double countsShare(double logCountsAndBets) {
        return Math.log(1 - SCALE_FREE_SHARE) + logCountsAndBets;
    }

    /**
     * log of the scale-invariant t-test's Bayes factor on the standardized excesses (see {@link
     * ScaleInvariantBayesFactor}), mixed over {@link #SCALE_FREE_PRIOR}: 1 before any interval.
     */
    private static double logScaleFreeBayesFactor(RateRatioEvidence.ScaleFreeSums sums) {
        if (sums.looks() == 0) {
            return 0;
        }
        return SCALE_FREE_PRIOR.logMixture(sums.looks(), sums.looks(), sums.sum(), sums.sumOfSquares());
    }

    /**
     * log of the e-value of the count mixture and, for a test with a self-normalized part, its bets: a fifth of the
     * average of the bets' wealth beside four fifths of the mixture. An average of e-processes in one filtration is
     * one.
     */
    private static double averagedWithTheBets(double counts, double[] wealth) {
        if (wealth.length == 0) {
            return counts;
        }
        double top = counts;
        for (double w : wealth) {
            top = Math.max(top, w);
        }
        double bets = 0;
        for (double w : wealth) {
            bets += Math.exp(w - top);
        }
        return top
                + Math.log((1 - SELF_NORMALIZED_WEIGHT) * Math.exp(counts - top)
                        + SELF_NORMALIZED_WEIGHT * bets / wealth.length);
    }

    /**
     * The evidence after one interval of the baseline's history from before the rollout, when it served all traffic:
     * only what the test learns about the baseline's own drift, nothing about the canary and no evidence.
     */
    public RateRatioEvidence learnBaseline(RateRatioEvidence evidence, double baselineBad, double baselineTotal) {
        requireOwn(evidence);
        RateRatioEvidence.SerialResiduals drift = baselineDrift(evidence, baselineBad, baselineTotal);
        RateRatioEvidence.RecentCounts recent =
                recentOf(evidence).decayedPlus(RECENT_DECAY, 0, 0, baselineBad, baselineTotal);
        return withBaseline(evidence, recent, drift);
    }

    /**
     * What the test learns from the baseline's history from before the rollout, its intervals with traffic oldest first:
     * the evidence {@link #learnBaseline} would give interval by interval, except where the history drifts only because
     * its rate stepped once. A step (an incident or a load change, which moves both versions alike and so cancels in the paired
     * test) would be learned as a drift that lasts all the hour and slow every interval of the rollout; a rate that
     * only stepped is calm on either side. So where the history as a whole is not calm, the step that best splits it
     * in two rates is found, the recent rate moved to the new level there, and that learning kept if the history then
     * shows the baseline calm. A rate that wanders persists on either side of any split and is learned as before.
     */
    public LearnedHistory learnBaselineHistory(RateRatioEvidence evidence, double[] bad, double[] total) {
        requireHistory(evidence, bad, total);
        LearnedHistory asItCame = new LearnedHistory(learnedThrough(evidence, bad, total, -1, 1), null);
        if (maxDispersion == 0 || allowance.baselineIsCalm(asItCame.evidence())) {
            return asItCame;
        }
        Optional<HistoryStep> step = standingOutStep(bad, total);
        if (step.isEmpty()) {
            return asItCame;
        }
        RateRatioEvidence stepped = learnedAround(evidence, bad, total, step.get());
        return allowance.baselineIsCalm(stepped) ? new LearnedHistory(stepped, step.get()) : asItCame;
    }

    /**
     * What the test learns from the baseline's history interval by interval, except that where one step stands out
     * the recent rate is moved to the new level there, whether or not the history is calm on either side: the drift
     * beyond the step.
     */
    public RateRatioEvidence learnedAroundAnyStep(RateRatioEvidence evidence, double[] bad, double[] total) {
        requireHistory(evidence, bad, total);
        return standingOutStep(bad, total)
                .map(step -> learnedAround(evidence, bad, total, step))
                .orElseGet(() -> learnedThrough(evidence, bad, total, -1, 1));
    }

    private void requireHistory(RateRatioEvidence evidence, double[] bad, double[] total) {
        requireOwn(evidence);
        if (bad.length != total.length) {
            throw new IllegalArgumentException(
                    "bad and total counts differ in length: " + bad.length + " and " + total.length);
        }
    }

    /** The step that best splits the history in two rates, where it stands out of the wander on either side. */
    private static Optional<HistoryStep> standingOutStep(double[] bad, double[] total) {
        return HistoryStep.find(bad, total, MIN_STEP_SIDE).filter(HistoryStep::standsOut);
    }

    /** {@link #learnedThrough} with the recent rate moved to the new level at {@code step}. */
    private RateRatioEvidence learnedAround(
            RateRatioEvidence evidence, double[] bad, double[] total, HistoryStep step) {
        return learnedThrough(evidence, bad, total, step.index(), step.factor());
    }

    /**
     * What {@link #learnBaselineHistory} learned from the baseline's history.
     *
     * @param evidence the evidence after the history
     * @param step the step the history was taken to hold, so that a plan can say the hour stepped and is learned as
     *     calm on either side; null where it was learned interval by interval
     */
    public record LearnedHistory(RateRatioEvidence evidence, HistoryStep step) {}

    /**
     * {@link #learnBaseline} over every interval, the recent rate multiplied by {@code stepFactor} before interval
     * {@code step} (none for −1).
     */
    private RateRatioEvidence learnedThrough(
            RateRatioEvidence evidence, double[] bad, double[] total, int step, double stepFactor) {
        RateRatioEvidence learned = evidence;
        for (int i = 0; i < bad.length; i++) {
            if (i == step) {
                RateRatioEvidence.RecentCounts recent = recentOf(learned);
                learned = withBaseline(
                        learned, recent.withBadTimes(stepFactor), IntervalAllowance.baselineSerialOf(learned));
            }
            learned = learnBaseline(learned, bad[i], total[i]);
        }
        return learned;
    }

    /** {@code evidence} with what it knows of the baseline's recent rate and drift replaced. */
    private static RateRatioEvidence withBaseline(
            RateRatioEvidence evidence,
            RateRatioEvidence.RecentCounts recent,
            RateRatioEvidence.SerialResiduals drift) {
        return new RateRatioEvidence(
                evidence.theta0(),
                evidence.logLikelihoodRatios(),
                evidence.maxLogEValue(),
                evidence.intervals(),
                evidence.canaryBad(),
                evidence.canaryTotal(),
                evidence.baselineBad(),
                evidence.baselineTotal(),
                evidence.residuals(),
                evidence.squaredResiduals(),
                evidence.residualWeight(),
                evidence.residualIntervals(),
                evidence.startWeights(),
                recent,
                drift,
                evidence.selfNormalizedLogWealth(),
                evidence.lastIntervalAtTheCap(),
                evidence.scaleFree());
    }

    /**
     * The baseline's own drift sums after this interval: its bad count around its recent rate, standardized, and
     * clipped at three standard deviations of the wander the envelope allows, so that one burst neither hides a drift
     * (by swelling the variance the correlation is measured against) nor fakes one.
     */
    private RateRatioEvidence.SerialResiduals baselineDrift(
            RateRatioEvidence evidence, double baselineBad, double baselineTotal) {
        RateRatioEvidence.SerialResiduals serial = IntervalAllowance.baselineSerialOf(evidence);
        RateRatioEvidence.RecentCounts recent = recentOf(evidence);
        if (baselineTotal <= 0 || recent.baselineTotal() <= 0 || recent.baselineBad() <= 0) {
            return serial.plus(Double.NaN, 0, 0);
        }
        double expected = baselineTotal * recent.baselineBad() / recent.baselineTotal();
        double limit = BURST_CLIP * Math.sqrt(1 + maxDispersion * maxDispersion * expected);
        double standardized = (baselineBad - expected) / Math.sqrt(expected);
        return serial.plus(Math.max(-limit, Math.min(limit, standardized)), expected, COUNTING_SHARE);
    }

    /** The canary's expected share of bad events when its rate is {@code ratio} times the baseline's. */
    private static double shareOfBad(double ratio, double trafficShare) {
        return ratio * trafficShare / (ratio * trafficShare + 1 - trafficShare);
    }

    /**
     * The ratio over the last intervals that residuals are taken around, or θ0 before both versions showed bad events
     * there. Where the baseline is quiet, over the same intervals of both versions, so that what moves both alike
     * cancels. Elsewhere against the baseline's longer run (its hour before the rollout, at first): residuals around a
     * recent ratio understate a drift, since the ratio follows it part way, and a ratio of both versions' same few
     * minutes follows each version's own drift the closer. Measured on 2026-12-06: with it wherever the baseline was
     * calm, drifting rates beyond the envelope were rejected more often ({@code RateRatioSimulationTest}, 3.0% instead
     * of 2.8% at α 1%), and on the benchmark's drifting traffic candidates at the margin were rolled back a little more.
     */
    private double recentRatio(RateRatioEvidence evidence) {
        RateRatioEvidence.RecentCounts recent = recentOf(evidence);
        double estimate = allowance.baselineIsQuiet(evidence) ? recent.pairedRatio() : recent.ratio();
        return Double.isFinite(estimate) && estimate > 0 ? estimate : theta0;
    }

    /**
     * The counting noise in the log of {@link #recentRatio} where the baseline is quiet (0 elsewhere): a residual is
     * taken around that ratio, so its deviation varies by the ratio's noise as well as the interval's, and left in, that
     * noise read as wander of about half the binomial variance in every residual. With decay λ over n intervals at a
     * steady rate, a decayed sum S of Poisson counts has Var(log S) ≈ g / S, g = Σλ^(2j) / Σλ^j = (1 + λ^n) / (1 + λ).
     * Elsewhere the noise is left in: the residuals understate a drift there.
     */
    private double recentRatioLogVariance(RateRatioEvidence evidence) {
        if (!allowance.baselineIsQuiet(evidence)) {
            return 0;
        }
        int intervals = evidence.residualIntervals() + 1;
        return recentOf(evidence).pairedRatioLogVariance((1 + Math.pow(RECENT_DECAY, intervals)) / (1 + RECENT_DECAY));
    }

    private static RateRatioEvidence.RecentCounts recentOf(RateRatioEvidence evidence) {
        return evidence.recent() == null ? RateRatioEvidence.RecentCounts.NONE : evidence.recent();
    }

    /**
     * An upper bound on the bad events this interval's traffic brings at the pooled rate of the earlier intervals
     * (baseline-equivalent events, the canary's counted θ0 times), NaN before any earlier traffic.
     */
    private double expectedBad(RateRatioEvidence evidence, double canaryTotal, double baselineTotal) {
        return expectedBadAtRate(
                evidence.canaryBad() + evidence.baselineBad(),
                theta0 * evidence.canaryTotal() + evidence.baselineTotal(),
                canaryTotal,
                baselineTotal);
    }

    /**
     * The bad events the dispersion factor is computed at where the baseline behaves as the model has it: the upper
     * bound at the null's boundary, where the canary fails θ0 times as often as the baseline, so at the baseline's own
     * rate over the earlier intervals. The factor needs to hold only under the null, and there this is at least the
     * pooled rate's bound (a canary within the boundary fails at most θ0 times as often); a canary that fails more
     * then no longer widens its own allowance. Elsewhere {@code pooled}: where the baseline drifts (or was not seen
     * long enough to tell) a drift's excursion on the canary may last many intervals, and where it wanders beyond the
     * envelope the guarantee is not claimed; there the pooled rate, which grows with the canary's excursions, keeps
     * some of the protection that the measured simulations rely on ({@code RateRatioSimulationTest}).
     */
    private double expectedBadAtTheBoundary(
            RateRatioEvidence evidence, double canaryTotal, double baselineTotal, double pooled) {
        if (!allowance.baselineWithinTheModel(evidence)) {
            return pooled;
        }
        double atTheBaselinesRate =
                expectedBadAtRate(evidence.baselineBad(), evidence.baselineTotal(), canaryTotal, baselineTotal);
        return Double.isNaN(atTheBaselinesRate) ? pooled : atTheBaselinesRate;
    }

    /**
     * Whether the first interval counts, at the baseline's rate from before: where the baseline's history shows it
     * calm (a drift's excursion under way as the rollout starts would otherwise count at an allowance that knows
     * nothing of it), and only in a test that mixes over when a regression starts, whose later starts are not held
     * back by a first interval that favoured the candidate (the watch's test has no such mixture).
     */
    private boolean countsTheFirstInterval(RateRatioEvidence evidence) {
        return horizon > 0 && allowance.knowsTheBaselinesWander(evidence);
    }

    /**
     * Before any interval of the rollout, the same upper bound at the baseline's recent rate from its history before
     * the rollout ({@link #learnBaselineHistory}), so that a rollout whose plan read a calm hour of the baseline counts
     * its first interval; NaN without that history.
     */
    private double expectedBadAtTheBaselinesRate(RateRatioEvidence evidence, double canaryTotal, double baselineTotal) {
        RateRatioEvidence.RecentCounts recent = recentOf(evidence);
        return expectedBadAtRate(recent.baselineBad(), recent.baselineTotal(), canaryTotal, baselineTotal);
    }

    /**
     * The bad events this interval's traffic brings at the rate {@code pastBad} / {@code pastTraffic}, with two
     * standard deviations of counting noise and one event added to {@code pastBad} so that a rate learned from few
     * events is not taken too low; NaN without past traffic.
     */
    private double expectedBadAtRate(double pastBad, double pastTraffic, double canaryTotal, double baselineTotal) {
        if (pastTraffic <= 0) {
            return Double.NaN;
        }
        return (pastBad + 2 * Math.sqrt(pastBad) + 1) * (theta0 * canaryTotal + baselineTotal) / pastTraffic;
    }

    /**
     * The squared CV of the wandering this evidence allows for in the next interval (learned, grown by the drift;
     * before the drift at most the envelope's, unless the residuals show more): what an absolute-bound test of the same
     * metric should allow for too.
     */
    public double dispersionAllowance(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return allowance.forNextInterval(evidence);
    }

    /**
     * Whether the baseline's history showed it calm (not drifting), so that the allowance starts from its wander (see
     * {@link #dispersionAllowance}) rather than from the envelope. One that drifts too little to matter starts from its
     * long-run wander too, but counts as drifting here.
     */
    public boolean startsFromTheBaselinesWander(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return allowance.knowsTheBaselinesWander(evidence);
    }

    /**
     * The long-run CV of the rates the residuals so far point to (a moment estimate of the per-interval CV, grown by
     * the drift's persistence), or NaN before enough intervals; above {@link #maxDispersion} the guarantee's envelope
     * is exceeded.
     */
    public double estimatedDispersion(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return IntervalAllowance.estimatedLongRunCv(evidence);
    }

    /**
     * The long-run CV of the baseline's own rate that this evidence learned (its wander beyond counting noise around
     * its recent rate, grown by its drift): what the baseline alone shows of the wander {@link #estimatedDispersion}
     * measures between the versions, so that a plan can say before any traffic moves that the baseline drifts beyond
     * the envelope. NaN before enough intervals of the baseline.
     */
    public double baselineLongRunDispersion(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return IntervalAllowance.baselineLongRunCv(evidence);
    }

    /** Whether the rates wander or drift beyond the envelope (so the guarantee may not hold). */
    public boolean beyondEnvelope(RateRatioEvidence evidence) {
        double estimate = estimatedDispersion(evidence);
        return !Double.isNaN(estimate) && estimate > Math.max(maxDispersion, 0.05);
    }

    /**
     * The test's current statistic: the mixture likelihood ratio (e-value), averaged with the self-normalized bets
     * where the test has them, or where the scale-free part holds a share of α the larger of the two parts' shares
     * (see {@link #logEValue}); large values are evidence against the null, and 1/α rejects.
     */
    public double eValue(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return Math.exp(logEValue(evidence.logLikelihoodRatios(), selfNormalizedOf(evidence), scaleFreeOf(evidence)));
    }

    private static double[] sum(double[] logLr, double[] increments) {
        double[] next = logLr.clone();
        for (int j = 0; j < next.length; j++) {
            next[j] += increments[j];
        }
        return next;
    }

    /**
     * log M_t per alternative, M_t = LR_t · (M_(t−1) + π_t): the mixture over the intervals it may have started at.
     * An interval that carried no information adds its start weight all the same, so the weights never exceed 1.
     */
    private double[] startingAnywhere(double[] logM, double[] increments, RateRatioEvidence evidence) {
        double logWeight = Math.log(startWeight(evidence.startWeights()));
        double[] next = new double[logM.length];
        for (int j = 0; j < next.length; j++) {
            double previous = evidence.startWeights() == 0 ? Double.NEGATIVE_INFINITY : logM[j];
            next[j] = increments[j] + logAdd(previous, logWeight);
        }
        return next;
    }

    /** The start weight of the next interval: ½ for the first, ½ / horizon for each of the next horizon, then 0. */
    private double startWeight(int started) {
        if (started == 0) {
            return 0.5;
        }
        return started <= horizon ? 0.5 / horizon : 0;
    }

    private static double logAdd(double a, double b) {
        double top = Math.max(a, b);
        if (top == Double.NEGATIVE_INFINITY) {
            return top;
        }
        return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
    }

    /** The always-valid p-value: 1 / the largest e-value reached so far, capped at 1. */
    public double pValue(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return Math.min(1, Math.exp(-evidence.maxLogEValue()));
    }

    /** Whether the e-value has reached 1/α at any look. */
    public boolean rejects(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return evidence.maxLogEValue() >= Math.log(1 / alpha);
    }

    /** Whether the e-value is at 1/α now (a rule-out holds only while the data still support it). */
    public boolean rejectsNow(RateRatioEvidence evidence) {
        requireOwn(evidence);
        return logEValue(evidence.logLikelihoodRatios(), selfNormalizedOf(evidence), scaleFreeOf(evidence))
                >= Math.log(1 / alpha);
    }

    private void requireOwn(RateRatioEvidence evidence) {
        if (evidence == null) {
            throw new IllegalArgumentException("evidence must not be null");
        }
        if (evidence.theta0() != theta0
                || evidence.logLikelihoodRatios().length != prior.size()
                || selfNormalizedOf(evidence).length != (learnsTheWander ? SELF_NORMALIZED_BETS.length : 0)) {
            throw new IllegalArgumentException("evidence was built by a test with theta0 " + evidence.theta0() + ", "
                    + evidence.logLikelihoodRatios().length + " alternatives and "
                    + selfNormalizedOf(evidence).length + " self-normalized bets, this test has theta0 " + theta0 + ", "
                    + prior.size() + " and " + (learnsTheWander ? SELF_NORMALIZED_BETS.length : 0));
        }
    }
}
