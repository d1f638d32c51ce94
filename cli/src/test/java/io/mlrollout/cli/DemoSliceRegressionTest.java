package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.rollout.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sliced demos: one region regresses (errors, or latency), the aggregate stays inside its margin, the per-region
 * gate fails.
 */
class DemoSliceRegressionTest {

    /** Where the latency margin moved with the baseline's level, the explanation says so. */
    private static final String MOVED_TO_THE_LEVEL =
            "( at the baseline's share now, [0-9.]+× where the threshold was placed)?";

    @TempDir
    Path dir;

    private final StringWriter console = new StringWriter();

    @Test
    void theRegionThatRegressedIsNamedAndTheOthersAndTheAggregateAreNotFailed() throws Exception {
        DemoRun.Result result = DemoRun.run(
                new DemoRun.Options(
                        Scenario.SLICE_REGRESSION,
                        0,
                        dir.resolve("run"),
                        42,
                        DemoScenariosTest.START,
                        Optional.empty()),
                new PrintWriter(console, true));
        String log = console.toString();

        assertThat(result.end().phase()).as(log).isEqualTo(Phase.ROLLED_BACK);
        assertThat(result.end().reason())
                .startsWith("stage 1 failed: error-rate FAIL: error-rate in region=ap-south: ")
                .containsPattern("over all traffic: [^;]*within the allowed \\+25%");
        assertThat(log)
                .contains("error-rate in region=us-east: no regression shown")
                .doesNotContain("region=us-east: FAIL")
                .doesNotContain("region=eu-west: FAIL");
    }

    @Test
    void aRegionOnlySlowdownIsNamedWhileTheP99OverAllTrafficStaysInsideItsMargin() throws Exception {
        DemoRun.Result result = DemoRun.run(
                new DemoRun.Options(
                        Scenario.SLICE_LATENCY, 0, dir.resolve("run"), 42, DemoScenariosTest.START, Optional.empty()),
                new PrintWriter(console, true));
        String log = console.toString();

        assertThat(result.end().phase()).as(log).isEqualTo(Phase.ROLLED_BACK);
        assertThat(result.end().reason())
                .startsWith("stage 1 failed: p99-latency FAIL: p99-latency in region=ap-south: p99 ")
                // over all traffic inside its margin (moved to the baseline's level, where it moved): not shown
                // beyond it, or already shown below the rule-out
                .containsPattern(
                        "over all traffic: .*(\\(allowed [0-9.]+×" + MOVED_TO_THE_LEVEL + "\\), no regression shown"
                                + "|within the [0-9.]+× that a p99 \\+20% slower allows" + MOVED_TO_THE_LEVEL
                                + "; shown below .*)$");
        assertThat(log)
                .contains("p99-latency in region=us-east: no regression shown")
                .doesNotContain("region=us-east: FAIL")
                .doesNotContain("region=eu-west: FAIL");
    }

    @Test
    void theScenarioIsRefusedWithPrometheusMajorOrMinorBeforeAnythingRuns() {
        Environment env = new Environment(Map.of(), () -> null, (p, c) -> null);
        Cli.Result major = Cli.run(env, "demo", "--scenario", "slice-regression", "--major");
        Cli.Result minor = Cli.run(env, "demo", "--scenario", "slice-regression", "--minor");
        Cli.Result prometheus = Cli.run(env, "demo", "--scenario", "slice-regression", "--prometheus");

        assertThat(major.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(major.err()).contains("--scenario").contains("leave out --major");
        assertThat(minor.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(minor.err()).contains("leave out --minor");
        assertThat(prometheus.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(prometheus.err()).contains("leave out --prometheus");
    }
}
