package io.mlrollout.core.analysis.stats;

import java.io.Serializable;

/**
 * The result of a {@link MarginMannWhitneyTest} on the values seen so far.
 *
 * @param canaryCount canary values tested
 * @param baselineCount baseline values tested
 * @param u the Mann-Whitney U of the canary against the margin-shifted baseline (pairs where the canary is worse,
 *     ties counting one half)
 * @param pValue one-sided p-value for "the canary is worse than the baseline by more than the margin", valid for this
 *     look alone; compare it with the look's level from {@link AlphaSpending}
 * @param ratio Hodges-Lehmann ratio, canary over baseline (median of pairwise ratios; NaN without positive baseline
 *     values), for reports
 * @param shift Hodges-Lehmann shift, canary minus baseline (median of pairwise differences), for reports
 */
public record MannWhitneyEvidence(
        int canaryCount, int baselineCount, double u, double pValue, double ratio, double shift)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Whether the test rejects at {@code level}: the canary is worse than the margin allows. */
    public boolean rejectsAt(double level) {
        return pValue <= level;
    }
}
