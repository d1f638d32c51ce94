package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.T0;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import hudson.AbortException;
import hudson.model.Result;
import io.mlrollout.core.analysis.MetricEvidence;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlCanary} driven through a step context, on virtual time, against the in-memory endpoint. */
class MlCanaryStepTest {

    @TempDir
    Path home;

    private StepFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private MlCanaryStep.Execution canary(FakeBuild build, FakeStepContext context, String policy) throws Exception {
        return started((MlCanaryStep.Execution) new MlCanaryStep(policy, "v2").start(context));
    }

    @Test
    void aHealthyCandidatePassesAndTheStepReturnsVerdictScoreStagesAndReport() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();

        canary(build, context, THREE_STAGES);
        assertThat(context.ended()).as("nothing ends before the timer runs").isFalse();
        fixture.runUntilEnded(context);

        assertThat(context.endings()).isEqualTo(1);
        assertThat(context.failure()).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.result().orElseThrow();
        assertThat(result)
                .containsEntry("verdict", "PASS")
                .containsEntry("endpoint", ENDPOINT)
                .containsEntry("candidate", "v2")
                .containsEntry(
                        "reportUrl", "https://jenkins.example/job/fraud-deploy/1/ml-rollout-fraud-scorer/report");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stages = (List<Map<String, Object>>) result.get("stages");
        assertThat(stages).extracting(s -> s.get("weight")).containsExactly(5, 25, 50);
        assertThat(stages).extracting(s -> s.get("verdict")).containsOnly("PASS");
        double lowest =
                stages.stream().mapToDouble(s -> (Double) s.get("score")).min().orElseThrow();
        assertThat((Double) result.get("score")).isEqualTo(lowest);
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
        assertThat(fixture.time.instant()).isEqualTo(T0.plus(Duration.ofMinutes(30)));

        String log = build.log();
        assertThat(log)
                .contains("[ml-rollout] rollout of v2 on fraud-scorer")
                .contains("[ml-rollout] CANARY PASSED at 50%")
                .containsPattern("\\[ml-rollout\\] evidence .*evidence.jsonl: \\d+ lines, head [0-9a-f]{64}, sealed\n");
        // the canary stays at 50% for mlPromote, so the endpoint stays held by this build
        assertThat(fixture.locks.holder(ENDPOINT))
                .hasValueSatisfying(h -> assertThat(h.build()).isEqualTo("fraud-deploy#1"));
    }

    @Test
    void theEvidenceFileIsAnIntactChainThatMatchesTheLogAndTheReportIsWritten() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        canary(build, context, THREE_STAGES);
        fixture.runUntilEnded(context);

        Path directory = build.directory.resolve("ml-rollout").resolve(ENDPOINT);
        EvidenceVerifier.Result check = EvidenceVerifier.verify(directory.resolve("evidence.jsonl"));
        assertThat(check.sealed()).isTrue();
        assertThat(build.log()).contains(": " + check.lines() + " lines, head " + check.head() + ", sealed");
        long logLines = build.log()
                .lines()
                .filter(l -> l.startsWith("[ml-rollout] ") && !l.startsWith("[ml-rollout] plan: "))
                .count(); // the plan comes before the rollout, and is not one of its events
        // every event is a log line, and the seal that ends the file is the log's last line, the head
        assertThat(check.lines()).isEqualTo(logLines);
        assertThat(Files.readString(directory.resolve("report.html")))
                .contains("<svg")
                .contains("canary passed");
    }

    @Test
    void theFirstLinesAreThePlanReadThroughTheRolloutsMetricsSource() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();

        canary(build, context, THREE_STAGES);

        List<String> lines = build.log().lines().toList();
        assertThat(lines.get(0)).startsWith("[ml-rollout] plan: the baseline v1 over the last 60 min, error-rate: ");
        assertThat(lines).anyMatch(l -> l.startsWith("[ml-rollout] plan: stage 3 (50%) error-rate: "));
        assertThat(fixture.serving.metricReads)
                .as("an hour of the baseline's windows")
                .isGreaterThanOrEqualTo(60);
        // the judge starts with what that hour shows of the baseline's drift: neighbouring minutes paired
        MetricEvidence.Ratio errors = (MetricEvidence.Ratio)
                build.action(ENDPOINT).state().judge().metrics().get("error-rate");
        assertThat(errors.relative().baselineSerial().pairs()).isGreaterThanOrEqualTo(55);
        fixture.runUntilEnded(context);
        assertThat(context.failure()).isEmpty();
    }

    @Test
    void underPlanRefuseAStageThatCannotDecideRefusesBeforeAnyTrafficMoves() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        String tooShort = THREE_STAGES
                .replace("{weight: 5, bake: 10m}", "{weight: 1, bake: 1m}")
                .replace("minRequests: 500}", "minRequests: 500, plan: refuse}");

        canary(build, context, tooShort);
        fixture.runUntilEnded(context);

        assertThat(context.failure())
                .get()
                .isInstanceOf(AbortException.class)
                .extracting(Throwable::getMessage)
                .isEqualTo("mlCanary: the plan refused the rollout (analysis.plan: refuse); no traffic moved");
        assertThat(build.log())
                .contains("[ml-rollout] plan: WARNING: stage 1 (1%): error-rate needs ")
                .contains("[ml-rollout] plan: refused (analysis.plan: refuse)");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void aPlanThatCannotBeReadIsAWarningAndTheRolloutGoesOn() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        fixture.serving.metricsDown = true;

        canary(build, context, THREE_STAGES.replace("minRequests: 500}", "minRequests: 500, plan: refuse}"));

        assertThat(build.log())
                .startsWith("[ml-rollout] plan: WARNING: the baseline v1 could not be read for error-rate");
        fixture.runUntilEnded(context);
        // the rollout started: traffic moved, and the metrics that stayed down ended it in a rollback, not the plan
        assertThat(fixture.serving.shifts).as("the rollout started").startsWith(5);
    }

    @Test
    void aRegressionRollsBackAndFailsTheStepWithTheHumanReason() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        canary(build, context, THREE_STAGES);
        fixture.runFor(Duration.ofMinutes(11));
        fixture.serving.candidateErrorRate = 0.03;

        fixture.runUntilEnded(context);

        assertThat(context.result()).isEmpty();
        assertThat(context.failure())
                .get()
                .isInstanceOf(AbortException.class)
                .extracting(Throwable::getMessage)
                .asString()
                .startsWith("mlCanary: v2 on endpoint fraud-scorer was rolled back: stage 2 failed: error-rate FAIL");
        assertThat(fixture.serving.weight).isZero();
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 0);
        assertThat(build.log())
                .contains("[ml-rollout] ROLLING BACK: stage 2 failed")
                .contains("[ml-rollout] ROLLED BACK");
        assertThat(fixture.locks.holder(ENDPOINT))
                .as("a finished rollout lets the endpoint go")
                .isEmpty();
    }

    @Test
    void aBadPolicyFailsAtOnceWithEveryFieldPathAndMovesNothing() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        String bad = THREE_STAGES
                .replace("{weight: 25, bake: 10m}", "{weight: 120, bake: 10m}")
                .replace("maxIncrease: 15%", "maxIncrease: 15%, colour: red");

        assertThatThrownBy(() ->
                        new MlCanaryStep(bad, "v2").start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("nothing was moved")
                .hasMessageContaining("stages[1].weight: 120 is over 100")
                .hasMessageContaining("metrics[1]");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(fixture.serving.metricReads).isZero();
        assertThat(build.actions).isEmpty();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void anEndpointNobodyConfiguredIsRefusedNamingTheConfiguredOnes() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep step = new MlCanaryStep(THREE_STAGES, "v2");
        step.setEndpoint("churn-model");

        assertThatThrownBy(() -> step.start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("no endpoint named 'churn-model'")
                .hasMessageContaining("configured: fraud-scorer");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void aMissingCandidateIsRefusedByName() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");

        assertThatThrownBy(() -> new MlCanaryStep(THREE_STAGES, " ")
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("candidate: is required");
    }

    @Test
    void aCandidateNameThatWouldBreakOutOfAQueryIsRefusedBeforeAnythingMoves() {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");

        assertThatThrownBy(() -> new MlCanaryStep(THREE_STAGES, "v2\"} or vector(1) #")
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessage("candidate: must not contain quotes, backslashes, backticks, line breaks or other control"
                        + " characters: it is matched in Prometheus queries. Nothing was moved.");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void theStepsEndpointReplacesThePolicysAndTheLogSaysSo() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        MlCanaryStep step =
                new MlCanaryStep(THREE_STAGES.replace("endpoint: fraud-scorer", "endpoint: old-name"), "v2");
        step.setEndpoint(ENDPOINT);

        started(step.start(context));
        fixture.runUntilEnded(context);

        assertThat(build.log())
                .contains("[ml-rollout] the step's endpoint 'fraud-scorer' replaces the policy's 'old-name'");
        assertThat(context.result()).isPresent();
    }

    @Test
    void aDryRunReadsRouterAndMetricsOnceAndMovesNothing() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        MlCanaryStep step = new MlCanaryStep(THREE_STAGES, "v2");
        step.setDryRun(true);

        started(step.start(context));
        fixture.runUntilEnded(context);

        assertThat(context.result())
                .get()
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "DRY_RUN");
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(fixture.serving.metricReads).isPositive();
        assertThat(build.log()).contains("DRY RUN: no traffic will move");
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void abortingTheBuildRollsBackRecordsWhoAndThenFailsWithTheCause() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        MlCanaryStep.Execution execution = canary(build, context, THREE_STAGES);
        fixture.runFor(Duration.ofMinutes(12));
        FlowInterruptedException abort =
                new FlowInterruptedException(Result.ABORTED, true, new CauseOfInterruption.UserInterruption("erin"));

        execution.stop(abort);
        assertThat(context.ended())
                .as("the step waits for the rollback, which runs on the timer")
                .isFalse();
        fixture.runUntilEnded(context);

        assertThat(context.failure()).containsSame(abort);
        assertThat(context.endings()).isEqualTo(1);
        assertThat(fixture.serving.weight).isZero();
        assertThat(build.log())
                .contains("[ml-rollout] aborted by erin")
                .contains("[ml-rollout] ROLLING BACK: aborted by erin")
                .contains("[ml-rollout] ROLLED BACK");
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void aSecondAbortEndsTheStepWithoutWaiting() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        MlCanaryStep.Execution execution = canary(build, context, THREE_STAGES);
        fixture.runFor(Duration.ofMinutes(2));
        FlowInterruptedException first = new FlowInterruptedException(Result.ABORTED, true);
        FlowInterruptedException second = new FlowInterruptedException(Result.ABORTED, true);

        execution.stop(first);
        execution.stop(second);

        assertThat(context.failure()).containsSame(second);
        fixture.runFor(Duration.ofMinutes(1));
        assertThat(context.endings()).isEqualTo(1);
        assertThat(fixture.serving.weight)
                .as("the first abort's rollback still happened")
                .isZero();
    }

    @Test
    void startLeavesCredentialsTheEndpointsHoldAndTheBuildsRecordToThePluginsThreads() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        fixture.holdWork = true;

        started(new MlCanaryStep(THREE_STAGES, "v2").start(context));

        assertThat(fixture.connectors.credentials)
                .as("no credential looked up on the CPS thread")
                .isEmpty();
        assertThat(fixture.locks.holder(ENDPOINT))
                .as("no holder file written on the CPS thread")
                .isEmpty();
        verify(build.run, never()).save();
        assertThat(build.actions).isEmpty();

        fixture.runHeldWork();
        assertThat(fixture.connectors.credentials).hasSize(2);
        assertThat(fixture.locks.holder(ENDPOINT)).isPresent();
        verify(build.run, atLeastOnce()).save();
        fixture.runUntilEnded(context);
        assertThat(context.result()).isPresent();
    }

    @Test
    void aSecondCanaryOnABusyEndpointIsRefusedAtOnceNamingTheBuildThatHoldsIt() throws Exception {
        FakeBuild first = fixture.build("fraud-deploy", 1, "dave");
        canary(first, first.newContext(), THREE_STAGES);
        fixture.runFor(Duration.ofMinutes(3));
        FakeBuild second = fixture.build("fraud-smoke-tests", 7, "erin");

        FakeStepContext refused = second.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v3").start(refused));
        assertThat(refused.failure())
                .get()
                .isInstanceOf(AbortException.class)
                .extracting(Throwable::getMessage)
                .asString()
                .contains("endpoint 'fraud-scorer' is busy")
                .contains("build fraud-deploy #1");
        assertThat(second.actions).isEmpty();
        assertThat(fixture.serving.shifts).containsExactly(5);
    }

    @Test
    void anEndpointHeldByABuildThatIsNoLongerRunningIsReleasedAndTheLogSaysSo() throws Exception {
        FakeBuild first = fixture.build("fraud-deploy", 1, "dave");
        fixture.locks.acquire(ENDPOINT, first.run);
        first.building = false;
        FakeBuild second = fixture.build("fraud-deploy", 2, "dave");
        FakeStepContext context = second.newContext();

        canary(second, context, THREE_STAGES);

        assertThat(second.log())
                .contains("[ml-rollout] endpoint 'fraud-scorer' was held by build fraud-deploy #1, which is no longer"
                        + " building; that hold was released");
        assertThat(fixture.locks.holder(ENDPOINT))
                .hasValueSatisfying(h -> assertThat(h.build()).isEqualTo("fraud-deploy#2"));
    }

    @Test
    void theStatusSaysWhereTheRolloutIsInWords() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep.Execution execution = canary(build, build.newContext(), THREE_STAGES);
        fixture.runFor(Duration.ofMinutes(12).plusSeconds(20));

        assertThat(execution.getStatus()).isEqualTo("stage 2/3 (25%) baking, next look in 40s, bake ends in 7m 40s");
    }

    @Test
    void aBuildThatEndsWithAPassedCanaryRollsItBack() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        canary(build, context, THREE_STAGES);
        fixture.runUntilEnded(context);
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.CANARY_PASSED);

        build.building = false;
        new RolloutRunListener().onCompleted(build.run, build.listener);
        fixture.runFor(Duration.ofMinutes(1));

        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(build.action(ENDPOINT).state().reason()).startsWith("the build ended without mlPromote");
        assertThat(fixture.serving.weight).isZero();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
        assertThat(build.log())
                .contains("[ml-rollout] the build ended without mlPromote: rolling back endpoint fraud-scorer after the"
                        + " build; its outcome is on the build's ML Rollout page and in the evidence file");
    }

    @Test
    void aBuildThatEndsAfterAPromotionLeavesTrafficAlone() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        canary(build, context, THREE_STAGES.replace("promote: {bake: 10m}", "promote: {bake: 10m, signOff: false}"));
        fixture.runUntilEnded(context);
        FakeStepContext promote = build.newContext();
        started(new MlPromoteStep(ENDPOINT).start(promote));
        fixture.runUntilEnded(promote);

        new RolloutRunListener().onCompleted(build.run, build.listener);
        fixture.runFor(Duration.ofMinutes(1));

        assertThat(fixture.serving.weight).isEqualTo(100);
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.PROMOTED);
    }

    @Test
    void aRolloutOfAGatedPolicyTellsTheStatusHowManyApprovalsAreMissing() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        MlCanaryStep.Execution execution = canary(build, build.newContext(), GATED);
        fixture.runFor(Duration.ofMinutes(21));

        assertThat(execution.getStatus())
                .isEqualTo("awaiting sign-off for stage 2/3 (25%) at 25%: 0 of 2 approval(s), expires in 1h 59m");
    }
}
