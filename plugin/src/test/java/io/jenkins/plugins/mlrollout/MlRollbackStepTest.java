package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlRollback} with a rollout in the build, in another running build, and with none at all. */
class MlRollbackStepTest {

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

    private FakeStepContext rollback(FakeBuild build, String reason) throws Exception {
        FakeStepContext context = build.newContext();
        started(new MlRollbackStep(ENDPOINT, reason).start(context));
        return context;
    }

    @Test
    void withARolloutInThisBuildItRollsThatRolloutBackAndWaitsForIt() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(12));

        FakeStepContext context = rollback(build, "integration tests failed");
        assertThat(context.ended()).isFalse();
        fixture.runUntilEnded(context);

        assertThat(context.result())
                .get()
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "ROLLED_BACK")
                .containsEntry("reason", "integration tests failed (requested by dave)");
        assertThat(fixture.serving.weight).isZero();
        fixture.runUntilEnded(canary);
        assertThat(canary.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("was rolled back: integration tests failed (requested by dave)");
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void rollingBackTwiceChangesNothingTheSecondTimeAndSucceeds() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runUntilEnded(canary);
        FakeStepContext first = rollback(build, "not today");
        fixture.runUntilEnded(first);
        int shifts = fixture.serving.shifts.size();

        FakeStepContext second = rollback(build, "not today either");
        fixture.runUntilEnded(second);

        assertThat(second.result()).isPresent();
        assertThat(fixture.serving.shifts).hasSize(shifts);
        assertThat(build.log()).contains("[ml-rollout] rollback by dave ignored: already rolled back");
    }

    @Test
    void aRollbackTheRouterDoesNotTakeFailsLoudlyWithTheSplitAndCanBeRetried() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(12));
        fixture.serving.rollbackBroken = true;

        FakeStepContext context = rollback(build, "bad canary");
        fixture.runUntilEnded(context);

        assertThat(context.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("ROLLBACK FAILED, 25% of traffic is still on the candidate (v1 75% / v2 25%)")
                .contains("run mlRollback again");
        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.ROLLBACK_FAILED);
        assertThat(fixture.locks.holder(ENDPOINT))
                .as("traffic is stuck: the endpoint stays held")
                .isPresent();

        fixture.serving.rollbackBroken = false;
        FakeStepContext retry = rollback(build, "bad canary, second try");
        fixture.runUntilEnded(retry);

        assertThat(retry.result()).isPresent();
        assertThat(fixture.serving.weight).isZero();
    }

    @Test
    void withoutARolloutItSetsTheRouterToTheBaselineItselfAndRecordsWhoAndWhy() throws Exception {
        fixture.serving.weight = 50;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");

        FakeStepContext context = rollback(build, "smoke tests failed");
        assertThat(context.ended()).as("the router is called on the timer").isFalse();
        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertThat(fixture.serving.weight).isZero();
        assertThat(fixture.serving.shifts).containsExactly(0);
        assertThat(build.log())
                .contains("[ml-rollout] ROLLING BACK: smoke tests failed (requested by carol)")
                .contains("[ml-rollout] router reports v1 50% / v2 50%; baseline is v1")
                .contains("[ml-rollout] ROLLED BACK: traffic now v1 100% / v2 0%")
                .containsPattern("\\[ml-rollout\\] evidence .*evidence.jsonl: 4 lines, head [0-9a-f]{64}, sealed\n");
        Path evidence = build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve("evidence.jsonl");
        assertThat(EvidenceVerifier.verify(evidence).sealed()).isTrue();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void withoutARolloutARestartBeforeTheRouterWasCalledResumesAndFinishes() throws Exception {
        fixture.serving.weight = 50;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext context = build.newContext();
        MlRollbackStep.Execution execution =
                started((MlRollbackStep.Execution) new MlRollbackStep(ENDPOINT, "smoke tests failed").start(context));

        MlRollbackStep.Execution resumed = Restart.roundTrip(execution);
        fixture.restart();
        assertThat(fixture.locks.holder(ENDPOINT))
                .as("the hold survived the restart")
                .isPresent();
        resumed.onResume();
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isEmpty();
        assertThat(context.result()).isPresent();
        assertThat(fixture.serving.weight).isZero();
        assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
    }

    @Test
    void withoutARolloutTheEndpointIsFreeBeforeThePipelineGoesOn() throws Exception {
        fixture.serving.weight = 50;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext context = build.newContext();
        List<Optional<EndpointLocks.Holder>> heldAtTheEnd = new ArrayList<>();
        context.whenEnded(() -> heldAtTheEnd.add(fixture.locks.holder(ENDPOINT)));
        started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(context));

        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertThat(heldAtTheEnd).containsExactly(Optional.empty());
    }

    @Test
    void withoutARolloutAndWithAllTrafficOnTheBaselineItSucceedsWithoutMovingAnything() throws Exception {
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");

        FakeStepContext context = rollback(build, "just in case");
        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertThat(fixture.serving.shifts).isEmpty();
        assertThat(build.log()).contains("already sends all traffic of fraud-scorer to the baseline; nothing to do");
    }

    @Test
    void withoutARolloutARouterThatDoesNotTakeItFailsLoudly() throws Exception {
        fixture.serving.weight = 25;
        fixture.serving.rollbackBroken = true;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");

        FakeStepContext context = rollback(build, "smoke tests failed");
        fixture.runUntilEnded(context);

        assertThat(context.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .startsWith("mlRollback: ROLLBACK FAILED on endpoint fraud-scorer: fake router: 503")
                .contains("last known split v1 75% / v2 25%");
        assertThat(build.log()).contains("[ml-rollout] ROLLBACK FAILED");
    }

    @Test
    void whileAnotherBuildRunsARolloutOnTheEndpointThatRolloutIsAskedToRollBack() throws Exception {
        FakeBuild canaryBuild = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = canaryBuild.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(12));
        FakeBuild other = fixture.build("fraud-smoke-tests", 9, "carol");

        FakeStepContext context = rollback(other, "smoke tests failed");
        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertThat(fixture.serving.weight).isZero();
        assertThat(other.log())
                .contains("[ml-rollout] build fraud-deploy #1 has a rollout on fraud-scorer: asking it to roll back")
                .contains("[ml-rollout] ROLLED BACK");
        fixture.runUntilEnded(canary);
        assertThat(canary.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("smoke tests failed (requested by carol)");
    }

    @Test
    void theEndpointAndTheReasonAreRequired() {
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");

        assertThatThrownBy(() -> new MlRollbackStep(ENDPOINT, "  ")
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("reason: is required");
        assertThatThrownBy(() -> new MlRollbackStep(null, "why")
                        .start(build.newContext())
                        .start())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("endpoint: is required");
    }
}
