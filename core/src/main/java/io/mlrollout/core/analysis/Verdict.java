package io.mlrollout.core.analysis;

/** A stage's verdict. */
public enum Verdict {
    PASS,
    FAIL,
    /** Neither: too little data, no data, or a marginal score. The policy's {@code onInconclusive} decides. */
    INCONCLUSIVE
}
