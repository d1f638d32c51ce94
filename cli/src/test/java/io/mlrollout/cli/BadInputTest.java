package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad policies, endpoint files and flags exit 2 with the field path and the reason, before any traffic moves. */
class BadInputTest {

    static final String POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 10, bake: 5m}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aBadPolicyNamesTheFileAndEveryFieldPath() throws Exception {
        Path policy =
                write("policy.yaml", POLICY.replace("weight: 10", "weight: 120").replace("maxIncrease", "maxIncrese"));

        Cli.Result run = canary(policy, endpoint.endpointFile(dir, "", ""));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains(policy + ": stages[0].weight: 120 is over 100")
                .contains(policy + ": metrics[0].maxIncrese: unknown key; did you mean maxIncrease?");
        assertNothingMoved();
    }

    @Test
    void endpointFileErrorsAreAllReportedWithTheirPaths() throws Exception {
        Path file = write("endpoint.yaml", """
                name: Fraud_Scorer
                routr: {}
                router:
                  type: webhook
                  callTimeout: 10
                  attempts: 0
                prometheus:
                  url: ftp://prometheus:9090
                signOff:
                  approvers: [alice, alice]
                  minimumQuorum: -1
                  allowSelfApproval: yes
                """);

        Cli.Result run = canary(write("policy.yaml", POLICY.replace("endpoint: fraud-scorer\n", "")), file);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains(file + ": name: 'Fraud_Scorer' is not an endpoint name")
                .contains("routr: unknown key; did you mean router?")
                .contains("router.url: is required")
                .contains("router.callTimeout: expected a duration such as 10s, got 10 (a number)")
                .contains("router.attempts: must be at least 1, got 0")
                .contains("prometheus.url: 'ftp://prometheus:9090' is not an http or https URL")
                .contains("signOff.approvers[1]: 'alice' is listed twice")
                .contains("signOff.minimumQuorum: must be at least 0, got -1")
                .contains("signOff.allowSelfApproval: expected true or false, got 'yes' (text)");
        assertNothingMoved();
    }

    @Test
    void anUnknownRouterTypeNamesTheTypes() throws Exception {
        Path file =
                write("endpoint.yaml", "name: fraud-scorer\nrouter: {type: nginx}\nprometheus: {url: http://p:9090}\n");

        Cli.Result run = canary(write("policy.yaml", POLICY), file);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("router.type: 'nginx' is not a router type; use one of webhook, istio, gateway-api, kserve");
    }

    @Test
    void aKubernetesRouterNeedsItsConnectionAndObject() throws Exception {
        Path file = write("endpoint.yaml", """
                name: fraud-scorer
                router:
                  type: istio
                  namespace: ml
                  virtualService: fraud-scorer
                  baselineHost: fraud-scorer
                  baselineSubset: v1
                  canarySubset: v2
                prometheus: {url: 'http://prometheus:9090'}
                """);

        Cli.Result run = canary(write("policy.yaml", POLICY), file);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("router.kubernetesUrl: is required").contains("router.canaryHost: is required");
    }

    @Test
    void aSecretWrittenIntoTheEndpointFileIsRefusedWithoutRepeatingIt() throws Exception {
        Path file = endpoint.endpointFile(dir, "  credential: {token: hunter2-very-secret}\n", "");

        Cli.Result run = canary(write("policy.yaml", POLICY), file);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("router.credential.token: a secret is never read from the endpoint file")
                .contains("tokenEnv");
        assertThat(run.all()).doesNotContain("hunter2-very-secret");
    }

    @Test
    void aCredentialVariableThatIsNotSetIsBadInputNamingTheField() throws Exception {
        Path file = endpoint.endpointFile(dir, "  credential: {tokenEnv: ROUTER_TOKEN}\n", "");

        Cli.Result run = canary(write("policy.yaml", POLICY), file);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("router.credential.tokenEnv: the environment variable ROUTER_TOKEN is not set or is empty");
        assertNothingMoved();
    }

    @Test
    void aPolicyForAnotherEndpointIsRefused() throws Exception {
        Path policy = write("policy.yaml", POLICY.replace("endpoint: fraud-scorer", "endpoint: churn-model"));

        Cli.Result run = canary(policy, endpoint.endpointFile(dir, "", ""));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err())
                .contains("endpoint: the policy is for 'churn-model' but the endpoint file describes 'fraud-scorer'");
    }

    @Test
    void aPolicyThatLowersTheEndpointsQuorumIsRefusedWithItsPath() throws Exception {
        Path policy = write("policy.yaml", POLICY + "signOff: {approvers: [bob], quorum: 1}\n");
        Path file = endpoint.endpointFile(dir, "", "signOff: {approvers: [alice], minimumQuorum: 2}\n");

        Cli.Result run = canary(policy, file);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("signOff.quorum: 1 is below the endpoint's minimum of 2");
    }

    /** {@code canary} with a new state file and {@code extra} arguments. */
    private Cli.Result startCanary(Path state, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "canary",
                "--policy",
                write("policy.yaml", POLICY).toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString()));
        args.addAll(List.of(extra));
        return Cli.run(endpoint.environment(), args.toArray(String[]::new));
    }

    @Test
    void startingWithoutACandidateIsBadInput() throws Exception {
        Path state = dir.resolve("state.json");
        Cli.Result run = startCanary(state);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--candidate: is required to start a rollout");
        assertThat(state).doesNotExist();
    }

    @Test
    void aCandidateNameThatWouldBreakOutOfAQueryIsBadInput() throws Exception {
        Path state = dir.resolve("state.json");
        Cli.Result run = startCanary(state, "--candidate", "v2\"} or vector(1) #");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--candidate: must not contain quotes, backslashes, backticks, line breaks");
        assertThat(state).doesNotExist();
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void badSlicesForTheSimulatorAreBadInputNamingTheOption() {
        Cli.Result unweighable = Cli.run(endpoint.environment(), "simulator", "--slices", "region=us-east:x");
        Cli.Result alone = Cli.run(endpoint.environment(), "simulator", "--regress-slice", "eu-west");
        Cli.Result unknown = Cli.run(
                endpoint.environment(), "simulator", "--slices", "region=us-east", "--regress-slice", "eu-west");

        assertThat(unweighable.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unweighable.err()).contains("--slices: the weight of slice us-east is not a number: 'x'");
        assertThat(alone.err()).contains("--regress-slice: needs --slices to say which slices there are");
        assertThat(unknown.err()).contains("--regress-slice: the regressed slice eu-west is not one of [us-east]");
    }

    @Test
    void aStateFileThatIsNotAStateIsBadInput() throws Exception {
        Path state = write("state.json", "{\"hello\": 1}");
        Cli.Result run = Cli.run(
                endpoint.environment(),
                "canary",
                "--policy",
                write("policy.yaml", POLICY).toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--state: ").contains("not a rollout state");
    }

    @Test
    void aMissingPolicyFileIsBadInput() throws Exception {
        Cli.Result run = canary(dir.resolve("nope.yaml"), endpoint.endpointFile(dir, "", ""));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--policy: no such file: " + dir.resolve("nope.yaml"));
    }

    @Test
    void aMissingRequiredFlagIsBadInput() {
        Cli.Result run = Cli.run(endpoint.environment(), "canary", "--state", "x.json");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("Missing required option").contains("--endpoint");
        Cli.Result noPolicy = Cli.run(endpoint.environment(), "canary", "--state", "x.json", "--endpoint", "e.yaml");
        assertThat(noPolicy.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noPolicy.err()).contains("--policy").contains("is required");
    }

    private Cli.Result canary(Path policy, Path endpointFile) {
        return Cli.run(
                endpoint.environment(),
                "canary",
                "--policy",
                policy.toString(),
                "--state",
                dir.resolve("state.json").toString(),
                "--endpoint",
                endpointFile.toString(),
                "--candidate",
                "v2");
    }

    /** A blank starter is nobody: the log would say 'started by ' and no signer would count as the author. */
    @Test
    void aBlankStartedByIsRefusedBeforeAnythingMoves() throws Exception {
        Cli.Result run = Cli.run(
                endpoint.environment(),
                "canary",
                "--policy",
                write("policy.yaml", POLICY).toString(),
                "--state",
                dir.resolve("state.json").toString(),
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString(),
                "--candidate",
                "v2",
                "--started-by",
                " ");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--started-by: is blank: give the user id of who starts the rollout");
        assertThat(dir.resolve("state.json")).doesNotExist();
        assertNothingMoved();
    }

    @Test
    void planRefusesAWindowOfFewerThanTwoIntervalsBeforeContactingAnything() throws Exception {
        Path policy = write("policy.yaml", POLICY);

        Cli.Result run = Cli.run(
                endpoint.environment(),
                "plan",
                policy.toString(),
                "--endpoint",
                endpoint.endpointFile(dir, "", "").toString(),
                "--window",
                "90s");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--window: 90s holds 1 analysis interval of 1m; a plan reads 2 to 1440");
        assertThat(endpoint.metricsCredentials).isEmpty(); // no metrics source was made
    }

    @Test
    void replayRefusesTimesItCannotReadAndAMissingModeBeforeContactingAnything() throws Exception {
        Path policy = write("policy.yaml", POLICY);
        String endpointFile = endpoint.endpointFile(dir, "", "").toString();

        Cli.Result yesterday = Cli.run(
                endpoint.environment(),
                "replay",
                policy.toString(),
                "--endpoint",
                endpointFile,
                "--from",
                "yesterday",
                "--aa",
                "v1");
        Cli.Result backwards = Cli.run(
                endpoint.environment(),
                "replay",
                policy.toString(),
                "--endpoint",
                endpointFile,
                "--from",
                "2026-12-01T10:00:00Z",
                "--to",
                "2026-12-01T09:00:00Z",
                "--baseline",
                "v1",
                "--candidate",
                "v2");
        Cli.Result noMode = Cli.run(
                endpoint.environment(), "replay", policy.toString(), "--endpoint", endpointFile, "--from", "1h");
        Cli.Result tooManySplits = Cli.run(
                endpoint.environment(),
                "replay",
                policy.toString(),
                "--endpoint",
                endpointFile,
                "--from",
                "1h",
                "--aa",
                "v1",
                "--splits",
                "1000");

        assertThat(yesterday.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(yesterday.err())
                .contains("--from: 'yesterday' is neither an ISO-8601 instant (2026-12-01T10:00:00Z), a duration ago"
                        + " (2h), nor now");
        assertThat(backwards.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(backwards.err()).contains("--to: 2026-12-01T09:00:00Z is not after --from 2026-12-01T10:00:00Z");
        assertThat(noMode.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noMode.err()).contains("--aa").contains("--baseline");
        assertThat(tooManySplits.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(tooManySplits.err()).contains("--splits: 1000 is not 1..200");
        assertThat(endpoint.metricsCredentials).isEmpty(); // no metrics source was made
    }

    @Test
    void replayRefusesFlagsThatCannotMeanWhatTheySayBeforeContactingAnything() throws Exception {
        String policy = write("policy.yaml", POLICY).toString();
        String endpointFile = endpoint.endpointFile(dir, "", "").toString();
        String future = endpoint.now().plusSeconds(3600).toString();

        Cli.Result sameVersion = Cli.run(
                endpoint.environment(),
                "replay",
                policy,
                "--endpoint",
                endpointFile,
                "--from",
                "1h",
                "--baseline",
                "v1",
                "--candidate",
                "v1");
        Cli.Result podsWithoutAa = Cli.run(
                endpoint.environment(),
                "replay",
                policy,
                "--endpoint",
                endpointFile,
                "--from",
                "1h",
                "--baseline",
                "v1",
                "--candidate",
                "v2",
                "--splits",
                "50");
        Cli.Result toInTheFuture = Cli.run(
                endpoint.environment(),
                "replay",
                policy,
                "--endpoint",
                endpointFile,
                "--from",
                "1h",
                "--to",
                future,
                "--baseline",
                "v1",
                "--candidate",
                "v2");

        assertThat(sameVersion.exitCode()).as(sameVersion.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(sameVersion.err()).contains("--candidate: v1 is also the --baseline");
        assertThat(podsWithoutAa.exitCode()).as(podsWithoutAa.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(podsWithoutAa.err()).contains("--splits: only an A/A replay (--aa) splits pods");
        assertThat(toInTheFuture.exitCode()).as(toInTheFuture.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(toInTheFuture.err()).contains("--to: " + future + " is after now");
        assertThat(endpoint.metricsCredentials).isEmpty(); // no metrics source was made
    }

    @Test
    void replayRefusesAPodLabelThatIsNotALabelNameBeforeAskingPrometheus() throws Exception {
        // The label goes into the query for the version's pods; Prometheus refuses the query as a parse error.
        try (MockWebServer prometheus = new MockWebServer()) {
            prometheus.enqueue(new MockResponse.Builder()
                    .code(400)
                    .body("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:16: parse error:"
                            + " unexpected character inside braces: '-'\"}")
                    .build());
            prometheus.start(0);
            Cli.Result run = replayAgainst(prometheus, "--aa", "v1", "--pod-label", "kubernetes-pod");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(run.err()).contains("--pod-label: 'kubernetes-pod' is not a Prometheus label name");
            assertThat(prometheus.getRequestCount()).isZero();
        }
    }

    @Test
    void replayRefusesANamedPodThatServedNothingInTheWindowBeforeJudgingAnySplit() throws Exception {
        // A typo in --pods would be judged as a group without data: every split inconclusive, none a finding.
        try (MockWebServer prometheus = new MockWebServer()) {
            answerVector(
                    prometheus,
                    "{\"metric\":{\"pod\":\"scorer-v1-0\"},\"value\":[1764000000,\"4\"]},"
                            + "{\"metric\":{\"pod\":\"scorer-v1-1\"},\"value\":[1764000000,\"4\"]}");
            prometheus.start(0);
            Cli.Result run = replayAgainst(prometheus, "--aa", "v1", "--pods", "scorer-v1-0,scorer-v1-l");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(run.err())
                    .contains("--pods: scorer-v1-l served no requests of v1 between ")
                    .contains("(Prometheus saw scorer-v1-0, scorer-v1-1)");
            assertThat(prometheus.getRequestCount())
                    .as("only the pods were asked for")
                    .isEqualTo(1);
        }
    }

    @Test
    void replayRefusesAVersionPrometheusHasNoSeriesOfInTheWindow() throws Exception {
        // A misspelt candidate was judged as no data and reported as an inconclusive rollback of a rollout.
        try (MockWebServer prometheus = new MockWebServer()) {
            answerVector(prometheus, "{\"metric\":{},\"value\":[1764000000,\"3\"]}");
            answerVector(prometheus, "");
            prometheus.start(0);
            Cli.Result run = replayAgainst(prometheus, "--baseline", "v1", "--candidate", "v2-typo");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(run.err())
                    .contains("--candidate: v2-typo has no series of error-rate between ")
                    .contains(": Prometheus did not see that version then, or no longer keeps that window");
            assertThat(prometheus.getRequestCount())
                    .as("one question per version, no look")
                    .isEqualTo(2);
        }
    }

    /** Queues one instant-query answer of {@code prometheus}: a vector of {@code results} (JSON objects, joined). */
    private static void answerVector(MockWebServer prometheus, String results) {
        prometheus.enqueue(new MockResponse.Builder()
                .body("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + results + "]}}")
                .build());
    }

    /** {@code replay POLICY --from 1h} and {@code flags}, reading {@code prometheus}, which is asked each query once. */
    private Cli.Result replayAgainst(MockWebServer prometheus, String... flags) throws Exception {
        Path endpointFile = write(
                "endpoint.yaml",
                "name: fraud-scorer\nrouter: {type: webhook, url: 'http://127.0.0.1:9/'}\n" + "prometheus: {url: '"
                        + prometheus.url("/") + "', attempts: 1}\n");
        List<String> args = new ArrayList<>(List.of(
                "replay",
                write("policy.yaml", POLICY).toString(),
                "--endpoint",
                endpointFile.toString(),
                "--from",
                "1h"));
        args.addAll(List.of(flags));
        return Cli.run(
                new Environment(
                        Map.of(),
                        endpoint.environment().time(),
                        Environment.system().metrics()),
                args.toArray(String[]::new));
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private void assertNothingMoved() {
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }
}
