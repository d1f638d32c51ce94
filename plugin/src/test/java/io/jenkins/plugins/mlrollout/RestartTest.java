package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.T0;
import static io.jenkins.plugins.mlrollout.StepFixture.THREE_STAGES;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import hudson.security.ACL;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.rollout.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * A controller restart in the middle of a rollout: the step execution goes through Java serialization, the build's
 * action through what XStream keeps, the timer loses its tasks; {@code onResume()} must carry on from the saved state,
 * with the bake clock where it was, to the outcome an uninterrupted rollout has.
 */
class RestartTest {

    @TempDir
    Path uninterruptedHome;

    @TempDir
    Path home;

    private static Object uninterruptedResult(Path home) throws Exception {
        try (StepFixture fixture = new StepFixture(home)) {
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext();
            started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
            fixture.runUntilEnded(context);
            return context.result().orElseThrow();
        }
    }

    @Test
    void aRestartMidBakeResumesWhereTheRolloutWasAndReachesTheSameOutcome() throws Exception {
        Object expected = uninterruptedResult(uninterruptedHome);
        try (StepFixture fixture = new StepFixture(home)) {
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext();
            MlCanaryStep.Execution execution =
                    started((MlCanaryStep.Execution) new MlCanaryStep(THREE_STAGES, "v2").start(context));
            fixture.runFor(Duration.ofMinutes(14).plusSeconds(30));
            assertThat(build.action(ENDPOINT).state().phase()).isEqualTo(Phase.BAKING);
            int linesBefore = EvidenceVerifier.verify(evidence(build)).lines();

            MlCanaryStep.Execution resumed = Restart.roundTrip(execution);
            RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
            fixture.restart();
            build.actions.clear();
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);
            assertThat(fixture.locks.holder(ENDPOINT))
                    .as("the endpoint's holder is read back from the Jenkins home")
                    .hasValueSatisfying(h -> assertThat(h.build()).isEqualTo("fraud-deploy#1"));

            resumed.onResume();
            assertThat(resumed.getStatus()).startsWith("stage 2/3 (25%) baking, next look in 30s");
            fixture.runUntilEnded(context);

            assertThat(context.endings()).isEqualTo(1);
            assertThat(context.result()).contains(expected);
            assertThat(fixture.serving.shifts).as("no stage was shifted twice").containsExactly(5, 25, 50);
            assertThat(fixture.time.instant())
                    .as("the bake clock is absolute")
                    .isEqualTo(T0.plus(Duration.ofMinutes(30)));
            EvidenceVerifier.Result chain = EvidenceVerifier.verify(evidence(build));
            assertThat(chain.intact()).isTrue();
            assertThat(chain.lines()).isGreaterThan(linesBefore);
            assertThat(build.log()).contains("[ml-rollout] CANARY PASSED at 50%");
        }
    }

    @Test
    void aRestartWhileAwaitingSignOffKeepsTheGateAndTheSignaturesAndAnApprovalAfterwardsCarriesOn() throws Exception {
        try (StepFixture fixture = new StepFixture(home);
                MockedStatic<Jenkins> jenkins = fixture.jenkinsStatic;
                MockedStatic<ACL> ignored = mockStatic(ACL.class);
                MockedStatic<HttpResponses> responses = mockStatic(HttpResponses.class)) {
            responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext();
            MlCanaryStep.Execution execution =
                    started((MlCanaryStep.Execution) new MlCanaryStep(GATED, "v2").start(context));
            fixture.runFor(Duration.ofMinutes(21));
            signIn(jenkins, "alice");
            build.action(ENDPOINT).doApprove("first look is fine");

            MlCanaryStep.Execution resumed = Restart.roundTrip(execution);
            RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
            fixture.restart();
            build.actions.clear();
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);
            resumed.onResume();

            assertThat(reloaded.getSignatures()).singleElement().asString().startsWith("alice approve");
            signIn(jenkins, "bob");
            reloaded.doApprove("second look too");
            fixture.runUntilEnded(context);

            assertThat(context.result()).isPresent();
            assertThat(fixture.serving.shifts).containsExactly(5, 25, 50);
            assertThat(build.log()).contains("settled: approved by alice, bob (quorum 2)");
        }
    }

    @Test
    void aRollbackCutShortByARestartAfterTheBuildEndedIsDoneAtStartUpAndTheEndpointStaysHeldUntilThen()
            throws Exception {
        try (StepFixture fixture = new StepFixture(home)) {
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext();
            started(new MlCanaryStep(THREE_STAGES, "v2").start(context));
            fixture.runUntilEnded(context);
            build.building = false; // the build ended without mlPromote, and Jenkins stopped before rolling back

            RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
            fixture.restart();
            build.actions.clear();
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);

            FakeBuild next = fixture.build("fraud-deploy", 2, "erin");
            FakeStepContext refused = next.newContext();
            started(new MlCanaryStep(THREE_STAGES, "v3").start(refused));
            assertThat(refused.failure())
                    .as("the router is still at 50%: no canary may start on it")
                    .get()
                    .extracting(Throwable::getMessage)
                    .asString()
                    .contains("endpoint 'fraud-scorer' is busy");

            new RolloutResumer().onLoaded();
            fixture.runFor(Duration.ofMinutes(1));

            assertThat(fixture.serving.weight).isZero();
            assertThat(reloaded.state().phase()).isEqualTo(Phase.ROLLED_BACK);
            assertThat(reloaded.state().reason()).contains("the build ended without mlPromote");
            assertThat(fixture.locks.holder(ENDPOINT)).isEmpty();
            FakeStepContext afterwards =
                    fixture.build("fraud-deploy", 3, "erin").newContext();
            started(new MlCanaryStep(THREE_STAGES, "v3").start(afterwards));
            assertThat(afterwards.failure()).isEmpty();
        }
    }

    @Test
    void viewingTheRolloutPageAfterARestartNeverResumesTheRollout() throws Exception {
        try (StepFixture fixture = new StepFixture(home);
                MockedStatic<ACL> ignored = mockStatic(ACL.class)) {
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            started(new MlCanaryStep(GATED, "v2").start(build.newContext()));
            fixture.runFor(Duration.ofMinutes(14));
            RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
            fixture.restart();
            build.actions.clear();
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);
            int lookups = fixture.connectors.credentials.size();
            int shifts = fixture.serving.shifts.size();

            reloaded.getStatus();
            reloaded.getGateSummary();
            reloaded.isCanSign();
            reloaded.isCanOverride();
            reloaded.getSignatures();

            assertThat(fixture.time.pending())
                    .as("nothing scheduled by a page view")
                    .isZero();
            assertThat(fixture.connectors.credentials).hasSize(lookups);
            assertThat(fixture.serving.shifts).hasSize(shifts);
        }
    }

    private static void signIn(MockedStatic<Jenkins> jenkins, String user) {
        Authentication authentication = new UsernamePasswordAuthenticationToken(user, "n/a", List.of());
        jenkins.when(Jenkins::getAuthentication2).thenReturn(authentication);
        when(Jenkins.get().hasPermission2(authentication, Jenkins.ADMINISTER)).thenReturn(false);
    }

    private static Path evidence(FakeBuild build) {
        return build.directory.resolve("ml-rollout").resolve(ENDPOINT).resolve("evidence.jsonl");
    }
}
