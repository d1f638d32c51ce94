package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.VersionProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} against a real Prometheus that scraped the serving simulator's pods one by one, as it scrapes a
 * Kubernetes deployment: a past rollout whose candidate had four times the baseline's errors is replayed to a rollback,
 * and an A/A split of the baseline's pods is not rolled back. Skipped without the prometheus binary, except on CI
 * (CI=true), which installs it and must run this.
 */
class ReplayWithPrometheusTest {

    /**
     * How much recording the replays read: twelve of the policy's 5 s intervals. No one interval may carry more than a
     * quarter of a rollback, so even a clear regression needs several.
     */
    private static final Duration RECORDED = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aPastRolloutIsReplayedToItsRollbackAndAnAaSplitOfOnePodsIsNot() throws Exception {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/bin";
        Optional<Path> binary = PrometheusServer.findBinary(path);
        if (binary.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(
                        "CI must run the real-Prometheus replay: " + PrometheusServer.INSTALL_HINT);
            }
            Assumptions.abort("no prometheus binary on the PATH: " + PrometheusServer.INSTALL_HINT);
        }
        try (Simulator simulator = Simulator.builder()
                        .baseline(VersionProfile.named("v1").withErrorRate(0.02))
                        .canary(VersionProfile.named("v2").withErrorRate(0.08))
                        .canaryWeight(50)
                        .podsPerVersion(3)
                        .seed(13)
                        .build()
                        .start();
                PrometheusServer prometheus =
                        PrometheusServer.start(binary.get(), "127.0.0.1:" + simulator.port(), simulator.pods())) {
            simulator.startLoad(1000);
            PrometheusScrapes.awaitOver(prometheus, RECORDED.plusSeconds(3));
            Path policy = dir.resolve("policy.yaml");
            Files.writeString(policy, """
                    endpoint: fraud-scorer
                    stages:
                      - {weight: 10, bake: 10s, maxBake: 45s, signOff: true}
                      - {weight: 50, bake: 10s, maxBake: 20s}
                    analysis: {interval: 5s, minRequests: 200, maxDispersion: 10%}
                    metrics:
                      - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                    promote: {bake: 10s}
                    """);
            Path endpoint = dir.resolve("endpoint.yaml");
            Files.writeString(
                    endpoint,
                    "name: fraud-scorer\nrouter: {type: webhook, url: '" + simulator.url() + "'}\nprometheus: {url: '"
                            + prometheus.url() + "'}\n");
            Environment real = new Environment(
                    Map.of(), RealTime::new, Environment.system().metrics());
            String window = RECORDED.toSeconds() + "s";

            Cli.Result past = Cli.run(
                    real,
                    "replay",
                    policy.toString(),
                    "--endpoint",
                    endpoint.toString(),
                    "--from",
                    window,
                    "--baseline",
                    "v1",
                    "--candidate",
                    "v2");

            assertThat(past.exitCode()).as(past.toString()).isZero();
            assertThat(past.out())
                    .as(past.toString())
                    .contains("v1 (baseline) against v2 (candidate); nobody signs in a replay, and no traffic moves")
                    .containsPattern("replay: rolled back at \\S+: stage 1 failed: error-rate")
                    .doesNotContain("sign-off");

            Cli.Result aa = Cli.run(
                    real,
                    "replay",
                    policy.toString(),
                    "--endpoint",
                    endpoint.toString(),
                    "--from",
                    window,
                    "--aa",
                    "v1",
                    "--splits",
                    "3");

            assertThat(aa.exitCode()).as(aa.toString()).isZero();
            assertThat(aa.out())
                    .as(aa.toString())
                    .contains("3 pods of v1 (fraud-scorer-v1-0, fraud-scorer-v1-1, fraud-scorer-v1-2)")
                    .containsPattern("split 1: v1\\[A] = \\[fraud-scorer-v1-\\d], v1\\[B] = \\[fraud-scorer-v1-\\d, ")
                    .contains("A/A replay: 0 of 3 splits failed a stage (false rollbacks: both groups run v1)");
        }
    }
}
