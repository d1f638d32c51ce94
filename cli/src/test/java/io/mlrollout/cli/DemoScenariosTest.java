package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutStateCodec;
import io.mlrollout.core.rollout.StageSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every demo scenario, as fast as it goes, ends as a user expects, with its files written. */
class DemoScenariosTest {

    static final Instant START = Instant.parse("2026-11-23T09:00:00Z");

    @TempDir
    Path dir;

    private final StringWriter console = new StringWriter();

    private DemoRun.Result run(Scenario scenario) throws Exception {
        Path folder = dir.resolve(scenario.spelling());
        return DemoRun.run(
                new DemoRun.Options(scenario, 0, folder, 42, START, Optional.empty()), new PrintWriter(console, true));
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyScenarioEndsAsExpectedWithItsFilesWritten(Scenario scenario) throws Exception {
        DemoRun.Result result = run(scenario);

        assertThat(result.end().phase()).as(console.toString()).isEqualTo(scenario.expected());
        assertThat(result.asExpected()).isTrue();
        int expectedWeight = scenario.expected() == Phase.PROMOTED ? 100 : 0;
        assertThat(result.split().canaryWeight()).isEqualTo(expectedWeight);

        RolloutFiles files = result.files();
        EvidenceVerifier.Result chain = EvidenceVerifier.verify(files.evidence());
        assertThat(chain.intact()).isTrue();
        assertThat(chain.lines()).isEqualTo((int) result.evidenceLines());
        assertThat(chain.head()).isEqualTo(result.head());
        assertThat(RolloutStateCodec.read(Files.readString(files.state())).phase())
                .isEqualTo(scenario.expected());
        String html = Files.readString(files.reportHtml(), StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("fraud-scorer");
        JsonNode report = Json.mapper().readTree(files.reportJson().toFile());
        assertThat(report.path("outcome").asText())
                .isEqualTo(scenario.expected() == Phase.PROMOTED ? "promoted" : "rolled back");
        assertThat(console.toString()).contains("[ml-rollout] rollout of v2 on fraud-scorer");
    }

    @Test
    void aHealthyCandidateIsSignedByTwoNamedApproversWithCommentsThenPromotedByThePipeline() throws Exception {
        DemoRun.Result result = run(Scenario.HEALTHY);

        List<RolloutEvent> events = result.files().events();
        List<RolloutEvent.Signed> signatures = of(events, RolloutEvent.Signed.class);
        assertThat(signatures).extracting(RolloutEvent.Signed::userId).containsExactly("alice", "bob");
        assertThat(signatures).allSatisfy(s -> assertThat(s.comment()).isNotBlank());
        assertThat(of(events, RolloutEvent.PromotionStarted.class))
                .extracting(RolloutEvent.PromotionStarted::by)
                .containsExactly(DemoRun.PIPELINE);
        assertThat(result.end().stages()).extracting(StageSummary::verdict).hasSize(3);
        assertThat(result.end().reason()).isNull();
    }

    @Test
    void aRegressionRollsBackWithTheErrorRateAsTheReason() throws Exception {
        DemoRun.Result result = run(Scenario.REGRESSION);

        assertThat(result.end().reason())
                .startsWith("stage 1 failed: error-rate FAIL")
                .containsAnyOf("× the baseline", "over the limit of 2.00%");
    }

    @Test
    void slowerRequestsRollBackWithALatencyMetricAsTheReason() throws Exception {
        DemoRun.Result result = run(Scenario.LATENCY);

        assertThat(result.end().reason()).matches("stage \\d failed: (slow-requests|p99-latency) FAIL.*");
    }

    @Test
    void shiftedScoresRollBackWithTheDriftAsTheReason() throws Exception {
        DemoRun.Result result = run(Scenario.DRIFT);

        assertThat(result.end().reason()).contains("score-drift FAIL").contains("PSI");
    }

    @Test
    void flakyMetricsShowAsNoDataButDoNotRollAHealthyCandidateBack() throws Exception {
        DemoRun.Result result = run(Scenario.FLAKY_METRICS);

        long noDataLooks = of(result.files().events(), RolloutEvent.Looked.class).stream()
                .flatMap(look -> look.metrics().stream())
                .filter(metric -> metric.outcome() == Outcome.NODATA)
                .count();
        assertThat(noDataLooks).as("the scenario must actually lose reads").isPositive();
        assertThat(result.end().phase()).isEqualTo(Phase.PROMOTED);
    }

    @Test
    void aMetricsOutageIsInconclusiveAndNeverAPass() throws Exception {
        DemoRun.Result result = run(Scenario.METRICS_OUTAGE);

        assertThat(result.end().stages())
                .extracting(StageSummary::verdict)
                .containsExactly(Verdict.PASS, Verdict.INCONCLUSIVE);
        assertThat(result.end().reason()).startsWith("stage 2 was inconclusive").contains("no data");
        assertThat(console.toString()).contains("[demo] the metrics source goes down");
    }

    @Test
    void theSameSeedGivesTheSameRollout() throws Exception {
        DemoRun.Result first = run(Scenario.REGRESSION);
        Path again = dir.resolve("again");
        DemoRun.Result second = DemoRun.run(
                new DemoRun.Options(Scenario.REGRESSION, 0, again, 42, START, Optional.empty()),
                new PrintWriter(new StringWriter()));

        assertThat(second.head()).isEqualTo(first.head());
    }

    @Test
    void theCommandWritesIntoTheFolderItPrintsAndExitsZeroWhenTheScenarioEndsAsExpected() {
        Path folder = dir.resolve("cli");
        Cli.Result run = Cli.run(
                new Environment(Map.of(), () -> null, (p, c) -> null),
                "demo",
                "--scenario",
                "regression",
                "--fast",
                "--out",
                folder.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("[ml-rollout] ROLLING BACK: stage 1 failed: error-rate FAIL")
                .contains("That is how the regression scenario should end.")
                .contains("Files in " + folder)
                .contains("v1 100% / v2 0%");
        assertThat(folder.resolve("evidence.jsonl")).exists();
        assertThat(folder.resolve("report.html")).exists();
        assertThat(folder.resolve("report.json")).exists();
        assertThat(folder.resolve("state.json")).exists();
    }

    @Test
    void aMajorChangeWaitsForOneFromRiskAndOneFromPlatformThenIsPromoted() {
        Path folder = dir.resolve("major");
        Cli.Result run = Cli.run(
                new Environment(Map.of(), () -> null, (p, c) -> null),
                "demo",
                "--major",
                "--fast",
                "--out",
                folder.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("tier major: sign-off by roles {risk=1, platform=1} by rule tiers[1] on facts"
                        + " {changeType=architecture, evalDelta=0.004, featuresChanged=true}")
                .contains("SIGN-OFF NEEDED for stage 2/3 (25%): 2 approval(s); by role: risk 1 of (ml-risk),"
                        + " platform 1 of (platform-team); one role per approver")
                .contains("[demo] carol (platform-team) approves on the build page")
                .contains("approve by carol (1 of 2; waiting for: risk 0/1, platform 1/1)")
                .contains("settled: approved by carol, bob (quorum 2; risk: bob; platform: carol)")
                .contains("PROMOTED");
        assertThat(Cli.run(new Environment(Map.of(), () -> null, (p, c) -> null), "demo", "--major", "--prometheus")
                        .err())
                .contains("--major: runs in simulated time only");
    }

    @Test
    void aMinorChangeIsAutoApprovedByItsTierAndNobodySigns() {
        Path folder = dir.resolve("minor");
        Cli.Result run = Cli.run(
                new Environment(Map.of(), () -> null, (p, c) -> null),
                "demo",
                "--minor",
                "--fast",
                "--out",
                folder.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("tier minor: auto-approved by rule tiers[0] on facts"
                        + " {changeType=retrain, evalDelta=0.001, featuresChanged=false}; stages 10% for 10m → 50% for"
                        + " 10m from tiers[0].stages")
                .contains("stage 1: traffic now v1 90% / v2 10%")
                .contains("stage 2: traffic now v1 50% / v2 50%")
                .doesNotContain("stage 3")
                .doesNotContain("SIGN-OFF NEEDED")
                .contains("PROMOTED");
        assertThat(Cli.run(new Environment(Map.of(), () -> null, (p, c) -> null), "demo", "--minor", "--major")
                        .err())
                .contains("--minor: a change is minor or major, not both");
    }

    @Test
    void anUnknownScenarioIsBadInputNamingTheChoices() {
        Cli.Result run = Cli.run(new Environment(Map.of(), () -> null, (p, c) -> null), "demo", "--scenario", "slow");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("'slow' is not a scenario").contains("flaky-metrics");
    }

    @Test
    void prometheusWithoutItsBinarySaysHowToInstallItAndExitsThree() {
        Cli.Result run = Cli.run(
                new Environment(Map.of("PATH", dir.toString()), () -> null, (p, c) -> null),
                "demo",
                "--prometheus",
                "--out",
                dir.resolve("p").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(run.err()).contains("apt-get install prometheus");
    }

    private static <E extends RolloutEvent> List<E> of(List<RolloutEvent> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
