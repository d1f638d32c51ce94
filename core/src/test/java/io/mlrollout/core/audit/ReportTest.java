package io.mlrollout.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report folds events into stages, traffic, metric series and sign-offs, and the HTML escapes outside text. */
class ReportTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    static List<RolloutEvent> events() {
        return List.of(
                new RolloutEvent.Started(
                        T0,
                        "build-7",
                        "fraud-scorer",
                        "v2",
                        "dave",
                        List.of(
                                new RolloutEvent.PlannedStage(5, Duration.ofMinutes(10), false),
                                new RolloutEvent.PlannedStage(25, Duration.ofMinutes(10), true)),
                        List.of("error-rate"),
                        0.01,
                        false,
                        null),
                new RolloutEvent.Inspected(T0, new TrafficSplit("v1", "v2", 0, true)),
                new RolloutEvent.TrafficShifted(T0, 1, new TrafficSplit("v1", "v2", 5, true)),
                new RolloutEvent.StageStarted(T0, 1, 2, 5, T0.plusSeconds(600)),
                new RolloutEvent.Looked(
                        T0.plusSeconds(60),
                        1,
                        5,
                        new Window(T0, T0.plusSeconds(60)),
                        List.of(new MetricLook("error-rate", Outcome.CONTINUE, 0.0041, 0.0047, "%", "0.41% vs 0.47%"))),
                new RolloutEvent.Looked(
                        T0.plusSeconds(120),
                        1,
                        5,
                        new Window(T0.plusSeconds(60), T0.plusSeconds(120)),
                        List.of(new MetricLook("error-rate", Outcome.NODATA, null, null, "%", "no data: down"))),
                new RolloutEvent.StageConcluded(
                        T0.plusSeconds(600), 1, 2, 5, Verdict.PASS, 100, List.of("error-rate PASS: 0.41% vs 0.47%")),
                new RolloutEvent.GateOpened(
                        T0.plusSeconds(600), "stage 1/2 (5%)", List.of("alice"), 1, T0.plusSeconds(7200)),
                new RolloutEvent.SignatureRefused(
                        T0.plusSeconds(660), "dave", Decision.APPROVE, "dave started this rollout"),
                new RolloutEvent.Signed(
                        T0.plusSeconds(700), "alice", Decision.APPROVE, "<script>alert('x')</script> looks fine", 1, 1),
                new RolloutEvent.GateSettled(T0.plusSeconds(700), "stage 1/2 (5%)", "approved by alice (quorum 1)"),
                new RolloutEvent.RollbackStarted(T0.plusSeconds(760), "rejected by bob: drift", "bob"),
                new RolloutEvent.RolledBack(T0.plusSeconds(765), new TrafficSplit("v1", "v2", 0, true)));
    }

    @Test
    void theReportFoldsEveryKindOfFact() {
        Report report = ReportBuilder.of(events());

        assertThat(report.outcome()).isEqualTo("rolled back");
        assertThat(report.reason()).isEqualTo("rejected by bob: drift");
        assertThat(report.baseline()).isEqualTo("v1");
        assertThat(report.stages()).extracting(Report.StageRow::verdict).containsExactly(Verdict.PASS, null);
        assertThat(report.traffic())
                .extracting(Report.TrafficPoint::canaryWeight)
                .containsExactly(0, 5, 0);
        assertThat(report.metrics()).singleElement().satisfies(series -> {
            assertThat(series.unit()).isEqualTo("%");
            assertThat(series.points())
                    .extracting(Report.MetricPoint::outcome)
                    .containsExactly(Outcome.CONTINUE, Outcome.NODATA);
        });
        assertThat(report.gates()).singleElement().satisfies(gate -> {
            assertThat(gate.settlement()).isEqualTo("approved by alice (quorum 1)");
            assertThat(gate.signatures())
                    .extracting(Report.SignatureRow::accepted)
                    .containsExactly(false, true);
        });
        assertThat(report.log())
                .hasSize(events().size())
                .allMatch(line -> line.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC  \\[ml-rollout\\] .*"));
        assertThat(report.log().get(0))
                .startsWith(events().get(0).at().toString().replace('T', ' ').replace("Z", " UTC"));
    }

    @Test
    void theOutcomeSaysWhenTheRolloutWaitsForItsWindowAndWhoOpenedItEarly() {
        List<RolloutEvent> waiting = List.of(
                events().get(0),
                new RolloutEvent.WindowWaiting(
                        T0.plusSeconds(600),
                        "stage 2/2 (25%)",
                        "outside the window Mon-Fri 09:00-17:00 Europe/Berlin",
                        T0.plusSeconds(3600)));
        assertThat(ReportBuilder.of(waiting).outcome())
                .isEqualTo("waiting for the deployment window before stage 2/2 (25%)");

        List<RolloutEvent> opened = new java.util.ArrayList<>(waiting);
        opened.add(new RolloutEvent.WindowOpened(T0.plusSeconds(900), "stage 2/2 (25%)", "erin", "hotfix, approved"));
        Report report = ReportBuilder.of(opened);
        assertThat(report.outcome()).isEqualTo("deployment window opened early by erin");
        assertThat(report.log()).last().asString().contains("WINDOW OPENED EARLY by erin");
    }

    @Test
    void theHtmlDrawsTheChartsAndEscapesEveryOutsideText() {
        String html = HtmlReport.render(ReportBuilder.of(events()));

        assertThat(html).contains("<svg").contains("class=\"traffic\"").contains("class=\"candidate\"");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(html).contains("rolled back").contains("rejected by bob: drift");
        // a look without data is a gap in the line and a grey column, explained in words, never a point at zero
        assertThat(html).doesNotContain("circle class=\"nodata\"").contains("rect class=\"nodata\"");
        assertThat(html).contains("1 of 2 looks had no data (grey columns; no data never counts as a pass): ");
        // the stage that a finished rollout never started is "not reached", and stage 1's start is marked
        assertThat(html).contains("not reached").doesNotContain("not yet");
        assertThat(html).contains("class=\"boundary\"").contains(">stage 1 5%</text>");
    }

    @Test
    void theChartsDrawWhatThePolicyAllowsAndLabelOnlyTheLinesThatAreThere() throws Exception {
        Policy policy = PolicyParser.parse("""
                stages: [{weight: 5, bake: 10m}, {weight: 25, bake: 10m}]
                metrics:
                  - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 2%}
                """);
        String html = HtmlReport.render(ReportBuilder.of(events()).withLimits(policy.metrics()));

        assertThat(html).contains("class=\"allowed\"").contains("<title>at most 2.00%</title>");
        assertThat(html)
                .contains(">candidate</text>")
                .contains(">baseline</text>")
                .contains(">allowed</text>");
    }

    @Test
    void aDriftChartHasOneLineAndOneLabelAndTheWatchIsARow() {
        List<RolloutEvent> events = List.of(
                new RolloutEvent.Started(
                        T0,
                        "r",
                        "e",
                        "v2",
                        "dave",
                        List.of(new RolloutEvent.PlannedStage(50, Duration.ofMinutes(5), false)),
                        List.of("score-drift"),
                        0.01,
                        false,
                        null),
                new RolloutEvent.Looked(
                        T0.plusSeconds(60),
                        0,
                        100,
                        new Window(T0, T0.plusSeconds(60)),
                        List.of(new MetricLook("score-drift", Outcome.CONTINUE, 0.004, null, "", "PSI 0.004"))),
                new RolloutEvent.WatchStarted(T0, T0.plusSeconds(300)),
                new RolloutEvent.Promoted(T0.plusSeconds(300)));

        Report report = ReportBuilder.of(events);
        String html = HtmlReport.render(report);

        assertThat(html).contains(">candidate vs baseline</text>").doesNotContain(">baseline</text>");
        assertThat(report.stages()).last().satisfies(watch -> {
            assertThat(watch.stage()).isZero();
            assertThat(watch.verdict()).isEqualTo(Verdict.PASS);
        });
        assertThat(html).contains("<td>promotion watch</td>");
    }

    @Test
    void niceCeilingsAreRoundNumbers() {
        assertThat(HtmlReport.niceCeiling(0.0043)).isEqualTo(0.005);
        assertThat(HtmlReport.niceCeiling(212)).isEqualTo(500);
        assertThat(HtmlReport.niceCeiling(100)).isEqualTo(100);
    }
}
