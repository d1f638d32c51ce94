package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.http.Credential;
import io.mlrollout.simulator.Simulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials come from environment variables and never reach the output, the files or an error message. */
class SecretsTest {

    static final String ROUTER_TOKEN = "tok-3f9a-router-secret";
    static final String PROMETHEUS_PASSWORD = "pw-77-prometheus-secret";

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path policy;
    private final List<Cli.Result> runs = new ArrayList<>();

    @BeforeEach
    void simulatorThatChecksTheToken() throws Exception {
        endpoint = new SimulatedEndpoint(Simulator.builder()
                .baseline(Scenario.BASELINE)
                .canary(Scenario.BASELINE.withName("v2"))
                .trafficToken(ROUTER_TOKEN)
                .seed(3));
        endpointFile = endpoint.endpointFile(
                dir,
                "  credential: {tokenEnv: ROUTER_TOKEN}\n",
                "  credential: {username: rollout, passwordEnv: PROMETHEUS_PASSWORD}\n"
                        + "signOff: {approvers: [alice, bob], minimumQuorum: 2}\n");
        policy = dir.resolve("policy.yaml");
        Files.writeString(
                policy,
                StatefulCommandsTest.GATED_POLICY
                        .replace("signOff: {approvers: [ml-risk], quorum: 2}\n", "")
                        .replace("promote: {bake: 3m, signOff: false}", "promote: {bake: 3m}"));
        endpoint.variables.put("PROMETHEUS_PASSWORD", PROMETHEUS_PASSWORD);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aWholeRolloutUsesTheSecretsAndNeverShowsThem() throws Exception {
        endpoint.variables.put("ROUTER_TOKEN", ROUTER_TOKEN);

        assertThat(run("canary", "--candidate", "v2").exitCode()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        run("approve", "--user", "alice", "--comment", "fine");
        assertThat(run("approve", "--user", "bob", "--comment", "fine too").exitCode())
                .isZero();
        assertThat(run("canary").exitCode()).isZero();
        assertThat(run("promote").exitCode()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        run("approve", "--user", "alice", "--comment", "promote it");
        run("approve", "--user", "bob", "--comment", "promote it");
        Cli.Result promoted = run("promote");

        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(endpoint.simulator.split().canaryWeight())
                .as("the token was accepted")
                .isEqualTo(100);
        assertThat(endpoint.metricsCredentials)
                .isNotEmpty()
                .allSatisfy(credential -> assertThat(
                                credential.authorizationHeader().orElseThrow())
                        .isEqualTo("Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                ("rollout:" + PROMETHEUS_PASSWORD).getBytes(StandardCharsets.UTF_8))));
        assertNoSecretAnywhere();
    }

    @Test
    void aWrongTokenFailsWithoutShowingIt() throws Exception {
        endpoint.variables.put("ROUTER_TOKEN", "wrong-" + ROUTER_TOKEN);

        Cli.Result canary = run("canary", "--candidate", "v2");

        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(canary.out())
                .contains("could not read the router, nothing was moved")
                .contains("401");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertNoSecretAnywhere();
    }

    @Test
    void aCredentialPrintsWithoutItsSecret() {
        assertThat(new Credential.Bearer(ROUTER_TOKEN).toString()).doesNotContain(ROUTER_TOKEN);
        assertThat(new Credential.Basic("rollout", PROMETHEUS_PASSWORD).toString())
                .doesNotContain(PROMETHEUS_PASSWORD);
    }

    private Cli.Result run(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                command,
                "--policy",
                policy.toString(),
                "--state",
                dir.resolve("state.json").toString(),
                "--endpoint",
                endpointFile.toString()));
        args.addAll(List.of(extra));
        Cli.Result result = Cli.run(endpoint.environment(), args.toArray(String[]::new));
        runs.add(result);
        return result;
    }

    private void assertNoSecretAnywhere() throws Exception {
        for (Cli.Result result : runs) {
            assertThat(result.all()).doesNotContain(ROUTER_TOKEN).doesNotContain(PROMETHEUS_PASSWORD);
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains("state.json", "state.evidence.jsonl", "state.evidence-pack.zip");
        for (Path file : files) {
            for (String text : texts(file)) {
                assertThat(text)
                        .as(file.toString())
                        .doesNotContain(ROUTER_TOKEN)
                        .doesNotContain(PROMETHEUS_PASSWORD);
            }
        }
    }

    /** A file's text, or, for the evidence pack, the text of each of its entries. */
    private static List<String> texts(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".zip")) {
            return List.of(Files.readString(file, StandardCharsets.UTF_8));
        }
        List<String> texts = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                texts.add(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return texts;
    }
}
