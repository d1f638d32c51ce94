package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the rollout's box on the build's main page (summary.jelly) says: stages reached, why it failed, a sign-off. */
class BuildSummaryTest {

    @TempDir
    Path home;

    private StepFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StepFixture(home);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aRegressionShowsTheStagesReachedAndTheFailingMetricWithItsReason() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext();
        started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
        fixture.runFor(Duration.ofMinutes(11));
        fixture.serving.candidateErrorRate = 0.03;
        fixture.runUntilEnded(context);
        RolloutAction rollout = build.action(ENDPOINT);

        assertThat(rollout.getStatus()).startsWith("rolled back: stage 2 failed");
        assertThat(rollout.getStagesReached()).isEqualTo("stage 2 of 3 reached: 5% pass, 25% fail");
        assertThat(rollout.getFailingReasons())
                .anySatisfy(reason -> assertThat(reason).startsWith("error-rate"));
        assertThat(rollout.isGateOpen()).isFalse();
    }

    @Test
    void aWaitingSignOffIsShownAndNothingFailed() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        started(new MlCanaryStep(GATED, "v2").start(build.newContext()));
        fixture.runFor(Duration.ofMinutes(21));
        RolloutAction rollout = build.action(ENDPOINT);

        assertThat(rollout.getStagesReached()).isEqualTo("stage 2 of 3 reached: 5% pass, 25% pass");
        assertThat(rollout.getFailingReasons()).isEmpty();
        assertThat(rollout.isGateOpen()).isTrue();
        assertThat(rollout.getGateSummary()).startsWith("0 of 2 approval(s) from alice, bob, ml-risk, dave");
    }
}
