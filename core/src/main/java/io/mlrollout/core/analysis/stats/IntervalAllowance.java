package io.mlrollout.core.analysis.stats;

/**
 * What {@link RateRatioTest} allows its next interval, from the evidence so far: the squared CV of wander the interval
 * is tempered for, and the share of a rejection it may carry. Both are learned from the residuals between the versions
 * and from the baseline's own serial residuals (its hour before the rollout and its rollout intervals): whether the
 * baseline is calm (does not drift), quiet (hardly wanders), within the envelope, and how long its drift persists.
 * The test's class comment says why each rule is there; this class keeps them in one place.
 */
final class IntervalAllowance {

    /** The largest share of the rejection threshold one interval may contribute. */
    static final double INTERVAL_CAP_SHARE = 0.25;

    /**
     * The largest share one interval may contribute where the baseline was seen calm and hardly wandering (see {@link
     * #QUIET_BASELINE_CV2}) and the last interval with evidence before it carried a full quarter (a minute without
     * traffic or without a bad event breaks no run): at high counts a regression reaches the quarter every interval,
     * while bursts and a candidate's own wander seldom reach it twice in a row. Half from the first interval on let a
     * candidate wandering with a CV of 100% beside a Poisson baseline reject 2.9% of runs at α 1% at the null boundary
     * ({@code RateRatioSimulationTest}); after a full quarter only, 1.1%.
     */
    private static final double QUIET_INTERVAL_CAP_SHARE = 0.5;

    /**
     * The squared CV below which the upper bound on a calm baseline's wander lets one interval carry {@link
     * #QUIET_INTERVAL_CAP_SHARE}: a CV of 25%. The bound is that low only with enough events (from about 530 bad events
     * in an hour of Poisson minutes), where the quarter cap is what slows the test: at 200 req/s to the canary it held a
     * doubled error rate to a quarter of a rejection a minute, and the benchmark's median to 5 minutes (3 with half). A
     * CV of 20% left out about half the hours of a tail share that a load both versions share moves by 18% a minute (it
     * cancels in the test), and a p95 25% slower took 6 minutes at 20 req/s where 5 sufficed; baselines jittering at 20%
     * and 25% beside a candidate at up to 50% stay within α ({@code RateRatioSimulationTest}).
     */
    private static final double QUIET_BASELINE_CV2 = 0.0625;

    /**
     * The squared CV of long-run wander within which a drifting baseline counts as drifting too little to matter: a CV
     * of 20%. It stayed there when the quiet bound went to 25%: a drift's excursions are what the quarter cap guards
     * against, and a wider bound here gained at most a minute in a probe (2026-12-07) whose validity was not measured.
     */
    private static final double SMALL_DRIFT_CV2 = 0.04;

    /**
     * The least share one interval may contribute where the baseline drifts. At rates drifting at the envelope's
     * wander (CV 50%, lag-one correlation 0.6) a cap of a quarter let the test reject 1.9% of boundary runs at α 1%,
     * and 0.15 0.6% ({@code RateRatioSimulationTest}); lower costs detection where drift is learned right.
     */
    private static final double DRIFTING_INTERVAL_CAP_SHARE = 0.15;

    /**
     * Neighbouring intervals of the baseline before its learned drift may shrink the cap, and before its measured wander
     * may replace the envelope where the allowance starts.
     */
    private static final int DRIFT_PAIRS = 20;

    /**
     * The least squared CV the allowance starts from when the baseline's wander is known: a CV of 10%, so that a
     * candidate's first intervals are not judged as exactly Poisson however calm the baseline was.
     */
    private static final double LEAST_STARTING_DISPERSION = 0.01;

    /**
     * The baseline's persistence below which it counts as not drifting, so the allowance may start from its wander: a
     * lag-one correlation of about 0.2. Doubled errors in the benchmark were caught alike with 1.2 and with 2.
     */
    private static final double CALM_PERSISTENCE = 1.5;

    /** Intervals of residuals before the learned dispersion may replace the envelope. */
    static final int MIN_LEARNING_INTERVALS = 3;

    /**
     * The largest lag-one correlation of drifting rates the test allows for: the wander measured around the recent rate
     * is grown at most 14.6 times ((1 + ρ) / (1 − ρ) = 9 over the residuals' 0.62 of the drift's variance).
     */
    private static final double MAX_PERSISTENCE = 0.8;

    /** Intervals of residuals before an estimate beyond the envelope is reported and allowed for. */
    private static final int MIN_REPORTING_INTERVALS = 5;

    private final double maxDispersion;
    private final boolean startsFromTheBaseline;

    /**
     * @param maxDispersion the envelope: the largest CV of a version's per-interval rate the test allows for
     * @param startsFromTheBaseline whether the allowance may start from a calm baseline's own wander (not in a rule-out,
     *     where allowing the counted candidate too little wander would pass regressions)
     */
    IntervalAllowance(double maxDispersion, boolean startsFromTheBaseline) {
        this.maxDispersion = maxDispersion;
        this.startsFromTheBaseline = startsFromTheBaseline;
    }

    /**
     * Whether the baseline was seen calm, and wandering no more than the envelope allows: its measured wander within
     * the envelope's, give or take two standard errors of the estimate (a squared CV from n residuals varies by about
     * √(2/n) of itself), so that a baseline wandering at the envelope is not taken for one beyond it half the time by
     * chance.
     */
    boolean baselineWithinTheModel(RateRatioEvidence evidence) {
        RateRatioEvidence.SerialResiduals baseline = baselineSerialOf(evidence);
        double sampling = 2 * Math.sqrt(2.0 / (baseline.pairs() + 1));
        return baselineIsCalm(evidence) && baseline.excessCv2() <= maxDispersion * maxDispersion * (1 + sampling);
    }

    /**
     * The squared CV the next interval is tempered with: the envelope, or the learned upper bound once enough
     * intervals were seen, whichever is smaller; but never less than the wander the residuals show once they show it
     * beyond the envelope. Capping at the envelope there would temper minutes by less than they are seen to wander
     * and turn that wander into evidence (a tail threshold's share of slow requests under drifting latency).
     */
    double forNextInterval(RateRatioEvidence evidence) {
        if (!learned(evidence)) {
            return starting(evidence);
        }
        double perInterval = perInterval(evidence);
        return perInterval * persistence(evidence, perInterval);
    }

    /** Whether the residuals may replace the envelope: a test that allows for wander, after enough intervals. */
    private boolean learned(RateRatioEvidence evidence) {
        return maxDispersion > 0 && enoughResiduals(evidence);
    }

    /**
     * The squared CV of one interval's wander the next interval is allowed, before any drift: the upper confidence
     * bound the residuals give, at most the ceiling; where the baseline's own wander is known, no more than that wander
     * or what the residuals show, whichever is larger.
     */
    private double perInterval(RateRatioEvidence evidence) {
        double envelope = maxDispersion * maxDispersion;
        if (!learned(evidence)) {
            return starting(evidence);
        }
        double upper =
                (evidence.residuals() + 3 * Math.sqrt(evidence.squaredResiduals() + 2.0 * evidence.residualIntervals()))
                        / evidence.residualWeight();
        double ceiling = evidence.residualIntervals() < MIN_REPORTING_INTERVALS
                ? envelope
                : Math.max(envelope, observed(evidence));
        double allowance = Math.min(ceiling, Math.max(0, upper));
        if (boundsTheBaselinesWander(evidence)) {
            // the bound from a few intervals sits far above calm minutes; the baseline's own wander does not
            allowance = Math.min(allowance, Math.max(starting(evidence), observed(evidence)));
        }
        return allowance;
    }

    /**
     * The squared CV the test allows before the residuals were learned: the envelope, or, once the baseline's own
     * wander was measured over {@link #DRIFT_PAIRS} intervals (the hour before the rollout gives them at once) and it
     * does not drift, that wander (with three standard errors of counting noise, and at least {@link
     * #LEAST_STARTING_DISPERSION}) where it is less; where it drifts too little to matter, the same grown by the
     * drift's persistence. A healthy candidate is served by the same stack to the same clients as the baseline, so it
     * wanders about as much; one that wanders more shows it in the residuals, which raise the allowance from the fourth
     * interval on.
     */
    private double starting(RateRatioEvidence evidence) {
        double envelope = maxDispersion * maxDispersion;
        if (!boundsTheBaselinesWander(evidence)) {
            return envelope;
        }
        return Math.min(envelope, Math.max(LEAST_STARTING_DISPERSION, baselineWanderBound(evidence)));
    }

    /**
     * Whether the allowance may start from the baseline's measured wander: where it is calm, or where it drifts too
     * little to matter.
     */
    private boolean boundsTheBaselinesWander(RateRatioEvidence evidence) {
        return knowsTheBaselinesWander(evidence) || driftsTooLittleToMatter(evidence);
    }

    /**
     * Whether the baseline drifts, but so little that its long-run wander (the bound on its wander grown by the drift's
     * persistence) stays within a CV of 20% ({@link #SMALL_DRIFT_CV2}). An hour of Poisson minutes reads as drifting
     * by chance in about one rollout in seven, and the envelope and the drifting cap then cost it most of its speed. A
     * drift that small is allowed for at its long-run size from the start, and one interval may carry what it may after
     * a quiet hour. It still counts as drifting for the rest (no scale-free part, no first interval, residuals against
     * the longer run): counted calm for those too, rates drifting with a CV of 10% at lag-one correlation 0.6 at the
     * boundary were rejected in 1.5% of runs at α 1% ({@code RateRatioSimulationTest}), 0.2% so.
     */
    private boolean driftsTooLittleToMatter(RateRatioEvidence evidence) {
        return startsFromTheBaseline
                && maxDispersion > 0
                && driftLearned(evidence)
                && !baselineIsCalm(evidence)
                && baselineWanderBound(evidence) <= SMALL_DRIFT_CV2;
    }

    /**
     * The upper bound on the baseline's wander the allowance starts from: per interval where it does not drift, and
     * grown by the drift's persistence where it does (its long-run wander).
     */
    private double baselineWanderBound(RateRatioEvidence evidence) {
        double perInterval = baselineSerialOf(evidence).excessCv2Upper();
        double persistence = persistence(evidence, perInterval);
        return persistence < CALM_PERSISTENCE ? perInterval : perInterval * persistence;
    }

    /**
     * Whether the allowance may start from the baseline's measured wander instead of the envelope: once it was measured
     * over enough intervals, and where it does not drift. A drift's wander around a recent rate understates it and is
     * learned with more noise, which the upper bound on the residuals absorbs.
     */
    boolean knowsTheBaselinesWander(RateRatioEvidence evidence) {
        return startsFromTheBaseline && baselineIsCalm(evidence);
    }

    /**
     * Whether the baseline was seen over enough neighbouring intervals, by the hour before the rollout or the rollout's
     * own, to show that its rate does not drift, in a test that allows for wander at all.
     */
    boolean baselineIsCalm(RateRatioEvidence evidence) {
        if (maxDispersion == 0 || !driftLearned(evidence)) {
            return false;
        }
        return persistence(evidence, baselineSerialOf(evidence).excessCv2Upper()) < CALM_PERSISTENCE;
    }

    /**
     * The largest share of the rejection threshold the next interval may contribute: a quarter, over the drift's
     * persistence where the baseline drifts (a drift's excursion spans about that many intervals), but never below
     * {@link #DRIFTING_INTERVAL_CAP_SHARE}; where the baseline was seen calm and its wander is bounded below a CV of
     * 25%, or it drifts too little to matter, a quarter, and half after an interval with evidence that carried a full
     * quarter. A test that assumes Poisson intervals allows for no drift: a quarter.
     */
    double capShare(RateRatioEvidence evidence) {
        if (maxDispersion == 0 || !driftLearned(evidence)) {
            return INTERVAL_CAP_SHARE;
        }
        if (baselineIsQuiet(evidence) || driftsTooLittleToMatter(evidence)) {
            return evidence.lastIntervalAtTheCap() ? QUIET_INTERVAL_CAP_SHARE : INTERVAL_CAP_SHARE;
        }
        double persistence = persistence(evidence, perInterval(evidence));
        return Math.max(DRIFTING_INTERVAL_CAP_SHARE, INTERVAL_CAP_SHARE / persistence);
    }

    /** Whether the baseline was seen calm and its wander is bounded below a CV of 25% ({@link #QUIET_BASELINE_CV2}). */
    boolean baselineIsQuiet(RateRatioEvidence evidence) {
        return knowsTheBaselinesWander(evidence) && baselineSerialOf(evidence).excessCv2Upper() <= QUIET_BASELINE_CV2;
    }

    /**
     * Whether the baseline's drift was learned from enough neighbouring intervals to shrink the cap: a correlation
     * from fewer is mostly chance, and on steady counts it would slow the test for nothing. The hour before the rollout
     * gives them at once.
     */
    private static boolean driftLearned(RateRatioEvidence evidence) {
        return baselineSerialOf(evidence).pairs() >= DRIFT_PAIRS;
    }

    /** The per-interval squared CV the residuals so far point to (a moment estimate), at least 0. */
    static double observed(RateRatioEvidence evidence) {
        return Math.max(0, evidence.residuals() / evidence.residualWeight());
    }

    /**
     * How much more the wandering weighs because it drifts (persists over several intervals) rather than jitters:
     * learned from the baseline's own bad rate, which a candidate's regression does not touch, so a regression that
     * starts late is not taken for a drift. 1 until enough neighbouring intervals were seen.
     */
    static double persistence(RateRatioEvidence evidence, double cv2) {
        return baselineSerialOf(evidence)
                .persistence(MAX_PERSISTENCE, RateRatioTest.RECENT_DECAY, cv2, MIN_LEARNING_INTERVALS);
    }

    /** Whether enough intervals of residuals were seen to estimate the wander from them at all. */
    static boolean enoughResiduals(RateRatioEvidence evidence) {
        return evidence.residualIntervals() >= MIN_LEARNING_INTERVALS && evidence.residualWeight() > 0;
    }

    /**
     * The long-run CV of the rates the residuals so far point to (a moment estimate of the per-interval CV, grown by
     * the drift's persistence), or NaN before enough intervals; above the envelope the guarantee is exceeded.
     */
    static double estimatedLongRunCv(RateRatioEvidence evidence) {
        if (evidence.residualIntervals() < MIN_REPORTING_INTERVALS || evidence.residualWeight() <= 0) {
            return Double.NaN;
        }
        double perInterval = observed(evidence);
        return Math.sqrt(perInterval * persistence(evidence, perInterval));
    }

    /**
     * The long-run CV of the baseline's own rate (its wander beyond counting noise around its recent rate, grown by its
     * drift), NaN before enough intervals of the baseline.
     */
    static double baselineLongRunCv(RateRatioEvidence evidence) {
        RateRatioEvidence.SerialResiduals serial = baselineSerialOf(evidence);
        if (serial.pairs() < MIN_REPORTING_INTERVALS || serial.weight() <= 0) {
            return Double.NaN;
        }
        double perInterval = serial.excessCv2();
        return Math.sqrt(perInterval * persistence(evidence, perInterval));
    }

    /** The baseline's serial residuals, or none in states saved before they were kept. */
    static RateRatioEvidence.SerialResiduals baselineSerialOf(RateRatioEvidence evidence) {
        return evidence.baselineSerial() == null ? RateRatioEvidence.SerialResiduals.NONE : evidence.baselineSerial();
    }
}
