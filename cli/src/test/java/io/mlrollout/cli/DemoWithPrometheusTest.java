package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.simulator.PrometheusServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --prometheus}: real time, a real Prometheus scraping the simulator every second. Skipped without the
 * prometheus binary, except on CI (CI=true), which installs it and must run this.
 */
class DemoWithPrometheusTest {

    @TempDir
    Path dir;

    @Test
    void aRegressionIsCaughtFromARealPrometheusAndRolledBack() {
        Path folder = dir.resolve("run");

        Cli.Result run = demo("regression", folder);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Prometheus at http://127.0.0.1:")
                .contains("[ml-rollout] ROLLING BACK: stage ")
                .contains("error-rate FAIL")
                .contains("The simulator now routes v1 100% / v2 0%.");
        assertThat(folder.resolve("report.html")).exists();
    }

    /** What README's real-time demo promises: the healthy candidate is promoted, stage by stage, in a few minutes. */
    @Test
    void aHealthyCandidateIsPromotedFromARealPrometheus() {
        Cli.Result run = demo("healthy", dir.resolve("healthy"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("[ml-rollout] stage 1/3 (10%) PASS")
                .contains("[ml-rollout] stage 3/3 (50%) PASS")
                .contains("[ml-rollout] PROMOTED: the candidate serves all traffic")
                .contains("That is how the healthy scenario should end.");
    }

    private Cli.Result demo(String scenario, Path folder) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/bin";
        if (PrometheusServer.findBinary(path).isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(
                        "CI must run the real-Prometheus demo: " + PrometheusServer.INSTALL_HINT);
            }
            Assumptions.abort("no prometheus binary on the PATH: " + PrometheusServer.INSTALL_HINT);
        }
        return Cli.run(
                new Environment(Map.of("PATH", path), () -> null, (p, c) -> null),
                "demo",
                "--prometheus",
                "--scenario",
                scenario,
                "--out",
                folder.toString());
    }
}
