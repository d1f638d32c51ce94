package io.mlrollout.core.analysis;

/** What one look showed for one metric. */
public enum Outcome {
    /** The candidate is within the policy's bounds and there is enough evidence to say so. */
    PASS,
    /** The candidate is worse than the policy allows. */
    FAIL,
    /** Not decided yet; keep looking. */
    CONTINUE,
    /** No usable number (absent series, NaN, source down). Never a pass. */
    NODATA,
    /** Too little traffic for any verdict yet. Never a pass. */
    HOLD
}
