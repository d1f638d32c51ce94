package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;

import hudson.AbortException;
import hudson.model.Result;
import hudson.security.ACL;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jenkins.model.CauseOfInterruption;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/** {@code mlPromote} after {@code mlCanary} in the same build. */
class MlPromoteStepTest {

    private static final String NO_PROMOTION_SIGN_OFF =
            THREE_STAGES.replace("promote: {bake: 10m}", "promote: {bake: 10m, signOff: false}");

    @TempDir
    Path home;

    private StepFixture fixture;
    private FakeBuild build;

    @BeforeEach
    void setUp() {
        fixture = new StepFixture(home);
        build = fixture.build("fraud-deploy", 1, "dave");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void passedCanary(String policy) throws Exception {
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(policy, "v2").start(canary));
        fixture.runUntilEnded(canary);
        assertThat(canary.result()).isPresent();
    }

    private MlPromoteStep.Execution promote(FakeStepContext context) throws Exception {
        return started((MlPromoteStep.Execution) new MlPromoteStep(ENDPOINT).start(context));
    }

    @Test
    void withoutACanaryInThisBuildItIsRefusedAtOnce() {
        assertThatThrownBy(() ->
                        new MlPromoteStep(ENDPOINT).start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("this build has no canary for endpoint 'fraud-scorer'")
                .hasMessageContaining("Nothing was promoted");
        assertThat(fixture.serving.shifts).isEmpty();
    }

    @Test
    void beforeTheCanaryPassedItIsRefusedAtOnce() throws Exception {
        started(new MlCanaryStep(THREE_STAGES, "v2").start(build.newContext()));
        fixture.runFor(Duration.ofMinutes(12));

        assertThatThrownBy(() ->
                        new MlPromoteStep(ENDPOINT).start(build.newContext()).start())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining(
                        "the rollout of endpoint 'fraud-scorer' is not waiting at a passed canary (stage 2/3 (25%) baking");
        assertThat(fixture.serving.shifts).containsExactly(5, 25);
    }

    @Test
    void aPassedCanaryIsPromotedWatchedAndReported() throws Exception {
        passedCanary(NO_PROMOTION_SIGN_OFF);
        FakeStepContext context = build.newContext();

        promote(context);
        assertThat(context.ended()).isFalse();
        fixture.runUntilEnded(context);

        assertThat(context.result())
                .get()
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "PROMOTED")
                .containsEntry("candidate", "v2")
                .containsEntry(
                        "reportUrl", "https://jenkins.example/job/fraud-deploy/1/ml-rollout-fraud-scorer/report");
        assertThat(fixture.serving.shifts).containsExactly(5, 25, 50, 90, 100);
        assertThat(build.log())
                .contains("[ml-rollout] promoting (requested by dave)")
                .contains("[ml-rollout] watching the promoted candidate until")
                .contains("[ml-rollout] PROMOTED: the candidate serves all traffic");
        assertThat(fixture.locks.holder(ENDPOINT))
                .as("a promoted rollout lets the endpoint go")
                .isEmpty();
    }

    @Test
    void aRegressionWhileWatchingRollsBackAndFailsWithTheReason() throws Exception {
        passedCanary(NO_PROMOTION_SIGN_OFF);
        FakeStepContext context = build.newContext();
        promote(context);
        fixture.runFor(Duration.ofMinutes(1));
        fixture.serving.candidateErrorRate = 0.04;

        fixture.runUntilEnded(context);

        assertThat(context.failure())
                .get()
                .extracting(Throwable::getMessage)
                .asString()
                .startsWith("mlPromote: v2 on endpoint fraud-scorer was rolled back: the promoted candidate regressed");
        assertThat(fixture.serving.weight).isZero();
    }

    @Test
    void whenThePolicyAsksForAPromotionSignOffTheStepLinksToItAndWaitsForTheQuorum() throws Exception {
        passedCanary(THREE_STAGES.replace(
                "promote: {bake: 10m}", "promote: {bake: 10m}\nsignOff: {approvers: [alice, bob], quorum: 2}"));
        FakeStepContext context = build.newContext();
        promote(context);
        fixture.runFor(Duration.ofMinutes(30));

        assertThat(context.ended()).isFalse();
        assertThat(fixture.serving.weight).as("nothing moves before the quorum").isEqualTo(50);
        assertThat(build.log())
                .contains("[ml-rollout] SIGN-OFF NEEDED for promotion to 100%")
                .contains(
                        "<a href='/job/fraud-deploy/1/ml-rollout-fraud-scorer/'>Approve or reject: promotion to 100%</a>");

        MockedStatic<Jenkins> jenkins = fixture.jenkinsStatic;
        try (MockedStatic<ACL> ignored = mockStatic(ACL.class);
                MockedStatic<HttpResponses> responses = mockStatic(HttpResponses.class)) {
            responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
            for (String approver : List.of("alice", "bob")) {
                jenkins.when(Jenkins::getAuthentication2)
                        .thenReturn(new UsernamePasswordAuthenticationToken(approver, "n/a", List.of()));
                build.action(ENDPOINT).doApprove("dashboards agree");
            }
        }
        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertThat(fixture.serving.shifts).endsWith(100);
    }

    @Test
    void theGatedCanarysPromotionNeedsItsOwnSignOff() throws Exception {
        FakeStepContext canary = build.newContext();
        started(new MlCanaryStep(GATED, "v2").start(canary));
        fixture.runFor(Duration.ofMinutes(21));

        assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThatThrownBy(() ->
                        new MlPromoteStep(ENDPOINT).start(build.newContext()).start())
                .hasMessageContaining("is not waiting at a passed canary (awaiting sign-off");
    }

    @Test
    void abortingWhileWaitingForThePromotionSignOffRollsBack() throws Exception {
        passedCanary(THREE_STAGES.replace(
                "promote: {bake: 10m}", "promote: {bake: 10m}\nsignOff: {approvers: [alice, bob], quorum: 2}"));
        FakeStepContext context = build.newContext();
        MlPromoteStep.Execution execution = promote(context);
        fixture.runFor(Duration.ofMinutes(3));
        FlowInterruptedException abort =
                new FlowInterruptedException(Result.ABORTED, true, new CauseOfInterruption.UserInterruption("erin"));

        execution.stop(abort);
        fixture.runUntilEnded(context);

        assertThat(context.failure()).containsSame(abort);
        assertThat(fixture.serving.weight).isZero();
        assertThat(build.log()).contains("[ml-rollout] ROLLING BACK: aborted by erin");
    }

    @Test
    void promotingTwiceIsRefusedTheSecondTime() throws Exception {
        passedCanary(NO_PROMOTION_SIGN_OFF);
        FakeStepContext first = build.newContext();
        promote(first);
        fixture.runUntilEnded(first);

        assertThatThrownBy(() ->
                        new MlPromoteStep(ENDPOINT).start(build.newContext()).start())
                .hasMessageContaining("is not waiting at a passed canary (promoted: the candidate serves all traffic)");
    }
}
