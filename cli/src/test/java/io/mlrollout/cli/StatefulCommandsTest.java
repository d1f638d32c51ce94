package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.analysis.MetricEvidence;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.audit.Sha256;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.RolloutStateCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands a CI outside Jenkins runs, one process after another on one state file, against the simulator through
 * the real webhook router, in simulated time that goes on between the runs.
 */
class StatefulCommandsTest {

    static final String GATED_POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 5m}
              - {weight: 25, bake: 5m, signOff: true}
              - {weight: 50, bake: 5m}
            analysis: {interval: 1m, minRequests: 500, score: {pass: 100, marginal: 80}}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 2%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 20%}
            signOff: {approvers: [ml-risk], quorum: 2}
            promote: {bake: 3m, signOff: false}
            """;

    static final String PLAIN_POLICY = """
            stages:
              - {weight: 10, bake: 5m}
              - {weight: 50, bake: 5m}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, critical: true}
            promote: {bake: 2m}
            """;

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path endpointFile;
    private Path state;

    @BeforeEach
    void simulator() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        endpointFile = endpoint.endpointFile(dir, "", "signOff: {approvers: [alice], minimumQuorum: 0}\n");
        state = dir.resolve("rollout").resolve("state.json");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void canaryThenApprovalsThenCanaryThenPromote() throws Exception {
        Path policy = policy(GATED_POLICY);

        Cli.Result canary = run("canary", policy, "--candidate", "v2", "--started-by", "carol");
        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(canary.out())
                .contains("[ml-rollout] SIGN-OFF NEEDED for stage 2/3 (25%)")
                .contains("approve: mlrollout approve --policy " + policy + " --state " + state);
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(25);
        assertThat(saved().phase()).isEqualTo(Phase.AWAITING_SIGNOFF);

        Cli.Result self = run("approve", policy, "--user", "carol", "--comment", "mine, so fine");
        assertThat(self.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(self.err()).contains("carol is not one of the approvers");

        endpoint.pause(Duration.ofMinutes(10));
        Cli.Result alice = run("approve", policy, "--user", "alice", "--comment", "25% looks like 5%");
        assertThat(alice.exitCode()).as(alice.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        assertThat(alice.out()).contains("approve by alice (1 of 2): \"25% looks like 5%\"");

        Cli.Result again = run("approve", policy, "--user", "alice", "--comment", "still fine");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("alice already signed").contains("each person signs once");

        Cli.Result bob = run("approve", policy, "--user", "bob", "--group", "ml-risk", "--comment", "ok for 50%");
        assertThat(bob.exitCode()).as(bob.toString()).isZero();
        assertThat(bob.out())
                .contains("settled: approved by alice, bob")
                .contains("stage 3: traffic now v1 50% / v2 50%");
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(50);
        assertThat(saved().phase()).isEqualTo(Phase.BAKING);

        Cli.Result resumed = run("canary", policy);
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("CANARY PASSED at 50%").contains("Promote with: mlrollout promote");

        Cli.Result promote = run("promote", policy, "--by", "release-bot");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.out())
                .contains("promoting (requested by release-bot)")
                .contains("PROMOTED");
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(100);

        Cli.Result status = run("status", policy);
        assertThat(status.exitCode()).isZero();
        assertThat(status.out())
                .contains("phase     promoted")
                .contains("verdict   stage 1 (5%) PASS")
                .contains("verdict   stage 3 (50%) PASS")
                .contains("evidence  ");

        RolloutFiles files = RolloutFiles.beside(state);
        assertThat(EvidenceVerifier.verify(files.evidence()).intact()).isTrue();
        List<RolloutEvent> events = files.events();
        assertThat(events.stream().filter(RolloutEvent.Started.class::isInstance))
                .hasSize(1);
        assertThat(events.stream().filter(RolloutEvent.SignatureRefused.class::isInstance))
                .hasSize(2);
        assertThat(files.reportHtml()).exists();
        assertThat(Files.readString(files.reportHtml())).contains("25% looks like 5%");
    }

    @Test
    void statusShowsAUsersTextOnItsOwnLineWithItsLineBreaksAndControlCharactersEscaped() throws Exception {
        Path policy = policy(GATED_POLICY);
        run("canary", policy, "--candidate", "v2");
        // A comment that would forge a status line, and an escape sequence that would retitle the terminal.
        String comment = "fine\nphase     promoted since 2026-11-23T10:00:00Z\u001b]0;owned\u0007";
        Cli.Result alice = run("approve", policy, "--user", "alice", "--comment", comment);
        assertThat(alice.exitCode()).as(alice.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);

        Cli.Result status = run("status", policy);

        assertThat(status.out())
                .as(status.toString())
                .doesNotContain("\nphase     promoted")
                .doesNotContain("\u001b")
                .contains("\"fine\\nphase     promoted since 2026-11-23T10:00:00Z\\u001b]0;owned\\u0007\"");
        Cli.Result rollback =
                run("rollback", policy, "--reason", "done\nPromoted: v2 serves all traffic", "--by", "dave");
        assertThat(rollback.out())
                .as(rollback.toString())
                .doesNotContain("\nPromoted: v2")
                .contains("Rolled back: done\\nPromoted: v2 serves all traffic (requested by dave)");
        assertThat(run("status", policy).out()).contains("reason    done\\nPromoted: v2 serves all traffic");
    }

    /** A real clock has milliseconds or finer; status writes its times to the second, as the log and refusals do. */
    @Test
    void statusWritesEveryTimeToTheSecond() throws Exception {
        Path policy = policy(PLAIN_POLICY);
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(2)));
        run("canary", policy, "--candidate", "v2", "--started-by", "carol");
        String saved = Files.readString(state);
        Files.writeString(
                state, saved.replaceAll("\"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)Z\"", "\"$1.250123Z\""));

        Cli.Result status = run("status", policy);

        assertThat(status.out())
                .as(status.toString())
                .contains("started by carol at 2026-11-23T10:00:00Z")
                .contains("phase     baking since ")
                .contains("bake      ")
                .doesNotContainPattern("\\d\\.\\d+Z");
    }

    @Test
    void aRunDroppedMidBakeResumesExactlyWhereItStopped() throws Exception {
        Path policy = policy(PLAIN_POLICY);

        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofSeconds(150)));
        Cli.Result first = run("canary", policy, "--candidate", "v2");
        assertThat(first.out()).contains("Now baking");
        assertThat(saved().phase()).isEqualTo(Phase.BAKING);
        Instant stoppedAt = endpoint.now();

        endpoint.pause(Duration.ofMinutes(4));
        Cli.Result second = run("canary", policy);

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("resuming the rollout of v2").contains("CANARY PASSED at 50%");
        List<RolloutEvent> events = RolloutFiles.beside(state).events();
        List<Window> stageOne = events.stream()
                .filter(RolloutEvent.Looked.class::isInstance)
                .map(RolloutEvent.Looked.class::cast)
                .filter(look -> look.stage() == 1)
                .map(RolloutEvent.Looked::window)
                .toList();
        // The bake clock is absolute: one window per minute of the stage (five, and more if it baked on for evidence),
        // none lost or read twice across the drop.
        assertThat(stageOne).hasSizeGreaterThanOrEqualTo(5);
        List<Instant> ends = new ArrayList<>();
        for (int minute = 1; minute <= stageOne.size(); minute++) {
            ends.add(SimulatedEndpoint.T0.plus(Duration.ofMinutes(minute)));
        }
        assertThat(stageOne).extracting(Window::end).containsExactlyElementsOf(ends);
        for (int i = 1; i < stageOne.size(); i++) {
            assertThat(stageOne.get(i).start()).isEqualTo(stageOne.get(i - 1).end());
        }
        assertThat(events.stream().filter(RolloutEvent.Started.class::isInstance))
                .hasSize(1);
        // the looks after the drop were read when the process came back, not before
        assertThat(events.stream()
                        .filter(RolloutEvent.Looked.class::isInstance)
                        .filter(e -> ((RolloutEvent.Looked) e).window().end().equals(ends.get(4))))
                .allSatisfy(e -> assertThat(e.at()).isAfter(stoppedAt));
    }

    /** The judge starts with what the plan's hour of the baseline showed of its drift, and saves it with the state. */
    @Test
    void theJudgeLearnsTheBaselinesDriftFromThePlansHour() throws Exception {
        Path policy = policy(PLAIN_POLICY);
        endpoint.withHistoryBeforeT0().dropAt(SimulatedEndpoint.T0.plus(Duration.ofSeconds(150)));

        Cli.Result first = run("canary", policy, "--candidate", "v2");

        assertThat(first.out())
                .as(first.toString())
                .contains("plan: the baseline v1 over the last 60 min, error-rate: 60000 requests/min, 1.00% bad");
        MetricEvidence.Ratio errors =
                (MetricEvidence.Ratio) saved().judge().metrics().get("error-rate");
        // 60 minutes of history give 58 neighbouring pairs, the stage's first looks a few more
        assertThat(errors.relative().baselineSerial().pairs()).isGreaterThanOrEqualTo(58);
        assertThat(errors.relative().baselineSerial().lagProducts()).isPositive();
    }

    @Test
    void aRejectionRollsBackAtOnce() throws Exception {
        Path policy = policy(GATED_POLICY);
        assertThat(run("canary", policy, "--candidate", "v2").exitCode()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);

        Cli.Result reject = run("reject", policy, "--user", "alice", "--comment", "not convinced");

        assertThat(reject.exitCode()).as(reject.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertThat(saved().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(saved().reason()).isEqualTo("rejected by alice: not convinced");
        Cli.Result canaryAgain = run("canary", policy);
        assertThat(canaryAgain.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(canaryAgain.out()).contains("has already ended").contains("Rolled back: rejected by alice");
    }

    @Test
    void aRolloutAtRestSealsItsEvidenceAndTheStateAndReportRecordTheHead() throws Exception {
        Path policy = rejectedRollout();
        RolloutFiles files = RolloutFiles.beside(state);

        EvidenceVerifier.Result chain = EvidenceVerifier.verify(files.evidence());
        assertThat(chain.sealed()).isTrue();
        assertThat(files.recordedHead()).hasValueSatisfying(head -> {
            assertThat(head.head()).isEqualTo(chain.head());
            assertThat(head.sealed()).isTrue();
        });
        assertThat(Files.readString(files.reportHtml())).contains(chain.head());
        run("canary", policy);
        assertThat(EvidenceVerifier.verify(files.evidence()).head())
                .as("sealed once")
                .isEqualTo(chain.head());

        List<String> lines = Files.readAllLines(files.evidence());
        Files.write(files.evidence(), lines.subList(0, lines.size() - 2));
        Cli.Result status = run("status", policy);
        assertThat(status.out()).contains("not sealed").contains("BUT the state file recorded head " + chain.head());
    }

    @Test
    void anEventWrittenIntoASealLineIsNeitherShownNorTakenForEvidence() throws Exception {
        Path policy = rejectedRollout();
        RolloutFiles files = RolloutFiles.beside(state);
        List<String> lines = new ArrayList<>(Files.readAllLines(files.evidence()));
        int seal = lines.size() - 1;
        ObjectNode sealLine = (ObjectNode) Json.mapper().readTree(lines.get(seal));
        sealLine.set(
                "event",
                Json.mapper()
                        .valueToTree(new RolloutEvent.WindowOpened(Instant.now(), "stage 2", "mallory", "forged")));
        lines.set(seal, sealLine.toString());
        Files.write(files.evidence(), lines);

        Cli.Result status = run("status", policy);

        assertThat(status.out())
                .doesNotContain("mallory")
                .contains("BROKEN at line " + (seal + 1) + ": has fields its hash does not cover [event]");
        assertThat(files.events()).noneMatch(RolloutEvent.WindowOpened.class::isInstance);
    }

    @Test
    void aRefusedRequestToAFinishedRolloutIsRecordedAndTheEvidenceSealedAgain() throws Exception {
        Path policy = rejectedRollout();
        RolloutFiles files = RolloutFiles.beside(state);
        String restingHead = EvidenceVerifier.verify(files.evidence()).head();

        assertThat(run("promote", policy).exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run("approve", policy, "--user", "bob", "--comment", "late").exitCode())
                .isEqualTo(ExitCodes.BAD_INPUT);

        EvidenceVerifier.Result chain = EvidenceVerifier.verify(files.evidence());
        assertThat(chain.sealed()).isTrue();
        assertThat(chain.head()).isNotEqualTo(restingHead);
        assertThat(files.events())
                .anyMatch(RolloutEvent.Ignored.class::isInstance)
                .anyMatch(RolloutEvent.SignatureRefused.class::isInstance);
        assertThat(files.recordedHead()).hasValueSatisfying(head -> {
            assertThat(head.head()).isEqualTo(chain.head());
            assertThat(head.sealed()).isTrue();
        });
        assertThat(saved().phase()).isEqualTo(Phase.ROLLED_BACK);
    }

    @Test
    void promoteBeforeTheCanaryPassedIsRefusedAndChangesNothing() throws Exception {
        Path policy = policy(GATED_POLICY);
        run("canary", policy, "--candidate", "v2");
        RolloutState before = saved();

        Cli.Result promote = run("promote", policy);

        assertThat(promote.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(promote.err())
                .contains("cannot promote: the canary has not passed (the rollout is awaiting signoff)");
        assertThat(saved()).isEqualTo(before);
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(25);
        assertThat(RolloutFiles.beside(state).events()).last().isInstanceOf(RolloutEvent.Ignored.class);
    }

    @Test
    void aCommandWithoutTheKeyThatSealedTheEvidenceIsRefusedBeforeItSealsAgain() throws Exception {
        Path policy = policy(PLAIN_POLICY);
        Path key = Files.writeString(dir.resolve("evidence.key"), "a key of thirty-two bytes, no less\n");
        Path otherKey = Files.writeString(dir.resolve("other.key"), "another key of thirty-two bytes!!\n");
        Cli.Result canary = run("canary", policy, "--candidate", "v2", "--seal-key", key.toString());
        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        String refusal = "--seal-key: the evidence of the rollout in " + state + " was sealed with key "
                + SealKey.fromFile(key).fingerprint() + "; give every command on the rollout that key";
        RolloutState passed = saved();

        Cli.Result withoutKey = run("promote", policy, "--by", "release-bot");
        Cli.Result withOtherKey = run("promote", policy, "--by", "release-bot", "--seal-key", otherKey.toString());

        for (Cli.Result refused : List.of(withoutKey, withOtherKey)) {
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(refused.err()).contains(refusal);
        }
        assertThat(saved()).isEqualTo(passed);
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(50);
        // The promotion's gate leaves the evidence unsealed: the key that sealed it last still counts.
        Cli.Result promote = run("promote", policy, "--by", "release-bot", "--seal-key", key.toString());
        assertThat(promote.exitCode()).as(promote.toString()).isEqualTo(ExitCodes.AWAITING_SIGNOFF);
        Cli.Result approveWithoutKey = run("approve", policy, "--user", "alice", "--comment", "ship it");
        assertThat(approveWithoutKey.exitCode())
                .as(approveWithoutKey.toString())
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(approveWithoutKey.err()).contains(refusal);
        Cli.Result approve =
                run("approve", policy, "--user", "alice", "--comment", "ship it", "--seal-key", key.toString());
        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        Cli.Result promoted = run("promote", policy, "--by", "release-bot", "--seal-key", key.toString());
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(EvidenceVerifier.verify(RolloutFiles.beside(state).evidence(), Optional.of(SealKey.fromFile(key)))
                        .sealing())
                .isEqualTo(EvidenceVerifier.Sealing.SEALED_WITH_KEY);
    }

    @Test
    void rollbackWithAStateFileRollsTheRolloutBackAndRecordsWhoAndWhy() throws Exception {
        Path policy = startedOnTheFirstStage();
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);

        Cli.Result rollback = run("rollback", policy, "--reason", "pipeline failed", "--by", "dave");

        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertThat(saved().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(saved().reason()).isEqualTo("pipeline failed (requested by dave)");
        Cli.Result again = run("rollback", policy);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("rollback by").contains("ignored: already rolled back");
    }

    @Test
    void rollbackWithoutAStateFileSetsTheRouterToZeroAndIsIdempotent() {
        endpoint.simulator.setSplit(30);

        Cli.Result first = Cli.run(endpoint.environment(), "rollback", "--endpoint", endpointFile.toString());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out())
                .contains("reports v1 70% / v2 30%")
                .contains("ROLLED BACK: traffic now v1 100% / v2 0%");
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();

        Cli.Result second = Cli.run(endpoint.environment(), "rollback", "--endpoint", endpointFile.toString());
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("already rolled back: all traffic is on v1");
    }

    /**
     * An evidence file whose last line was cut short (a crash or a full disk while it was written) cannot be continued:
     * the command says which file and line, and how to move the traffic back without the rollout's files.
     */
    @Test
    void aRollbackOnEvidenceCutMidLineNamesTheLineAndTheRollbackThatNeedsNoFiles() throws Exception {
        Path policy = startedOnTheFirstStage();
        Path evidence = RolloutFiles.beside(state).evidence();
        byte[] written = Files.readAllBytes(evidence);
        Files.write(evidence, java.util.Arrays.copyOf(written, written.length - 40));
        long lines = Files.readAllLines(evidence).size();

        Cli.Result rollback = run("rollback", policy, "--reason", "pipeline failed");

        assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(rollback.err())
                .contains(evidence + " line " + lines + " is not valid JSON")
                .contains("mlrollout rollback --endpoint " + endpointFile);
    }

    /** A router that refuses the move says so as a failed rollback, with the split it last reported. */
    @Test
    void rollbackWithoutAStateFileThatTheRouterFailsSaysRollbackFailedWithTheSplitLastReported() throws Exception {
        try (MockWebServer router = new MockWebServer()) {
            router.enqueue(new MockResponse.Builder()
                    .code(200)
                    .body("{\"baseline\":\"v1\",\"canary\":\"v2\",\"canaryWeight\":30,\"ready\":true}")
                    .build());
            router.enqueue(
                    new MockResponse.Builder().code(503).body("upstream down").build());
            router.start(0);
            Path file = dir.resolve("broken-router.yaml");
            Files.writeString(
                    file,
                    "name: fraud-scorer\nrouter: {type: webhook, url: '" + router.url("/") + "', attempts: 1}\n"
                            + "prometheus: {url: 'http://127.0.0.1:9/'}\n");

            Cli.Result rollback = Cli.run(endpoint.environment(), "rollback", "--endpoint", file.toString());

            assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(rollback.out())
                    .contains("ROLLBACK FAILED")
                    .contains("answered 503: upstream down")
                    .contains("the router last reported v1 70% / v2 30%");
        }
    }

    @Test
    void aRolloutDoesNotGoOnUnderAnEditedPolicy() throws Exception {
        Path policy = startedOnTheFirstStage();
        RolloutState before = saved();
        Files.writeString(policy, PLAIN_POLICY.replace("{weight: 50, bake: 5m}", "{weight: 60, bake: 5m}"));

        Cli.Result resumed = run("canary", policy);

        assertThat(resumed.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(resumed.err()).contains("differs from the policy the rollout in " + state + " started with");
        assertThat(saved()).isEqualTo(before);

        // Without the kept copy, the digest the evidence recorded at the start still holds the rollout to its policy.
        Files.delete(RolloutFiles.beside(state).policyAtStart());
        Cli.Result unkept = run("canary", policy);

        assertThat(unkept.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unkept.err()).contains("was changed or removed after the start");
        assertThat(saved()).isEqualTo(before);
    }

    @Test
    void aLoosenedMarginDoesNotJudgeTheRestOfARolloutAndThePackKeepsThePolicyItStartedWith() throws Exception {
        Path policy = startedOnTheFirstStage();
        RolloutState before = saved();
        String started = Files.readString(policy);
        Path kept = RolloutFiles.beside(state).policyAtStart();
        // The same stages and metrics, a margin four times as wide: the rollout would go on judged by other rules.
        Files.writeString(policy, started.replace("maxIncrease: 20%", "maxIncrease: 80%"));

        Cli.Result loosened = run("canary", policy);

        assertThat(loosened.exitCode()).as(loosened.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(loosened.err())
                .contains(
                        "differs from the policy the rollout in " + state + " started with, which is kept in " + kept);
        assertThat(saved()).isEqualTo(before);
        assertThat(Files.readString(kept)).isEqualTo(started);

        Cli.Result rollback = run("rollback", kept, "--reason", "margin edited");

        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(policyInThePack()).isEqualTo(started);
    }

    @Test
    void aKeptPolicyEditedAfterTheStartIsRefusedWhileTheFileTheRolloutStartedWithGoesOn() throws Exception {
        Path policy = startedOnTheFirstStage();
        RolloutState before = saved();
        String started = Files.readString(policy);
        Path kept = RolloutFiles.beside(state).policyAtStart();
        // The copy the tool suggests going on with is edited: a margin four times as wide.
        Files.writeString(kept, started.replace("maxIncrease: 20%", "maxIncrease: 80%"));

        Cli.Result edited = run("canary", kept);

        assertThat(edited.exitCode()).as(edited.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(edited.err())
                .contains("differs from the policy the rollout in " + state + " started with (sha256 "
                        + Sha256.hex(started.getBytes(StandardCharsets.UTF_8)))
                .contains("the copy kept in " + kept + " was changed or removed after the start");
        assertThat(saved()).isEqualTo(before);

        Cli.Result rollback = run("rollback", policy, "--reason", "kept copy edited");

        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(policyInThePack()).isEqualTo(started);
        Cli.Result verified = Cli.run(
                endpoint.environment(),
                "verify-evidence",
                RolloutFiles.beside(state).pack().toString());
        assertThat(verified.exitCode()).as(verified.toString()).isZero();
    }

    /** The policy the rollout's evidence pack holds. */
    private String policyInThePack() throws java.io.IOException {
        try (ZipFile pack = new ZipFile(RolloutFiles.beside(state).pack().toFile())) {
            return new String(pack.getInputStream(pack.getEntry("policy.yaml")).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void statusOfADamagedEvidenceFileShowsTheStateAndWhereTheFileBroke() throws Exception {
        Path policy = rejectedRollout();
        Path evidence = RolloutFiles.beside(state).evidence();
        List<String> lines = new ArrayList<>(Files.readAllLines(evidence));
        lines.set(1, lines.get(1).substring(0, 30));
        Files.write(evidence, lines);

        Cli.Result status = run("status", policy);

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("phase     rolled back")
                .contains("BROKEN at line 2: not valid JSON: the line was edited or damaged");
    }

    @Test
    void statusWithoutAStateFileIsBadInput() {
        Cli.Result status = Cli.run(endpoint.environment(), "status", "--state", state.toString());

        assertThat(status.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(status.err()).contains("--state: no rollout in");
    }

    /** A gated canary that alice rejected: rolled back, its evidence sealed. */
    private Path rejectedRollout() throws Exception {
        Path policy = policy(GATED_POLICY);
        run("canary", policy, "--candidate", "v2");
        run("reject", policy, "--user", "alice", "--comment", "not convinced");
        return policy;
    }

    private Cli.Result run(String command, Path policy, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                command,
                "--policy",
                policy.toString(),
                "--state",
                state.toString(),
                "--endpoint",
                endpointFile.toString()));
        args.addAll(List.of(extra));
        return Cli.run(endpoint.environment(), args.toArray(String[]::new));
    }

    /**
     * Starts v2 under {@link #PLAIN_POLICY} and drops the command two minutes in (as if its process died), leaving the
     * rollout on its first stage with its state file; the policy file it started with.
     */
    private Path startedOnTheFirstStage() throws Exception {
        Path policy = policy(PLAIN_POLICY);
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(2)));
        run("canary", policy, "--candidate", "v2");
        return policy;
    }

    private Path policy(String yaml) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private RolloutState saved() throws Exception {
        return RolloutStateCodec.read(Files.readString(state));
    }
}
