package io.mlrollout.cli.bench;

import java.util.Locale;

/**
 * The figures as CSV, one row per cell and judge. {@code median_min} and {@code p90_min} are minutes to a rollback over
 * all runs, empty when that share of runs did not roll back within the rollout; {@code rollback_median_min} and
 * {@code rollback_p90_min} are over the runs that rolled back only (under A/A: when false rollbacks happen), empty when
 * none did; {@code ours_median_over_this} is our median (the policy with slow requests) over this judge's, empty when either is missing and for A/A.
 */
final class ResultsCsv {

    static final String HEADER = "scenario,error_ratio,latency_factor,canary_rps,judge,runs,rollbacks,rollback_rate,"
            + "median_min,p90_min,rollback_median_min,rollback_p90_min,ours_median_over_this";

    private ResultsCsv() {}

    static String csv(Benchmark.Results results) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Scenario scenario : results.settings().scenarios()) {
            for (double rate : results.settings().rates()) {
                CellResult ours = results.cell(scenario, rate, Contender.OURS);
                for (Contender contender : Contender.values()) {
                    CellResult cell = results.cell(scenario, rate, contender);
                    out.append(String.join(
                                    ",",
                                    scenario.name(),
                                    Formats.number(scenario.errorRatio()),
                                    Formats.number(scenario.latencyFactor()),
                                    Formats.number(rate),
                                    contender.label(),
                                    Integer.toString(cell.runs()),
                                    Integer.toString(cell.rollbacks()),
                                    String.format(Locale.ROOT, "%.5f", cell.rollbackRate()),
                                    minutes(cell.median()),
                                    minutes(cell.p90()),
                                    minutes(cell.rollbackMinutesAt(0.5)),
                                    minutes(cell.rollbackMinutesAt(0.9)),
                                    ratio(scenario, ours.median(), cell.median())))
                            .append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String minutes(int look) {
        return look == RolloutJudge.PASSED ? "" : Integer.toString(look);
    }

    private static String ratio(Scenario scenario, int ours, int theirs) {
        if (scenario.isAa() || ours == RolloutJudge.PASSED || theirs == RolloutJudge.PASSED) {
            return "";
        }
        return String.format(Locale.ROOT, "%.4f", (double) ours / theirs);
    }
}
