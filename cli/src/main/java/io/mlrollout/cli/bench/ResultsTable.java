package io.mlrollout.cli.bench;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.List;

/**
 * The figures as Markdown, one section per traffic model: first a summary of what issue 15's targets ask (each judge's
 * whole-rollout A/A false-rollback rate with its 95% interval, its inconclusive share, the share of candidates with
 * doubled errors promoted, and how fast doubled errors are caught), then one row per cell: each judge's rollback rate
 * (false rollbacks under A/A, detections otherwise) with its median and p90 minutes to the rollback, then our median
 * (the policy with slow requests) over each other judge's.
 */
final class ResultsTable {

    private static final List<Contender> OTHERS = List.of(
            Contender.KAYENTA,
            Contender.KAYENTA_TUNED,
            Contender.KAYENTA_AT_MARGINS,
            Contender.THRESHOLD,
            Contender.CLAIRVOYANT,
            Contender.ORACLE);

    private static final Scenario DOUBLED = Scenario.errors(2);

    private ResultsTable() {}

    static String markdown(Benchmark.Results results) {
        StringBuilder out = new StringBuilder();
        for (TrafficModel model : results.settings().models()) {
            out.append("### Traffic model `")
                    .append(model.name())
                    .append("`: ")
                    .append(model.description())
                    .append("\n\n");
            summary(out, results, model.name());
            out.append('\n');
            cells(out, results, model.name());
            out.append('\n');
        }
        return out.toString();
    }

    private static void summary(StringBuilder out, Benchmark.Results results, String model) {
        List<Scenario> scenarios = results.settings().scenarios();
        boolean aa = scenarios.contains(Scenario.AA);
        boolean doubled = scenarios.contains(DOUBLED);
        out.append("| canary req/s | judge |");
        if (aa) {
            out.append(" A/A false rollbacks [95% CI] | A/A inconclusive |");
        }
        if (doubled) {
            out.append(" 2x errors promoted | 2x errors rolled back · median min |");
        }
        out.append("\n|---|---|")
                .append("---|".repeat((aa ? 2 : 0) + (doubled ? 2 : 0)))
                .append('\n');
        for (double rate : results.settings().rates()) {
            for (Contender c : Contender.values()) {
                out.append("| ")
                        .append(Formats.number(rate))
                        .append(" | ")
                        .append(c.label(results.settings().quantile()))
                        .append(" |");
                if (aa) {
                    CellResult cell = results.cell(model, Scenario.AA, rate, c);
                    out.append(' ')
                            .append(Formats.rateWithInterval(cell))
                            .append(" | ")
                            .append(Formats.percent(cell.inconclusiveShare()))
                            .append(" |");
                }
                if (doubled) {
                    CellResult cell = results.cell(model, DOUBLED, rate, c);
                    out.append(' ')
                            .append(Formats.percent(cell.promotedShare()))
                            .append(" | ")
                            .append(Formats.percent(cell.rollbackRate()))
                            .append(" · ")
                            .append(Formats.minutes(cell.median()))
                            .append(" |");
                }
                out.append('\n');
            }
        }
    }

    private static void cells(StringBuilder out, Benchmark.Results results, String model) {
        out.append("| scenario | canary req/s |");
        for (Contender c : Contender.values()) {
            out.append(' ').append(c.label(results.settings().quantile())).append(" |");
        }
        for (Contender c : OTHERS) {
            out.append(" ours ÷ ")
                    .append(c.label(results.settings().quantile()))
                    .append(" |");
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
                            .append(entry(results.cell(model, scenario, rate, c)))
                            .append(" |");
                }
                CellResult ours = results.cell(model, scenario, rate, Contender.OURS);
                for (Contender c : OTHERS) {
                    String ratio = scenario.isAa()
                            ? "–"
                            : Formats.ratio(
                                    ours.median(),
                                    results.cell(model, scenario, rate, c).median());
                    out.append(' ').append(ratio).append(" |");
                }
                out.append('\n');
            }
        }
    }

    /**
     * "97.1% · 3 / 6" (rate · median / p90 minutes to a rollback, over all runs); under A/A "13.9% · at 2 / 4", the
     * median and p90 minute of the false rollbacks; " · 2.0% inc." when some runs ended inconclusive.
     */
    private static String entry(CellResult cell) {
        String rate = Formats.percent(cell.rollbackRate());
        String inconclusive =
                cell.inconclusives() == 0 ? "" : " · " + Formats.percent(cell.inconclusiveShare()) + " inc.";
        if (cell.scenario().isAa()) {
            return (cell.rollbacks() == 0
                            ? rate
                            : rate + " · at " + cell.rollbackMinutesAt(0.5) + " / " + cell.rollbackMinutesAt(0.9))
                    + inconclusive;
        }
        return rate + " · " + Formats.minutes(cell.median()) + " / " + Formats.minutes(cell.p90()) + inconclusive;
    }
}
