package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.VersionProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan} against the serving simulator under real-time load and a real Prometheus scraping it every second:
 * the baseline's traffic is read from Prometheus, and the plan says which stage fits its maxBake. Skipped without the
 * prometheus binary, except on CI (CI=true), which installs it and must run this.
 */
class PlanWithPrometheusTest {

    /** The plan reads this much of the baseline's past: six of the policy's 5 s intervals. */
    private static final Duration WINDOW = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aStageTooShortForItsTrafficIsWarnedAboutOrRefusedAndAnAmpleOneFits() throws Exception {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/bin";
        Optional<Path> binary = PrometheusServer.findBinary(path);
        if (binary.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(
                        "CI must run the real-Prometheus plan: " + PrometheusServer.INSTALL_HINT);
            }
            Assumptions.abort("no prometheus binary on the PATH: " + PrometheusServer.INSTALL_HINT);
        }
        try (Simulator simulator = Simulator.builder()
                        .baseline(VersionProfile.named("v1").withErrorRate(0.02))
                        .canary(VersionProfile.named("v2").withErrorRate(0.02))
                        .seed(11)
                        .build()
                        .start();
                PrometheusServer prometheus = PrometheusServer.start(binary.get(), "127.0.0.1:" + simulator.port())) {
            simulator.startLoad(1000);
            PrometheusScrapes.awaitOver(prometheus, WINDOW.plusSeconds(3));
            Path policy = dir.resolve("policy.yaml");
            Files.writeString(policy, """
                    endpoint: fraud-scorer
                    stages:
                      - {weight: 1, bake: 5s, maxBake: 10s}
                      - {weight: 50, bake: 10s, maxBake: 5m}
                    analysis: {interval: 5s, minRequests: 200}
                    metrics:
                      - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%}
                      - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 20%}
                    """);
            Path endpoint = dir.resolve("endpoint.yaml");
            Files.writeString(
                    endpoint,
                    "name: fraud-scorer\nrouter: {type: webhook, url: '" + simulator.url() + "'}\nprometheus: {url: '"
                            + prometheus.url() + "'}\n");

            Cli.Result run = Cli.run(
                    new Environment(
                            Map.of(), RealTime::new, Environment.system().metrics()),
                    "plan",
                    policy.toString(),
                    "--endpoint",
                    endpoint.toString(),
                    "--window",
                    "30s");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out())
                    .as(run.toString())
                    .contains("plan for fraud-scorer: the baseline v1 over the last 30s (6 intervals of 5s)")
                    .containsPattern("error-rate: \\d+ requests/min, [12]\\.\\d+% bad")
                    .containsPattern("\\n2 +50% +error-rate .* yes\\n")
                    .containsPattern("p99-latency .*not planned")
                    .contains("WARNING: stage 1 (1%): error-rate needs ")
                    .doesNotContain("WARNING: stage 2");

            // the same plan under a policy that makes its warnings a refusal
            Files.writeString(
                    policy, Files.readString(policy).replace("minRequests: 200}", "minRequests: 200, plan: refuse}"));
            Cli.Result refused = Cli.run(
                    new Environment(
                            Map.of(), RealTime::new, Environment.system().metrics()),
                    "plan",
                    policy.toString(),
                    "--endpoint",
                    endpoint.toString(),
                    "--window",
                    "30s");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(refused.out()).contains("WARNING: stage 1 (1%): error-rate needs ");
            assertThat(refused.err()).contains("mlrollout plan: refused (analysis.plan: refuse): 2 warning(s) above");

            // with tiers: the facts' tier is planned, its one ample stage instead of the policy's two
            Path tiered = dir.resolve("tiered.yaml");
            Files.writeString(tiered, Files.readString(policy).replace(", plan: refuse}", "}") + """
                    facts: {changeType: string}
                    tiers:
                      - name: fast
                        when: "changeType == 'retrain'"
                        stages: [{weight: 50, bake: 10s, maxBake: 5m}]
                      - {name: full, when: "true"}
                    """);
            Cli.Result withFacts = plan(tiered, endpoint, "--fact", "changeType=retrain");
            assertThat(withFacts.exitCode()).as(withFacts.toString()).isZero();
            assertThat(withFacts.out())
                    .as(withFacts.toString())
                    .startsWith("tier fast: sign-offs as the policy writes them by rule tiers[0] on facts"
                            + " {changeType=retrain}; stages 50% for 10s from tiers[0].stages")
                    .containsPattern("\\n1 +50% +error-rate .* yes\\n")
                    .doesNotContain("WARNING");
            Cli.Result withoutFacts = plan(tiered, endpoint);
            assertThat(withoutFacts.out())
                    .as(withoutFacts.toString())
                    .startsWith("the policy's own stages and bounds; its tiers may choose others")
                    .contains("WARNING: stage 1 (1%): error-rate needs ");
            Cli.Result misspelt = plan(tiered, endpoint, "--fact", "changeTyp=retrain");
            assertThat(misspelt.exitCode()).as(misspelt.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(misspelt.err()).contains("facts.changeTyp: is not declared");

            // canary states the same plan as its first lines, and under refuse stops before any traffic moves
            Cli.Result canary = Cli.run(
                    new Environment(
                            Map.of(), RealTime::new, Environment.system().metrics()),
                    "canary",
                    "--policy",
                    policy.toString(),
                    "--endpoint",
                    endpoint.toString(),
                    "--state",
                    dir.resolve("state.json").toString(),
                    "--candidate",
                    "v2");
            assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(canary.out())
                    .as(canary.toString())
                    .startsWith("[ml-rollout] plan: the baseline v1 over the last 10 min, error-rate: ")
                    .contains("[ml-rollout] plan: stage 2 (50%) error-rate: ")
                    .contains("[ml-rollout] plan: WARNING: stage 1 (1%): error-rate needs ")
                    .contains("[ml-rollout] plan: refused (analysis.plan: refuse): 2 warning(s) above; no traffic"
                            + " moved");
            assertThat(simulator.split().canaryWeight()).isZero();
        }
    }

    private static Cli.Result plan(Path policy, Path endpoint, String... more) {
        String[] args = {"plan", policy.toString(), "--endpoint", endpoint.toString(), "--window", "30s"};
        String[] all = Stream.concat(Arrays.stream(args), Arrays.stream(more)).toArray(String[]::new);
        return Cli.run(
                new Environment(Map.of(), RealTime::new, Environment.system().metrics()), all);
    }
}
