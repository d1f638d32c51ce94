package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The two commands a new user starts with: {@code simulator} for an endpoint to try, {@code validate} offline. */
class ValidateAndSimulatorCommandsTest {

    private static final Environment ENV = new Environment(Map.of(), () -> null, (p, c) -> null);

    @TempDir
    Path dir;

    @Test
    void validateReportsEveryErrorOfThePolicyAndTheEndpointFileAtOnce() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                endpoint: fraud-scorer
                stages:
                  - {weight: 120, bake: 10m}
                  - {weight: 50, bake: 10 minutes}
                metrics:
                  - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%}
                """);
        Path endpoint = Files.writeString(dir.resolve("endpoint.yaml"), """
                name: fraud-scorer
                router: {type: webhok, url: 'http://127.0.0.1:9/'}
                prometheus: {url: 'http://127.0.0.1:9/'}
                """);

        Cli.Result run = Cli.run(ENV, "validate", policy.toString(), "--endpoint", endpoint.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("not valid; 3 problem(s)")
                .contains("stages[0].weight: 120 is over 100")
                .contains("stages[1].bake")
                .contains("router.type: 'webhok' is not a router type; did you mean webhook?");
    }

    @Test
    void validatePassesAGoodPairWithoutContactingAnything() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), StatefulCommandsTest.PLAIN_POLICY);
        Path endpoint = Files.writeString(dir.resolve("endpoint.yaml"), """
                name: fraud-scorer
                router: {type: webhook, url: 'http://127.0.0.1:9/', credential: {tokenEnv: NOT_SET_HERE}}
                prometheus: {url: 'http://127.0.0.1:9/'}
                """);

        Cli.Result run = Cli.run(ENV, "validate", policy.toString(), "--endpoint", endpoint.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("valid: ").contains("2 stage(s) 10% for 5m → 50% for 5m; metrics error-rate");
    }

    /**
     * The simulator plays a candidate's behaviour only; the demo's metrics faults and sliced scenarios are not
     * simulated there, so naming one is refused rather than announced and not done.
     */
    @Test
    @Timeout(30) // a scenario taken would start the simulator, which runs until Ctrl-C
    void simulatorRefusesTheDemoScenariosItDoesNotSimulate() throws Exception {
        for (String demoOnly : List.of("flaky-metrics", "metrics-outage", "slice-regression", "slice-latency")) {
            Cli.Result run = Cli.run(
                    ENV,
                    "simulator",
                    "--scenario",
                    demoOnly,
                    "--out",
                    dir.resolve(demoOnly).toString());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(run.err())
                    .contains("--scenario: " + demoOnly + " is a demo scenario; the simulator takes healthy,"
                            + " regression, latency or drift");
            assertThat(dir.resolve(demoOnly)).doesNotExist();
        }
    }

    /**
     * What canary refuses once it has built the router, validate refuses too, without reading the credential: a
     * shadow stage on a router that cannot mirror, and a CA certificate that is not PEM.
     */
    @Test
    void validateRefusesWhatCanaryRefusesWhenItBuildsTheRouter() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                endpoint: fraud-scorer
                stages:
                  - {shadow: 20%, bake: 5m}
                  - {weight: 10, bake: 5m}
                metrics:
                  - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%}
                """);
        Path kserve = Files.writeString(dir.resolve("kserve.yaml"), """
                name: fraud-scorer
                router: {type: kserve, kubernetesUrl: 'http://127.0.0.1:9', namespace: ml,
                         inferenceService: fraud-scorer, credential: {tokenEnv: NOT_SET_HERE}}
                prometheus: {url: 'http://127.0.0.1:9/'}
                """);
        Path badCertificate = Files.writeString(dir.resolve("istio.yaml"), """
                name: fraud-scorer
                router:
                  type: istio
                  kubernetesUrl: 'https://127.0.0.1:9'
                  namespace: ml
                  caCertificatePem: |
                    -----BEGIN CERTIFICATE-----    # a comment inside the block is part of the text
                    MIIC
                    -----END CERTIFICATE-----
                  virtualService: fraud-scorer
                  baselineHost: fraud-scorer
                  canaryHost: fraud-scorer
                prometheus: {url: 'http://127.0.0.1:9/'}
                """);

        Cli.Result shadowOnKServe = Cli.run(ENV, "validate", policy.toString(), "--endpoint", kserve.toString());
        Cli.Result notPem = Cli.run(ENV, "validate", policy.toString(), "--endpoint", badCertificate.toString());

        assertThat(shadowOnKServe.exitCode()).as(shadowOnKServe.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(shadowOnKServe.err())
                .contains(policy + ": stages[0].shadow: the endpoint's router (kserve InferenceService fraud-scorer")
                .contains("cannot mirror requests");
        assertThat(notPem.exitCode()).as(notPem.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notPem.err()).contains(badCertificate + ": router: caCertificatePem: not a PEM certificate");
    }

    /**
     * With facts, validate checks the policy their tier makes: the tier's own stages, and an auto-approved tier without
     * the sign-off the policy writes; a fact the policy does not declare is one more problem among the others.
     */
    @Test
    void validateWithFactsChecksThePolicyAsTheirTierMakesIt() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), StatefulCommandsTest.PLAIN_POLICY + """
                facts: {changeType: string}
                tiers:
                  - name: minor
                    when: "changeType == 'retrain'"
                    signOff: none
                    stages: [{weight: 20, bake: 2m}]
                  - {name: major, when: "true"}
                """);
        Path endpoint = Files.writeString(dir.resolve("endpoint.yaml"), """
                name: fraud-scorer
                router: {type: webhook, url: 'http://127.0.0.1:9/'}
                prometheus: {url: 'http://127.0.0.1:9/'}
                """);

        Cli.Result minor = Cli.run(
                ENV, "validate", policy.toString(), "--endpoint", endpoint.toString(), "--fact", "changeType=retrain");
        assertThat(minor.exitCode()).as(minor.toString()).isZero();
        assertThat(minor.out())
                .as(minor.toString())
                .startsWith("tier minor: ")
                .contains("1 stage(s) 20% for 2m; metrics error-rate")
                .doesNotContain("sign-off)");

        Cli.Result major = Cli.run(ENV, "validate", policy.toString(), "--fact", "changeType=architecture");
        assertThat(major.exitCode()).as(major.toString()).isZero();
        assertThat(major.out()).startsWith("tier major: ").contains("2 stage(s) 10% for 5m → 50% for 5m");

        Cli.Result unstated = Cli.run(ENV, "validate", policy.toString());
        assertThat(unstated.out()).contains("its tiers may choose others");

        Cli.Result misspelt = Cli.run(
                ENV, "validate", policy.toString(), "--endpoint", endpoint.toString(), "--fact", "changeTyp=retrain");
        assertThat(misspelt.exitCode()).as(misspelt.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(misspelt.err()).contains("facts.changeTyp: is not declared");
    }

    @Test
    void simulatorServesTheRouterContractWritesFilesThatValidateAndStopsOnSigterm() throws Exception {
        Path folder = dir.resolve("sim");
        try (ChildCli child = ChildCli.start(dir, Map.of(), "simulator", "--out", folder.toString())) {
            String line = child.awaitLine(l -> l.startsWith("simulator  http://"), Duration.ofSeconds(60));
            child.awaitLine(l -> l.startsWith("Ctrl-C stops"), Duration.ofSeconds(30));
            URI url = URI.create(line.substring("simulator  ".length(), line.indexOf("  (")));

            HttpResponse<String> traffic = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(url.resolve("/traffic")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(traffic.statusCode()).isEqualTo(200);
            assertThat(traffic.body()).contains("\"canary\":\"v2\"");

            Path endpoint = folder.resolve("endpoint.yaml");
            assertThat(Files.readString(endpoint)).contains("url: " + url);
            Cli.Result validate = Cli.run(
                    ENV, "validate", folder.resolve("policy.yaml").toString(), "--endpoint", endpoint.toString());
            assertThat(validate.exitCode()).as(validate.toString()).isZero();

            child.terminate();
            assertThat(child.exitCode(Duration.ofSeconds(30)))
                    .as(child.output())
                    .isZero();
            assertThat(child.output()).contains("stopped; the router was at 0% to v2");
        }
    }
}
