package io.mlrollout.core.analysis.stats;

import java.io.Serializable;

/**
 * What a {@link ProportionBoundTest} has seen so far: the canary's pooled bad and total events (sufficient for the
 * likelihood, since the bound is the same in every interval) and the largest log e-value reached at any look.
 *
 * @param maxFraction the bound of the test that built this evidence; a test refuses evidence of another bound
 * @param bad pooled bad events
 * @param total pooled events
 * @param intervals intervals added
 * @param maxLogEValue the largest log mixture likelihood ratio after any interval so far (0 before any data)
 */
public record ProportionEvidence(double maxFraction, double bad, double total, int intervals, double maxLogEValue)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The observed bad fraction, bad / total; NaN before any event. For reports only. */
    public double fraction() {
        return total == 0 ? Double.NaN : bad / total;
    }
}
