package io.mlrollout.core.analysis.stats;

/** Which direction of change in a metric is a regression, for the tests that compare canary and baseline values. */
public enum Worse {
    /** Higher values are worse (latency, error counts). */
    HIGHER,
    /** Lower values are worse (accuracy, conversion). */
    LOWER
}
