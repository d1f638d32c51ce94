package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jenkins' conventions for a step: restarts wait for router writes, page views read no files, errors end steps. */
class ConventionsTest {

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

    @Test
    void aSafeRestartWaitsWhileAMoveIsBeingWrittenToTheRouterAndOnlyThen() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        StepExecution execution = started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
        List<Boolean> blockedDuringShifts = new CopyOnWriteArrayList<>();
        fixture.connectors.duringShift = () -> blockedDuringShifts.add(execution.blocksRestart());

        fixture.runFor(Duration.ofMinutes(12));

        assertThat(blockedDuringShifts).containsExactly(true, true);
        assertThat(execution.blocksRestart()).as("baking: nothing in flight").isFalse();
    }

    @Test
    void aDirectRollbackBlocksARestartWhileItWritesToTheRouter() throws Exception {
        fixture.serving.weight = 30;
        FakeBuild build = fixture.build("fraud-smoke-tests", 9, "carol");
        FakeStepContext context = build.newContext();
        StepExecution execution = started(new MlRollbackStep(ENDPOINT, "smoke tests failed").start(context));
        List<Boolean> blocked = new CopyOnWriteArrayList<>();
        fixture.connectors.duringShift = () -> blocked.add(execution.blocksRestart());

        fixture.runUntilEnded(context);

        assertThat(blocked).containsExactly(true);
        assertThat(execution.blocksRestart()).isFalse();
    }

    @Test
    void thePageShowsTheEvidenceSummaryWithoutReadingOrHashingTheFile() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        started(new MlCanaryStep(THREE_STAGES, "v2").start(build.newContext()));
        fixture.runFor(Duration.ofMinutes(3));
        Path evidence = build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve(AuditTrail.EVIDENCE);
        Files.delete(evidence); // a page view that read the file would now say so

        assertThat(build.action(ENDPOINT).getEvidenceSummary()).matches("\\d+ lines, head [0-9a-f]{64}, not sealed");
    }

    @Test
    void anErrorInTheRolloutFailsTheWaitingStepInsteadOfLeavingItWaiting() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
        fixture.connectors.duringShift = () -> {
            throw new StackOverflowError("a bug deep in a connector");
        };

        try {
            fixture.runFor(Duration.ofMinutes(1));
        } catch (StackOverflowError expected) {
            // thrown on, after the steps were told
        }

        assertThat(context.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("the rollout stopped on an internal error")
                .contains("a bug deep in a connector");
    }
}
