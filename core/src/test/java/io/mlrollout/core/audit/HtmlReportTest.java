package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.analysis.SliceLook;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report as a page of its own and as a fragment another page embeds. */
class HtmlReportTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static Report report(String comment) {
        return ReportBuilder.of(List.of(
                new RolloutEvent.Started(
                        T0,
                        "deploy#1",
                        "fraud-scorer",
                        "v2<script>",
                        "dave",
                        List.of(new RolloutEvent.PlannedStage(5, Duration.ofMinutes(10), true)),
                        List.of("error-rate"),
                        0.01,
                        false,
                        null),
                new RolloutEvent.Inspected(T0, new TrafficSplit("v1", "v2", 0, true)),
                new RolloutEvent.TrafficShifted(T0, 1, new TrafficSplit("v1", "v2", 5, true)),
                new RolloutEvent.GateOpened(
                        T0.plusSeconds(600), "stage 1/1 (5%)", List.of("alice"), 1, T0.plusSeconds(7800)),
                new RolloutEvent.Signed(T0.plusSeconds(700), "alice", Decision.APPROVE, comment, 1, 1)));
    }

    /** A rollout of v2 with one stage at 50% for ten minutes, judging {@code metric}. */
    private static RolloutEvent.Started started(String metric) {
        return new RolloutEvent.Started(
                T0,
                "deploy#1",
                "fraud-scorer",
                "v2",
                "dave",
                List.of(new RolloutEvent.PlannedStage(50, Duration.ofMinutes(10), false)),
                List.of(metric),
                0.01,
                false,
                null);
    }

    @Test
    void aSlicedMetricHasItsTable() {
        Report report = ReportBuilder.of(List.of(
                started("error-rate"),
                new RolloutEvent.Looked(
                        T0.plusSeconds(60),
                        1,
                        50,
                        new Window(T0, T0.plusSeconds(60)),
                        List.of(new MetricLook(
                                "error-rate",
                                Outcome.FAIL,
                                0.011,
                                0.009,
                                "%",
                                "error-rate in region=eu-west: 2.10% on the candidate vs 0.90%",
                                List.of(new SliceLook(
                                        "region", "eu-west", 12000, 11800, 0.021, 0.009, SliceLook.Verdict.FAIL)))))));

        assertThat(HtmlReport.render(report))
                .contains("<caption>By region, at the last look</caption>")
                .contains("<tr><td>eu-west</td><td>12000</td><td>11800</td><td>2.10%</td><td>0.90%</td>"
                        + "<td>FAIL</td></tr>");
    }

    @Test
    void aSlicedLatencyMetricsTableShowsMilliseconds() {
        Report report = ReportBuilder.of(List.of(
                started("p99-latency"),
                new RolloutEvent.Looked(
                        T0.plusSeconds(60),
                        1,
                        50,
                        new Window(T0, T0.plusSeconds(60)),
                        List.of(new MetricLook(
                                "p99-latency",
                                Outcome.FAIL,
                                239.0,
                                233.0,
                                "ms",
                                "p99-latency in region=eu-west: p99 249ms vs 233ms this interval",
                                List.of(
                                        new SliceLook(
                                                "region", "eu-west", 4500, 4500, 249.2, 232.6, SliceLook.Verdict.FAIL),
                                        new SliceLook(
                                                "region",
                                                "ap-south",
                                                0,
                                                0,
                                                null,
                                                null,
                                                SliceLook.Verdict.TOO_FEW_REQUESTS)))))));

        assertThat(HtmlReport.render(report))
                .contains("<caption>By region, at the last look</caption>")
                .contains("<tr><td>eu-west</td><td>4500</td><td>4500</td><td>249ms</td><td>233ms</td>"
                        + "<td>FAIL</td></tr>")
                .contains("<tr><td>ap-south</td><td>0</td><td>0</td><td>no data</td><td>no data</td>"
                        + "<td>too few requests</td></tr>");
    }

    @Test
    void aValueMetricBelowZeroIsDrawnInsideItsChartWithItsLowerBound() throws Exception {
        Report report = ReportBuilder.of(
                        List.of(started("margin-delta"), look(60, -0.12, -0.30), look(120, -0.25, -0.41)))
                .withLimits(List.of(io.mlrollout.core.policy.PolicyParser.parse("""
                                stages: [{weight: 50, bake: 10m}]
                                metrics:
                                  - {name: margin-delta, kind: value, query: 'avg(x{version="${version}"})', min: -0.5}
                                """)
                        .metrics()
                        .get(0)));

        String html = HtmlReport.render(report);

        Matcher drawn = Pattern.compile("<(?:path class=\"(?:candidate|baseline)\" d=\"([^\"]+)\""
                        + "|line class=\"allowed\"[^>]* y1=\"([-0-9.]+)\")")
                .matcher(html);
        int shapes = 0;
        while (drawn.find()) {
            shapes++;
            String coordinates = drawn.group(1) != null ? drawn.group(1) : "0," + drawn.group(2);
            for (String point : coordinates.replaceAll("[ML]", " ").trim().split("\\s+")) {
                double y = Double.parseDouble(point.split(",")[1]);
                assertThat(y).as("y of %s in %s", point, drawn.group()).isBetween(12.0, 172.0);
            }
        }
        assertThat(shapes).as("the candidate, the baseline and the lower bound").isEqualTo(3);
    }

    @Test
    void aSingleLookIsDrawnAsADotNotAnEmptyPath() {
        Report report = ReportBuilder.of(List.of(started("margin-delta"), look(60, 0.12, 0.10)));

        String html = HtmlReport.render(report);

        // a path of one point ("M x,y") draws nothing; a zero-length segment with round caps draws a dot
        assertThat(html)
                .containsPattern("<path class=\"candidate\" d=\"M[0-9.]+,[0-9.]+ h0\"/>")
                .containsPattern("<path class=\"baseline\" d=\"M[0-9.]+,[0-9.]+ h0\"/>")
                .contains("path.candidate{fill:none;stroke:#d1495b;stroke-width:2;stroke-linecap:round}")
                .contains("path.baseline{fill:none;stroke:#2a9d8f;stroke-width:2;stroke-linecap:round}");
    }

    @Test
    void aMetricWithoutLooksInARolloutAtRestIsNotSaidToAwaitThem() {
        Report report = ReportBuilder.of(List.of(
                started("error-rate"), new RolloutEvent.Halted(T0.plusSeconds(5), "the router could not be read")));

        assertThat(report.finished()).isTrue();
        assertThat(HtmlReport.render(report))
                .contains("<h3>error-rate</h3>\n<p>No looks: the rollout ended before its first.</p>")
                .doesNotContain("No looks yet");
    }

    @Test
    void aLongLogKeepsItsStartAndEndAndSaysHowManyLinesItLeftOut() {
        List<RolloutEvent> events = new java.util.ArrayList<>();
        events.add(started("margin-delta"));
        // two days of a look a minute, as a rollout waiting a weekend for a sign-off writes them
        for (int minute = 1; minute <= 2880; minute++) {
            events.add(look(60 * minute, 0.12, 0.10));
        }
        Report report = ReportBuilder.of(events);

        String html = HtmlReport.render(report);
        String log = html.substring(html.indexOf("<pre class=\"log\">"), html.indexOf("</pre>"));

        assertThat(report.log()).hasSize(2881);
        assertThat(log.lines()).hasSize(HtmlReport.LOG_HEAD + 1 + HtmlReport.LOG_TAIL);
        assertThat(log)
                .contains(HtmlReport.escape(report.log().get(0)))
                .contains(HtmlReport.escape(report.log().get(HtmlReport.LOG_HEAD - 1)))
                .contains("… " + (2881 - HtmlReport.LOG_HEAD - HtmlReport.LOG_TAIL) + " lines left out here; the"
                        + " evidence file and the build log have every line …")
                .contains(HtmlReport.escape(report.log().get(2881 - HtmlReport.LOG_TAIL)))
                .endsWith(HtmlReport.escape(report.log().get(2880)) + "\n");
    }

    private static RolloutEvent.Looked look(int seconds, double candidate, double baseline) {
        Instant at = T0.plusSeconds(seconds);
        return new RolloutEvent.Looked(
                at,
                1,
                50,
                new Window(at.minusSeconds(60), at),
                List.of(new MetricLook("margin-delta", Outcome.CONTINUE, candidate, baseline, "", "read")));
    }

    @Test
    void theFragmentIsOneScopedBlockWithoutPageElements() {
        String fragment = HtmlReport.fragment(report("fine"));

        assertThat(fragment)
                .startsWith("<div class=\"ml-rollout-report\"><style>")
                .endsWith("</div>\n");
        assertThat(fragment).doesNotContain("<html", "<head", "<body", "<!DOCTYPE");
        assertThat(fragment).contains("<svg").contains("Sign-offs");
    }

    @Test
    void everyStyleRuleOfTheFragmentIsScopedToTheReport() {
        String fragment = HtmlReport.fragment(report("fine"));
        String css = fragment.substring(fragment.indexOf("<style>") + 7, fragment.indexOf("</style>"));
        Matcher rule = Pattern.compile("([^{}]+)\\{[^}]*}").matcher(css);
        int rules = 0;
        while (rule.find()) {
            for (String selector : rule.group(1).split(",")) {
                assertThat(selector.strip()).as("selector").startsWith(".ml-rollout-report");
            }
            rules++;
        }
        assertThat(rules).isGreaterThan(10);
    }

    @Test
    void textFromOutsideIsEscapedInTheFragmentAndThePage() {
        String hostile = "<img src=x onerror=alert(1)>";
        Report report = report(hostile);

        for (String html : List.of(HtmlReport.fragment(report), HtmlReport.render(report))) {
            assertThat(html).doesNotContain("<img", "<script>");
            assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;").contains("v2&lt;script&gt;");
        }
    }

    @Test
    void thePageWrapsTheFragment() {
        Report report = report("fine");

        assertThat(HtmlReport.render(report))
                .startsWith("<!DOCTYPE html>")
                .contains(HtmlReport.fragment(report))
                .endsWith("</body></html>\n");
    }
}
