package io.mlrollout.cli.bench;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.List;
import java.util.Locale;

/**
 * The figures as an SVG chart, written by hand: one block per traffic model, stacked, and in each block one column of
 * panels per traffic level. The top row shows each judge's
 * A/A false-rollback rate (0–20%, with the policy's 1% as a dashed line), the middle row its detection rate per
 * regression, the bottom row its median minutes to a rollback with a whisker to the p90. A dashed outline at 70 minutes
 * means the median run did not roll back within the rollout.
 */
final class ResultsChart {

    /** One per {@link Contender}, in its order. */
    private static final String[] COLOURS = {
        "#a6dba0", "#1b7837", "#762a83", "#c2a5cf", "#9970ab", "#e08214", "#2166ac", "#92c5de", "#4d4d4d"
    };

    /** Room for one entry of the legend. */
    private static final int LEGEND_STEP = 250;

    /** Legend entries per row, and the height of a row. */
    private static final int LEGEND_COLUMNS = 3;

    private static final int LEGEND_ROW = 22;

    /** Where the legend's first row is, below the chart's title. */
    private static final int LEGEND_TOP = 36;

    /** The legend's rows: one entry per judge, then the policy's line in the next free place. */
    private static final int LEGEND_ROWS = Contender.values().length / LEGEND_COLUMNS + 1;

    private static final int PANEL_WIDTH = 360;
    private static final int AA_HEIGHT = 110;
    private static final int PANEL_HEIGHT = 200;
    private static final int LEFT = 60;
    /** Where the first traffic model's block starts: below the legend, however many judges it lists. */
    private static final int TOP = LEGEND_TOP - 2 + LEGEND_ROWS * LEGEND_ROW;

    private static final int GAP_X = 40;
    private static final int GAP_Y = 100;

    /** Room for a traffic model's title above its panels. */
    private static final int MODEL_TITLE = 50;

    private ResultsChart() {}

    static String svg(Benchmark.Results results) {
        List<Double> rates = results.settings().rates();
        List<Scenario> regressions =
                results.settings().scenarios().stream().filter(s -> !s.isAa()).toList();
        boolean withAa = results.settings().scenarios().contains(Scenario.AA);
        int regressionsOffset = withAa ? AA_HEIGHT + 60 : 0;
        int blockHeight = MODEL_TITLE + regressionsOffset + 2 * (PANEL_HEIGHT + GAP_Y);
        List<TrafficModel> models = results.settings().models();
        int width = LEFT + rates.size() * (PANEL_WIDTH + GAP_X);
        int height = TOP + models.size() * blockHeight;
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">%n",
                width,
                height,
                width,
                height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        text(
                svg,
                LEFT,
                24,
                "start",
                14,
                "Canary judges on the same simulated rollouts ("
                        + results.settings().runs()
                        + " runs per cell, 60 one-minute looks at 25%, then a 10-minute watch at 90%, slow requests"
                        + " over " + Formats.number(results.settings().slowThresholdMs()) + " ms)");
        legend(svg, results.settings().quantile());
        for (int m = 0; m < models.size(); m++) {
            TrafficModel model = models.get(m);
            int top = TOP + m * blockHeight;
            text(svg, LEFT, top + 16, "start", 14, "Traffic model " + model.name() + ": " + model.description());
            int panelsTop = top + MODEL_TITLE;
            for (int col = 0; col < rates.size(); col++) {
                double rate = rates.get(col);
                int x = LEFT + col * (PANEL_WIDTH + GAP_X);
                if (withAa) {
                    aaPanel(svg, results, model.name(), rate, x, panelsTop, aaScale(results));
                }
                ratePanel(svg, results, model.name(), regressions, rate, x, panelsTop + regressionsOffset);
                timePanel(
                        svg,
                        results,
                        model.name(),
                        regressions,
                        rate,
                        x,
                        panelsTop + regressionsOffset + PANEL_HEIGHT + GAP_Y);
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void legend(StringBuilder svg, double quantile) {
        Contender[] contenders = Contender.values();
        for (int j = 0; j < contenders.length; j++) {
            int x = LEFT + (j % LEGEND_COLUMNS) * LEGEND_STEP;
            int y = LEGEND_TOP + (j / LEGEND_COLUMNS) * LEGEND_ROW;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x,
                    y,
                    COLOURS[j]));
            text(svg, x + 18, y + 10, "start", 12, contenders[j].label(quantile));
        }
        // after the judges, in the next free place of the grid
        int x = LEFT + (contenders.length % LEGEND_COLUMNS) * LEGEND_STEP;
        int y = LEGEND_TOP + (contenders.length / LEGEND_COLUMNS) * LEGEND_ROW + 6;
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d73027\" stroke-dasharray=\"4,3\"/>%n",
                x,
                y,
                x + 24,
                y));
        text(
                svg,
                x + 30,
                y + 4,
                "start",
                12,
                "the policy's false-rollback rate, " + Formats.percent(BenchSetup.FALSE_ROLLBACK_RATE));
    }

    /** The top of the A/A scale: the next 10% above the largest A/A rate, with room for its label. */
    private static double aaScale(Benchmark.Results results) {
        double largest = results.cells().stream()
                .filter(c -> c.scenario().isAa())
                .mapToDouble(CellResult::rollbackRate)
                .max()
                .orElse(0);
        return Math.max(0.1, Math.ceil(largest * 1.2 * 10) / 10);
    }

    private static void aaPanel(
            StringBuilder svg, Benchmark.Results results, String model, double rate, int x, int y, double scale) {
        axes(svg, x, y, AA_HEIGHT, Formats.number(rate) + " req/s to the canary: A/A false rollbacks", new String[] {
            "0%", Formats.percent(scale / 2), Formats.percent(scale)
        });
        double budgetY = y + AA_HEIGHT - BenchSetup.FALSE_ROLLBACK_RATE / scale * AA_HEIGHT;
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d73027\" stroke-dasharray=\"4,3\"/>%n",
                x,
                budgetY,
                x + PANEL_WIDTH,
                budgetY));
        double barWidth = (double) PANEL_WIDTH / Contender.values().length / 2;
        for (Contender c : Contender.values()) {
            CellResult cell = results.cell(model, Scenario.AA, rate, c);
            double bx = x + (c.ordinal() * 2 + 0.5) * barWidth;
            double h = cell.rollbackRate() / scale * AA_HEIGHT;
            String value = Formats.percent(cell.rollbackRate());
            bar(
                    svg,
                    bx,
                    y + AA_HEIGHT - h,
                    barWidth,
                    h,
                    c,
                    "A/A, " + c.label(results.settings().quantile()) + ": " + value);
            text(svg, bx + barWidth / 2, y + AA_HEIGHT - h - 4, "middle", 10, value);
        }
    }

    private static void ratePanel(
            StringBuilder svg,
            Benchmark.Results results,
            String model,
            List<Scenario> scenarios,
            double rate,
            int x,
            int y) {
        axes(svg, x, y, PANEL_HEIGHT, Formats.number(rate) + " req/s: regressions rolled back", new String[] {
            "0%", "50%", "100%"
        });
        double groupWidth = (double) PANEL_WIDTH / scenarios.size();
        double barWidth = groupWidth / (Contender.values().length + 1);
        for (int s = 0; s < scenarios.size(); s++) {
            Scenario scenario = scenarios.get(s);
            for (Contender c : Contender.values()) {
                CellResult cell = results.cell(model, scenario, rate, c);
                double bx = x + s * groupWidth + (c.ordinal() + 0.5) * barWidth;
                double h = cell.rollbackRate() * PANEL_HEIGHT;
                bar(
                        svg,
                        bx,
                        y + PANEL_HEIGHT - h,
                        barWidth,
                        h,
                        c,
                        scenario.name() + ", " + c.label(results.settings().quantile()) + ": "
                                + Formats.percent(cell.rollbackRate()));
            }
            groupLabel(svg, scenario, x + (s + 0.5) * groupWidth, y + PANEL_HEIGHT);
        }
    }

    private static void timePanel(
            StringBuilder svg,
            Benchmark.Results results,
            String model,
            List<Scenario> scenarios,
            double rate,
            int x,
            int y) {
        axes(
                svg,
                x,
                y,
                PANEL_HEIGHT,
                Formats.number(rate) + " req/s: median minutes to rollback (whisker: p90)",
                new String[] {"0", "35", "70"});
        double groupWidth = (double) PANEL_WIDTH / scenarios.size();
        double barWidth = groupWidth / (Contender.values().length + 1);
        for (int s = 0; s < scenarios.size(); s++) {
            Scenario scenario = scenarios.get(s);
            for (Contender c : Contender.values()) {
                CellResult cell = results.cell(model, scenario, rate, c);
                double bx = x + s * groupWidth + (c.ordinal() + 0.5) * barWidth;
                String title =
                        scenario.name() + ", " + c.label(results.settings().quantile()) + ": median "
                                + Formats.minutes(cell.median()) + ", p90 " + Formats.minutes(cell.p90()) + " min";
                if (!RolloutJudge.rolledBack(cell.median())) {
                    svg.append(String.format(
                            Locale.ROOT,
                            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"none\" stroke=\"%s\" "
                                    + "stroke-dasharray=\"3,2\"><title>%s</title></rect>%n",
                            bx,
                            y,
                            barWidth,
                            PANEL_HEIGHT,
                            COLOURS[c.ordinal()],
                            escape(title)));
                    continue;
                }
                double h = minutesHeight(cell.median());
                bar(svg, bx, y + PANEL_HEIGHT - h, barWidth, h, c, title);
                double whiskerTop = y + PANEL_HEIGHT - minutesHeight(Math.min(cell.p90(), BenchSetup.MINUTES));
                svg.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n",
                        bx + barWidth / 2,
                        y + PANEL_HEIGHT - h,
                        bx + barWidth / 2,
                        whiskerTop));
            }
            groupLabel(svg, scenario, x + (s + 0.5) * groupWidth, y + PANEL_HEIGHT);
        }
    }

    private static double minutesHeight(int minutes) {
        return (double) minutes / BenchSetup.MINUTES * PANEL_HEIGHT;
    }

    private static void axes(StringBuilder svg, int x, int y, int panelHeight, String title, String[] ticks) {
        text(svg, x, y - 10, "start", 12, title);
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\" stroke=\"#bbbbbb\"/>%n",
                x,
                y,
                PANEL_WIDTH,
                panelHeight));
        for (int t = 0; t < ticks.length; t++) {
            double ty = y + panelHeight - (double) t / (ticks.length - 1) * panelHeight;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>%n",
                    x,
                    ty,
                    x + PANEL_WIDTH,
                    ty));
            text(svg, x - 4, ty + 4, "end", 10, ticks[t]);
        }
    }

    private static void bar(StringBuilder svg, double x, double y, double w, double h, Contender c, String title) {
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
                x,
                y,
                w,
                h,
                COLOURS[c.ordinal()],
                escape(title)));
    }

    private static void groupLabel(StringBuilder svg, Scenario scenario, double x, double y) {
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-35 %.1f %.1f)\">"
                        + "%s</text>%n",
                x,
                y + 14,
                x,
                y + 14,
                escape(scenario.name())));
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, int size, String content) {
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x,
                y,
                anchor,
                size,
                escape(content)));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
