package io.mlrollout.cli.bench;

import java.util.List;

/**
 * The figures as a Markdown table, one row per cell: each judge's rollback rate (false rollbacks under A/A, detections
 * otherwise) with its median and p90 minutes to the rollback, then our median (the policy with slow requests) over each other
 * judge's.
 */
final class ResultsTable {

    private static final List<Contender> OTHERS =
            List.of(Contender.KAYENTA, Contender.KAYENTA_TUNED, Contender.THRESHOLD, Contender.ORACLE);

    private ResultsTable() {}

    static String markdown(Benchmark.Results results) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | canary req/s |");
        for (Contender c : Contender.values()) {
            out.append(' ').append(c.label()).append(" |");
        }
        for (Contender c : OTHERS) {
            out.append(" ours ÷ ").append(c.label()).append(" |");
        }
        out.append('\n').append("|---|---|");
        out.append("---|".repeat(Contender.values().length + OTHERS.size()));
        out.append('\n');
        for (Scenario scenario : results.settings().scenarios()) {
            for (double rate : results.settings().rates()) {
                out.append("| ")
                        .append(scenario.name())
                        .append(" | ")
                        .append(Formats.number(rate))
                        .append(" |");
                for (Contender c : Contender.values()) {
                    out.append(' ')
                            .append(entry(results.cell(scenario, rate, c)))
                            .append(" |");
                }
                CellResult ours = results.cell(scenario, rate, Contender.OURS);
                for (Contender c : OTHERS) {
                    String ratio = scenario.isAa()
                            ? "–"
                            : Formats.ratio(
                                    ours.median(),
                                    results.cell(scenario, rate, c).median());
                    out.append(' ').append(ratio).append(" |");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * "97.1% · 3 / 6" (rate · median / p90 minutes to a rollback, over all runs); under A/A "13.9% · at 2 / 4", the
     * median and p90 minute of the false rollbacks.
     */
    private static String entry(CellResult cell) {
        String rate = Formats.percent(cell.rollbackRate());
        if (cell.scenario().isAa()) {
            return cell.rollbacks() == 0
                    ? rate
                    : rate + " · at " + cell.rollbackMinutesAt(0.5) + " / " + cell.rollbackMinutesAt(0.9);
        }
        return rate + " · " + Formats.minutes(cell.median()) + " / " + Formats.minutes(cell.p90());
    }
}
