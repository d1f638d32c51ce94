package io.mlrollout.cli.bench;

import java.util.List;

/**
 * What the candidate does differently from the baseline in one row of the benchmark.
 *
 * @param name short label for tables and files, e.g. {@code errors-2x}
 * @param errorRatio the candidate's error rate over the baseline's (1: unchanged)
 * @param latencyFactor the candidate's latency over the baseline's, request by request (1: unchanged)
 */
record Scenario(String name, double errorRatio, double latencyFactor) {

    static final Scenario AA = new Scenario("A/A", 1, 1);

    /** A/A, error-rate regressions of 1.25×, 1.5×, 2× and 3×, p99 latency +10% and +25%. */
    static List<Scenario> all() {
        return all(BenchSetup.DEFAULT_QUANTILE);
    }

    /** The same, the latency regressions named by {@code quantile}. */
    static List<Scenario> all(double quantile) {
        return List.of(
                AA, errors(1.25), errors(1.5), errors(2), errors(3), latency(1.10, quantile), latency(1.25, quantile));
    }

    /**
     * What the benchmark runs unless told {@code --all-scenarios}: A/A, errors 1.5×, 2× and 3×, p99 +25%. The two
     * smallest effects (errors 1.25×, p99 +10%) are left out to keep seven traffic models within minutes.
     */
    static List<Scenario> defaults() {
        return defaults(BenchSetup.DEFAULT_QUANTILE);
    }

    /** The same, the latency regression named by {@code quantile}. */
    static List<Scenario> defaults(double quantile) {
        return List.of(AA, errors(1.5), errors(2), errors(3), latency(1.25, quantile));
    }

    /**
     * What {@code --at-the-margin} runs: A/A, and candidates exactly at our policies' margins, errors 1.1× and the
     * quantile +5%. Our judge may roll those back no more often than its budget allows; for the other judges, which
     * have no margin, they are small regressions.
     */
    static List<Scenario> atTheMargin(double quantile) {
        return List.of(AA, errors(1 + BenchSetup.ERROR_MARGIN), latency(1 + BenchSetup.LATENCY_MARGIN, quantile));
    }

    static Scenario errors(double ratio) {
        return new Scenario("errors " + Formats.number(ratio) + "x", ratio, 1);
    }

    static Scenario latency(double factor) {
        return latency(factor, BenchSetup.DEFAULT_QUANTILE);
    }

    /**
     * Every request {@code factor} times slower, named by the quantile the latency metrics read (it moves by the same
     * factor as every other quantile).
     */
    static Scenario latency(double factor, double quantile) {
        return new Scenario(BenchSetup.quantileName(quantile) + " +" + Math.round((factor - 1) * 100) + "%", 1, factor);
    }

    /** No regression at all: every rollback is a false rollback. */
    boolean isAa() {
        return errorRatio == 1 && latencyFactor == 1;
    }

    /** A candidate our policies allow: errors and latency at most their margins above the baseline's. */
    boolean withinTheMargins() {
        return errorRatio <= 1 + BenchSetup.ERROR_MARGIN && latencyFactor <= 1 + BenchSetup.LATENCY_MARGIN;
    }

    boolean regressesErrors() {
        return errorRatio != 1;
    }

    boolean regressesLatency() {
        return latencyFactor != 1;
    }
}
