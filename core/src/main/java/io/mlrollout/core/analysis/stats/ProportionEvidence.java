package io.mlrollout.core.analysis.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link ProportionBoundTest} has seen so far: the canary's pooled bad and total events, the log likelihood
 * ratio of each alternative (interval by interval, tempered when rates may wander) and the largest log e-value
 * reached at any look.
 *
 * @param maxFraction the bound of the test that built this evidence; a test refuses evidence of another bound
 * @param bad pooled bad events
 * @param total pooled events
 * @param intervals intervals added
 * @param maxLogEValue the largest log mixture likelihood ratio after any interval so far (0 before any data)
 * @param logLikelihoodRatios per alternative of the test's prior, Σ over intervals of the (tempered) log LR; null in
 *     states saved before it was kept, whose pooled counts give it
 */
public record ProportionEvidence(
        double maxFraction, double bad, double total, int intervals, double maxLogEValue, double[] logLikelihoodRatios)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public ProportionEvidence {
        logLikelihoodRatios = logLikelihoodRatios == null ? null : logLikelihoodRatios.clone();
    }

    @Override
    public double[] logLikelihoodRatios() {
        return logLikelihoodRatios == null ? null : logLikelihoodRatios.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProportionEvidence e
                && Double.compare(maxFraction, e.maxFraction) == 0
                && Double.compare(bad, e.bad) == 0
                && Double.compare(total, e.total) == 0
                && intervals == e.intervals
                && Double.compare(maxLogEValue, e.maxLogEValue) == 0
                && Arrays.equals(logLikelihoodRatios, e.logLikelihoodRatios);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(maxFraction, bad, total, intervals, maxLogEValue)
                + Arrays.hashCode(logLikelihoodRatios);
    }

    /** The observed bad fraction, bad / total; NaN before any event. For reports only. */
    public double fraction() {
        return total == 0 ? Double.NaN : bad / total;
    }
}
