package io.mlrollout.core.audit;

import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.analysis.SliceLook;
import io.mlrollout.core.signoff.RoleTally;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a {@link Report} as one self-contained HTML page: the verdicts with their reasons, the sign-offs, inline SVG
 * charts (traffic over time; candidate against baseline per metric) and the log. No scripts and no external resources,
 * so it can be archived and served as it is; every text from outside (names, comments, reasons) is escaped.
 */
public final class HtmlReport {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 200;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;
    /** The log lines shown from the start and from the end of a long log. */
    static final int LOG_HEAD = 200;

    static final int LOG_TAIL = 800;
    /** How the report writes a time; its log lines too. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HtmlReport() {}

    public static String render(Report report) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ML Rollout: "
                + escape(report.candidate())
                + " on "
                + escape(report.endpoint())
                + "</title><style>"
                + PAGE_CSS
                + "</style></head><body>\n"
                + fragment(report)
                + "</body></html>\n";
    }

    /**
     * The report without {@code <html>}, {@code <head>} and {@code <body>}, for embedding in another page (the build
     * page in Jenkins): one {@code <div class="ml-rollout-report">} with its own style rules, all scoped to that class so
     * they do not touch the page around it. Safe to output unescaped: every text from outside is escaped here.
     */
    public static String fragment(Report report) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<div class=\"ml-rollout-report\"><style>")
                .append(REPORT_CSS)
                .append("</style>\n");
        header(html, report);
        stages(html, report);
        gates(html, report);
        html.append("<h2>Traffic to the candidate</h2>\n");
        html.append(trafficChart(report));
        html.append("<h2>Metrics</h2>\n");
        for (Report.MetricSeries series : report.metrics()) {
            metric(html, series, boundaries(report), report.finished());
        }
        html.append("<h2>Log</h2>\n<pre class=\"log\">");
        log(html, report.log());
        html.append("</pre>\n</div>\n");
        return html.toString();
    }

    /**
     * The log's first {@link #LOG_HEAD} and last {@link #LOG_TAIL} lines, with how many were left out between them: a
     * rollout that waits days for a sign-off looks every interval, and a page with every one of those lines runs to
     * megabytes. The evidence file and the build log keep every line.
     */
    private static void log(StringBuilder html, List<String> lines) {
        int leftOut = lines.size() - LOG_HEAD - LOG_TAIL;
        for (int i = 0; i < lines.size(); i++) {
            if (leftOut > 0 && i == LOG_HEAD) {
                html.append("… ")
                        .append(leftOut)
                        .append(" lines left out here; the evidence file and the build log have every line …\n");
                i += leftOut - 1;
                continue;
            }
            html.append(escape(lines.get(i))).append('\n');
        }
    }

    private static void header(StringBuilder html, Report report) {
        html.append("<h1>")
                .append(escape(report.candidate()))
                .append(" on ")
                .append(escape(report.endpoint()))
                .append(" <span class=\"outcome ")
                .append(outcomeClass(report.outcome()))
                .append("\">")
                .append(escape(report.outcome()))
                .append("</span></h1>\n<table class=\"facts\">");
        row(html, "Baseline", report.baseline());
        row(
                html,
                "Started",
                time(report.startedAt()) + (report.startedBy() == null ? "" : " by " + report.startedBy()));
        row(html, "Last event", time(report.updatedAt()));
        if (report.template() != null) {
            row(html, "Policy template", report.template().describe());
        }
        if (report.tier() != null) {
            row(html, "Risk tier", report.tier());
        }
        row(html, "False-rollback budget", Format.percent(report.falseRollbackRate()) + " for the whole rollout");
        if (report.dryRun()) {
            row(html, "Mode", "dry run: no traffic was moved");
        }
        if (report.reason() != null) {
            row(html, "Reason", report.reason());
        }
        if (report.evidence() != null) {
            row(html, "Evidence", report.evidence().describe());
        }
        html.append("</table>\n");
    }

    private static void stages(StringBuilder html, Report report) {
        html.append("<h2>Stages</h2>\n<table class=\"grid\"><tr><th>Stage</th><th>Weight</th><th>Bake</th>")
                .append("<th>Started</th><th>Verdict</th><th>Score</th><th>Reasons</th></tr>\n");
        for (Report.StageRow stage : report.stages()) {
            html.append("<tr><td>")
                    .append(stage.stage() == 0 ? "promotion watch" : String.valueOf(stage.stage()))
                    .append(stage.signOff() ? " ✍" : "")
                    .append("</td><td>")
                    .append(stage.shadow() > 0 ? escape(stage.label() + ": " + LogLines.SHADOW_NOTE) : stage.label())
                    .append("</td><td>")
                    .append(LogLines.duration(stage.bake()))
                    .append("</td><td>")
                    .append(
                            stage.startedAt() == null
                                    ? (report.finished() ? "not reached" : "not yet")
                                    : escape(CLOCK.format(stage.startedAt())))
                    .append("</td><td class=\"")
                    .append(
                            stage.verdict() == null
                                    ? ""
                                    : stage.verdict().name().toLowerCase(Locale.ROOT))
                    .append("\">")
                    .append(stage.verdict() == null ? "" : stage.verdict().name())
                    .append("</td><td>")
                    .append(stage.score() == null ? "" : Format.number(stage.score()))
                    .append("</td><td><ul>");
            for (String reason : stage.reasons()) {
                html.append("<li>").append(escape(reason)).append("</li>");
            }
            html.append("</ul></td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void gates(StringBuilder html, Report report) {
        if (report.gates().isEmpty()) {
            return;
        }
        html.append("<h2>Sign-offs</h2>\n");
        for (Report.GateRow gate : report.gates()) {
            html.append("<div class=\"gate\"><b>")
                    .append(escape(gate.purpose()))
                    .append("</b>: ")
                    .append(gate.quorum())
                    .append(" approval(s)")
                    .append(gate.approvers().isEmpty() ? "" : " from " + escape(String.join(", ", gate.approvers())))
                    .append(roles(gate.roles()))
                    .append(", opened ")
                    .append(time(gate.openedAt()))
                    .append(", ")
                    .append(
                            gate.settlement() == null
                                    ? "open until " + time(gate.expiresAt())
                                    : escape(gate.settlement()))
                    .append("<ul>");
            for (Report.SignatureRow s : gate.signatures()) {
                html.append("<li class=\"")
                        .append(s.accepted() ? escape(s.decision()) : "refused")
                        .append("\">")
                        .append(time(s.at()))
                        .append(" — ")
                        .append(escape(s.userId()))
                        .append(' ')
                        .append(s.accepted() ? escape(s.decision()) : escape(s.decision()) + " refused")
                        .append(": ")
                        .append(escape(s.comment()))
                        .append("</li>");
            }
            html.append("</ul></div>\n");
        }
    }

    /** E.g. {@code ; risk 1/1 (carol), platform 0/1}: each required role, who counted for it. */
    private static String roles(List<RoleTally> roles) {
        StringBuilder text = new StringBuilder();
        for (RoleTally role : roles) {
            text.append(text.length() == 0 ? "; by role: " : ", ")
                    .append(escape(role.progress()))
                    .append(role.signedBy().isEmpty() ? "" : " (" + escape(String.join(", ", role.signedBy())) + ")");
        }
        return text.toString();
    }

    /** Where a stage or the promotion watch began, to mark on the metric charts. */
    private record Boundary(Instant at, String label) {}

    private static List<Boundary> boundaries(Report report) {
        List<Boundary> all = new ArrayList<>();
        for (Report.StageRow stage : report.stages()) {
            if (stage.startedAt() != null) {
                all.add(new Boundary(
                        stage.startedAt(),
                        stage.stage() == 0 ? "watch" : "stage " + stage.stage() + " " + stage.label()));
            }
        }
        return all;
    }

    private static void metric(
            StringBuilder html, Report.MetricSeries series, List<Boundary> boundaries, boolean finished) {
        html.append("<h3>").append(escape(series.metric())).append("</h3>\n");
        if (series.points().isEmpty()) {
            // a rollout at rest will look no more: "yet" would promise looks that never come
            html.append(finished ? "<p>No looks: the rollout ended before its first.</p>\n" : "<p>No looks yet.</p>\n");
            return;
        }
        html.append(metricChart(series, boundaries));
        noData(html, series);
        Report.MetricPoint last = series.points().get(series.points().size() - 1);
        html.append("<p class=\"explanation\">Last look: <b>")
                .append(last.outcome())
                .append("</b> — ")
                .append(escape(last.explanation()))
                .append("</p>\n");
        sliceTable(html, last, series.unit());
    }

    /**
     * A sliced metric's last look, slice by slice: what each showed, and over how many requests. A ratio slice shows its
     * rate over those requests, a latency slice the median of the stage's per-look quantiles, in the metric's unit.
     */
    private static void sliceTable(StringBuilder html, Report.MetricPoint last, String unit) {
        if (last.slices().isEmpty()) {
            return;
        }
        html.append("<table class=\"grid slices\"><caption>By ")
                .append(escape(last.slices().get(0).label()))
                .append(", at the last look</caption><tr><th>Slice</th><th>Candidate requests</th>")
                .append("<th>Baseline requests</th><th>Candidate</th><th>Baseline</th><th>Verdict</th></tr>\n");
        for (SliceLook slice : last.slices()) {
            html.append("<tr><td>")
                    .append(escape(slice.slice()))
                    .append("</td><td>")
                    .append((long) slice.candidateRequests())
                    .append("</td><td>")
                    .append((long) slice.baselineRequests())
                    .append("</td><td>")
                    .append(escape(slice.candidateText(unit)))
                    .append("</td><td>")
                    .append(escape(slice.baselineText(unit)))
                    .append("</td><td>")
                    .append(escape(slice.verdict().toString()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** The looks without data, said in words: a chart can only show where they were, not why. */
    private static void noData(StringBuilder html, Report.MetricSeries series) {
        List<Report.MetricPoint> missing = series.points().stream()
                .filter(p -> p.outcome() == Outcome.NODATA)
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        html.append("<p class=\"nodata-note\">")
                .append(missing.size())
                .append(" of ")
                .append(series.points().size())
                .append(" looks had no data (grey columns; no data never counts as a pass): ");
        List<String> why = missing.stream()
                .map(p -> p.explanation().replaceFirst("^no data: ", ""))
                .distinct()
                .toList();
        html.append(escape(String.join("; ", why.subList(0, Math.min(3, why.size())))))
                .append(why.size() > 3 ? "; …" : "")
                .append("</p>\n");
    }

    // ---- charts

    private record Axis(Instant start, Instant end) {
        double x(Instant at) {
            long span = Math.max(1, Duration.between(start, end).toMillis());
            return LEFT
                    + (WIDTH - LEFT - RIGHT)
                            * (double) Duration.between(start, at).toMillis()
                            / span;
        }
    }

    /** Where {@code value} sits on an axis from {@code low} (the bottom) to {@code high} (the top). */
    private static double y(double value, double low, double high) {
        double span = high - low;
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (span == 0 ? 0 : (value - low) / span));
    }

    private static String trafficChart(Report report) {
        if (report.traffic().isEmpty()) {
            return "<p>No traffic has moved yet.</p>\n";
        }
        Instant start = report.traffic().get(0).at();
        Instant end = later(report.updatedAt(), start.plusSeconds(1));
        Axis axis = new Axis(start, end);
        StringBuilder svg = openSvg("Percent of traffic to the candidate over time");
        grid(svg, axis, 0, 100, "%");
        StringBuilder path = new StringBuilder();
        int previous = -1;
        for (Report.TrafficPoint point : report.traffic()) {
            double x = axis.x(point.at());
            if (previous >= 0) {
                path.append(" L").append(fmt(x)).append(',').append(fmt(y(previous, 0, 100)));
            }
            path.append(path.length() == 0 ? "M" : " L")
                    .append(fmt(x))
                    .append(',')
                    .append(fmt(y(point.canaryWeight(), 0, 100)));
            previous = point.canaryWeight();
        }
        path.append(" L").append(fmt(axis.x(end))).append(',').append(fmt(y(previous, 0, 100)));
        svg.append("<path class=\"traffic\" d=\"").append(path).append("\"/>");
        return svg.append("</svg>\n").toString();
    }

    private static String metricChart(Report.MetricSeries series, List<Boundary> boundaries) {
        List<Report.MetricPoint> points = series.points();
        Instant lastLook = points.get(points.size() - 1).at();
        // From the first stage's start, so the first look sits a look's length in, as it happened.
        Instant start = boundaries.stream()
                .map(Boundary::at)
                .filter(at -> at.isBefore(points.get(0).at()))
                .findFirst()
                .orElse(points.get(0).at());
        Instant end = later(lastLook, start.plusSeconds(1));
        Axis axis = new Axis(start, end);
        Report.Limits limits = series.limits();
        boolean anyBaseline = points.stream().anyMatch(p -> p.baseline() != null);
        boolean anyCandidate = points.stream().anyMatch(p -> p.candidate() != null);
        // from zero, or from below it when a value metric or its lower bound is negative
        double max = 0;
        double low = 0;
        for (Report.MetricPoint p : points) {
            max = Math.max(max, Math.max(orZero(p.candidate()), orZero(p.baseline())));
            low = Math.min(low, Math.min(orZero(p.candidate()), orZero(p.baseline())));
            if (limits != null && limits.maxIncrease() != null && p.baseline() != null) {
                max = Math.max(max, p.baseline() * (1 + limits.maxIncrease()));
                low = Math.min(low, p.baseline() * (1 + limits.maxIncrease()));
            }
        }
        if (limits != null && limits.max() != null) {
            max = Math.max(max, limits.max());
        }
        if (limits != null && limits.min() != null) {
            low = Math.min(low, limits.min());
        }
        max = max > 0 ? niceCeiling(max * 1.1) : low < 0 ? 0 : 1;
        low = low < 0 ? -niceCeiling(-low * 1.1) : 0;
        StringBuilder svg = openSvg(series.metric() + ": candidate and baseline per look, with what the policy allows");
        grid(svg, axis, low, max, series.unit());
        double slot = Math.max(4, (WIDTH - LEFT - RIGHT) / (double) Math.max(1, points.size()));
        for (Report.MetricPoint p : points) {
            if (p.outcome() == Outcome.NODATA) {
                svg.append("<rect class=\"nodata\" x=\"")
                        .append(fmt(axis.x(p.at()) - slot / 2))
                        .append("\" y=\"")
                        .append(TOP)
                        .append("\" width=\"")
                        .append(fmt(slot))
                        .append("\" height=\"")
                        .append(HEIGHT - TOP - BOTTOM)
                        .append("\"><title>")
                        .append(escape("no data: " + p.explanation()))
                        .append("</title></rect>");
            }
        }
        for (Boundary b : boundaries) {
            if (b.at().isBefore(start) || b.at().isAfter(end)) {
                continue;
            }
            double x = axis.x(b.at());
            svg.append("<line class=\"boundary\" x1=\"")
                    .append(fmt(x))
                    .append("\" x2=\"")
                    .append(fmt(x))
                    .append("\" y1=\"")
                    .append(TOP)
                    .append("\" y2=\"")
                    .append(HEIGHT - BOTTOM)
                    .append("\"/><text class=\"axis\" x=\"")
                    .append(fmt(x + 3))
                    .append("\" y=\"")
                    .append(HEIGHT - BOTTOM - 4)
                    .append("\">")
                    .append(escape(b.label()))
                    .append("</text>");
        }
        boolean allowed = limitLines(svg, axis, points, limits, low, max, series.unit());
        line(svg, axis, points, low, max, true);
        line(svg, axis, points, low, max, false);
        for (Report.MetricPoint p : points) {
            if (p.outcome() == Outcome.FAIL && p.candidate() != null) {
                svg.append("<circle class=\"fail\" cx=\"")
                        .append(fmt(axis.x(p.at())))
                        .append("\" cy=\"")
                        .append(fmt(y(p.candidate(), low, max)))
                        .append("\" r=\"4\"><title>")
                        .append(escape(p.outcome() + ": " + p.explanation()))
                        .append("</title></circle>");
            }
        }
        List<String[]> legend = new ArrayList<>();
        if (anyCandidate) {
            // A drift index compares the two versions in one number: one line, so one label that says so.
            legend.add(new String[] {"candidate", anyBaseline ? "candidate" : "candidate vs baseline"});
        }
        if (anyBaseline) {
            legend.add(new String[] {"baseline", "baseline"});
        }
        if (allowed) {
            legend.add(new String[] {"allowed", "allowed"});
        }
        if (points.stream().anyMatch(p -> p.outcome() == Outcome.NODATA)) {
            legend.add(new String[] {"nodata-label", "no data"});
        }
        double x = LEFT + 8;
        for (String[] entry : legend) {
            svg.append("<text class=\"legend ")
                    .append(entry[0])
                    .append("\" x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(TOP + 12)
                    .append("\">")
                    .append(escape(entry[1]))
                    .append("</text>");
            x += 7.5 * entry[1].length() + 18;
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * Draws what the policy allows: a dashed line at an absolute bound, and a dashed path at the baseline times the
     * allowed increase or decrease, look by look. Returns whether anything was drawn.
     */
    private static boolean limitLines(
            StringBuilder svg,
            Axis axis,
            List<Report.MetricPoint> points,
            Report.Limits limits,
            double low,
            double max,
            String unit) {
        if (limits == null) {
            return false;
        }
        boolean drawn = false;
        for (Double bound : new Double[] {limits.max(), limits.min()}) {
            if (bound != null && bound >= low && bound <= max) {
                svg.append("<line class=\"allowed\" x1=\"")
                        .append(LEFT)
                        .append("\" x2=\"")
                        .append(WIDTH - RIGHT)
                        .append("\" y1=\"")
                        .append(fmt(y(bound, low, max)))
                        .append("\" y2=\"")
                        .append(fmt(y(bound, low, max)))
                        .append("\"><title>")
                        .append(escape(
                                (bound.equals(limits.max()) ? "at most " : "at least ") + Format.value(bound, unit)))
                        .append("</title></line>");
                drawn = true;
            }
        }
        for (Double factor : new Double[] {
            limits.maxIncrease() == null ? null : 1 + limits.maxIncrease(),
            limits.maxDecrease() == null ? null : 1 - limits.maxDecrease()
        }) {
            if (factor == null) {
                continue;
            }
            StringBuilder path = new StringBuilder();
            boolean drawing = false;
            for (Report.MetricPoint p : points) {
                if (p.baseline() == null) {
                    drawing = false;
                    continue;
                }
                path.append(drawing ? " L" : " M")
                        .append(fmt(axis.x(p.at())))
                        .append(',')
                        .append(fmt(y(p.baseline() * factor, low, max)));
                drawing = true;
            }
            if (path.length() > 0) {
                svg.append("<path class=\"allowed\" d=\"")
                        .append(path.toString().trim())
                        .append("\"/>");
                drawn = true;
            }
        }
        return drawn;
    }

    private static void line(
            StringBuilder svg, Axis axis, List<Report.MetricPoint> points, double low, double max, boolean candidate) {
        StringBuilder path = new StringBuilder();
        int run = 0;
        for (Report.MetricPoint p : points) {
            Double value = candidate ? p.candidate() : p.baseline();
            if (value == null) {
                dotIfAlone(path, run);
                run = 0; // a gap in the data is a gap in the line, never an invented value
                continue;
            }
            path.append(run > 0 ? " L" : " M")
                    .append(fmt(axis.x(p.at())))
                    .append(',')
                    .append(fmt(y(value, low, max)));
            run++;
        }
        dotIfAlone(path, run);
        if (path.length() > 0) {
            svg.append("<path class=\"")
                    .append(candidate ? "candidate" : "baseline")
                    .append("\" d=\"")
                    .append(path.toString().trim())
                    .append("\"/>");
        }
    }

    /**
     * Ends a run of one look (the only look, or one between gaps) with a zero-length segment: a path of a single point
     * draws nothing, a zero-length segment with round caps a dot.
     */
    private static void dotIfAlone(StringBuilder path, int run) {
        if (run == 1) {
            path.append(" h0");
        }
    }

    private static StringBuilder openSvg(String title) {
        return new StringBuilder("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>")
                .append(escape(title))
                .append("</title>");
    }

    private static void grid(StringBuilder svg, Axis axis, double low, double max, String unit) {
        for (int i = 0; i <= 4; i++) {
            double value = low + (max - low) * i / 4;
            double y = y(value, low, max);
            svg.append("<line class=\"grid\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(fmt(y))
                    .append("\" y2=\"")
                    .append(fmt(y))
                    .append("\"/><text class=\"axis\" x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(escape(
                            unit.equals("%") && max == 100 ? Format.number(value) + "%" : Format.value(value, unit)))
                    .append("</text>");
        }
        svg.append("<text class=\"axis\" x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(HEIGHT - 8)
                .append("\">")
                .append(CLOCK.format(axis.start()))
                .append("</text><text class=\"axis\" x=\"")
                .append(WIDTH - RIGHT)
                .append("\" y=\"")
                .append(HEIGHT - 8)
                .append("\" text-anchor=\"end\">")
                .append(CLOCK.format(axis.end()))
                .append("</text>");
    }

    // ---- small helpers

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>")
                .append(escape(name))
                .append("</th><td>")
                .append(escape(value))
                .append("</td></tr>");
    }

    private static String outcomeClass(String outcome) {
        if (outcome.contains("fail") || outcome.contains("rolled back") || outcome.contains("rolling back")) {
            return "bad";
        }
        return outcome.contains("passed") || outcome.contains("promoted") ? "good" : "neutral";
    }

    private static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || a.isBefore(b) ? b : a;
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}: round numbers on the axis. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Escapes text for HTML element content and attribute values. */
    public static String escape(String text) {
        String s = Objects.toString(text, "");
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The page around a standalone report. */
    private static final String PAGE_CSS =
            "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;max-width:980px}";

    /** Every rule is scoped to the report's own {@code div}, so an embedding page keeps its look. */
    private static final String REPORT_CSS = """
            .ml-rollout-report h1{font-size:1.5em}.ml-rollout-report h2{font-size:1.2em;margin-top:1.6em}
            .ml-rollout-report h3{font-size:1em;margin-bottom:4px}
            .ml-rollout-report .outcome{font-size:.7em;padding:2px 8px;border-radius:10px;vertical-align:middle}
            .ml-rollout-report .good{background:#d8f3dc;color:#1b4332}.ml-rollout-report .bad{background:#ffe0e0;color:#7a1010}
            .ml-rollout-report .neutral{background:#e8ecf4}
            .ml-rollout-report table.facts th{text-align:left;padding-right:16px;font-weight:600}
            .ml-rollout-report table.grid{border-collapse:collapse;width:100%}
            .ml-rollout-report table.grid td,.ml-rollout-report table.grid th{border:1px solid #d5dae3;
            padding:4px 8px;vertical-align:top;text-align:left}
            .ml-rollout-report td.pass{color:#1b4332;font-weight:600}.ml-rollout-report td.fail{color:#7a1010;font-weight:600}
            .ml-rollout-report td.inconclusive{color:#8a5a00}
            .ml-rollout-report ul{margin:0;padding-left:18px}.ml-rollout-report .gate{margin:8px 0}
            .ml-rollout-report li.refused{color:#8a5a00}.ml-rollout-report li.reject{color:#7a1010}
            .ml-rollout-report svg.chart{background:#fafbfd;border:1px solid #e1e5ee}
            .ml-rollout-report .grid{stroke:#e1e5ee}.ml-rollout-report .axis{font-size:11px;fill:#5b6475}
            .ml-rollout-report path.traffic{fill:none;stroke:#3559d1;stroke-width:2}
            .ml-rollout-report path.candidate{fill:none;stroke:#d1495b;stroke-width:2;stroke-linecap:round}
            .ml-rollout-report path.baseline{fill:none;stroke:#2a9d8f;stroke-width:2;stroke-linecap:round}
            .ml-rollout-report text.candidate{fill:#d1495b;font-size:12px}
            .ml-rollout-report text.baseline{fill:#2a9d8f;font-size:12px}
            .ml-rollout-report circle.fail{fill:#d1495b}
            .ml-rollout-report rect.nodata{fill:#aab;opacity:.25}.ml-rollout-report text.nodata-label{fill:#778;font-size:12px}
            .ml-rollout-report path.allowed,.ml-rollout-report line.allowed{fill:none;stroke:#e9a23b;stroke-width:1.5;stroke-dasharray:5 4}
            .ml-rollout-report text.allowed{fill:#c77f10;font-size:12px}
            .ml-rollout-report line.boundary{stroke:#889;stroke-width:1;stroke-dasharray:2 3}
            .ml-rollout-report p.nodata-note{color:#556;font-size:.9em}
            .ml-rollout-report pre.log{background:#0f1420;color:#dce3f0;padding:12px;overflow-x:auto;font-size:12px}
            .ml-rollout-report .explanation{color:#3b4252;margin-top:2px}
            """;
}
