package io.mlrollout.cli.bench;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.Locale;

/**
 * The figures as CSV, one row per cell (traffic model × scenario × canary traffic) and judge. {@code rollback_rate} has
 * its Wilson 95% interval in {@code rollback_ci_low} and {@code rollback_ci_high}; {@code inconclusive} and
 * {@code promoted} count the runs that ended so. {@code median_min} and {@code p90_min} are minutes to a rollback over
 * all runs, empty when that share of runs did not roll back within the rollout; {@code rollback_median_min} and
 * {@code rollback_p90_min} are over the runs that rolled back only (under A/A: when false rollbacks happen), empty when
 * none did; {@code ours_median_over_this} is our median (the policy with slow requests) over this judge's, empty when either is missing and for A/A.
 */
final class ResultsCsv {

    static final String HEADER = "traffic_model,scenario,error_ratio,latency_factor,canary_rps,judge,runs,rollbacks,"
            + "rollback_rate,rollback_ci_low,rollback_ci_high,inconclusive,promoted,"
            + "median_min,p90_min,rollback_median_min,rollback_p90_min,ours_median_over_this";

    private ResultsCsv() {}

    static String csv(Benchmark.Results results) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (TrafficModel model : results.settings().models()) {
            for (Scenario scenario : results.settings().scenarios()) {
                for (double rate : results.settings().rates()) {
                    row(out, results, model.name(), scenario, rate);
                }
            }
        }
        return out.toString();
    }

    private static void row(
            StringBuilder out, Benchmark.Results results, String model, Scenario scenario, double rate) {
        CellResult ours = results.cell(model, scenario, rate, Contender.OURS);
        for (Contender contender : Contender.values()) {
            CellResult cell = results.cell(model, scenario, rate, contender);
            double[] interval = cell.rollbackInterval();
            out.append(String.join(
                            ",",
                            model,
                            scenario.name(),
                            Formats.number(scenario.errorRatio()),
                            Formats.number(scenario.latencyFactor()),
                            Formats.number(rate),
                            contender.label(results.settings().quantile()),
                            Integer.toString(cell.runs()),
                            Integer.toString(cell.rollbacks()),
                            String.format(Locale.ROOT, "%.5f", cell.rollbackRate()),
                            String.format(Locale.ROOT, "%.5f", interval[0]),
                            String.format(Locale.ROOT, "%.5f", interval[1]),
                            Integer.toString(cell.inconclusives()),
                            Integer.toString(cell.promotions()),
                            minutes(cell.median()),
                            minutes(cell.p90()),
                            minutes(cell.rollbackMinutesAt(0.5)),
                            minutes(cell.rollbackMinutesAt(0.9)),
                            ratio(scenario, ours.median(), cell.median())))
                    .append('\n');
        }
    }

    private static String minutes(int look) {
        return RolloutJudge.rolledBack(look) ? Integer.toString(look) : "";
    }

    private static String ratio(Scenario scenario, int ours, int theirs) {
        if (scenario.isAa() || !RolloutJudge.rolledBack(ours) || !RolloutJudge.rolledBack(theirs)) {
            return "";
        }
        return String.format(Locale.ROOT, "%.4f", (double) ours / theirs);
    }
}
