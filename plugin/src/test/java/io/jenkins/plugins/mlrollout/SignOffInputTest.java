package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.model.Action;
import hudson.security.ACL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/**
 * While a sign-off gate is open the waiting step's flow node carries a running {@link PauseAction} with the input
 * step's cause, ended when the gate settles; it is kept with the node across a restart and never doubled.
 */
class SignOffPauseTest {

    @TempDir
    Path home;

    /** A flow node as workflow-api keeps one: its actions in a list that outlives the step (it is saved with the flow). */
    private static FlowNode node(List<Action> actions) throws Exception {
        FlowNode node = mock(FlowNode.class);
        doAnswer(call -> actions.add(call.getArgument(0))).when(node).addAction(any(Action.class));
        when(node.getActions(PauseAction.class))
                .thenAnswer(call -> actions.stream()
                        .filter(PauseAction.class::isInstance)
                        .map(PauseAction.class::cast)
                        .toList());
        return node;
    }

    private static List<PauseAction> pauses(List<Action> actions) {
        return actions.stream()
                .filter(PauseAction.class::isInstance)
                .map(PauseAction.class::cast)
                .toList();
    }

    private static void signIn(MockedStatic<Jenkins> jenkins, String user) {
        jenkins.when(Jenkins::getAuthentication2)
                .thenReturn(new UsernamePasswordAuthenticationToken(user, "n/a", List.of()));
    }

    @Test
    void theStepIsPausedForInputWhileTheGateIsOpenAndThePauseEndsWhenItSettles() throws Exception {
        try (StepFixture fixture = new StepFixture(home);
                MockedStatic<ACL> acl = mockStatic(ACL.class);
                MockedStatic<HttpResponses> responses = mockStatic(HttpResponses.class)) {
            responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
            List<Action> actions = new CopyOnWriteArrayList<>();
            FlowNode node = node(actions);
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext().withNode(node);
            started(new MlCanaryStep(GATED, "v2").start(context));

            fixture.runFor(Duration.ofMinutes(15));
            assertThat(pauses(actions)).as("no pause while baking").isEmpty();
            fixture.runFor(Duration.ofMinutes(6));
            assertThat(build.action(ENDPOINT).isGateOpen()).isTrue();
            assertThat(pauses(actions)).singleElement().satisfies(pause -> {
                assertThat(pause.getCause()).isEqualTo("Input");
                assertThat(pause.isPaused()).isTrue();
            });
            fixture.runFor(Duration.ofMinutes(3));
            assertThat(pauses(actions))
                    .as("looks during the wait add no second pause")
                    .hasSize(1);
            verify(node, never()).save();

            signIn(fixture.jenkinsStatic, "alice");
            build.action(ENDPOINT).doApprove("fine");
            signIn(fixture.jenkinsStatic, "bob");
            build.action(ENDPOINT).doApprove("fine too");
            fixture.runFor(Duration.ofSeconds(1));

            assertThat(pauses(actions)).singleElement().satisfies(pause -> {
                assertThat(pause.isPaused()).isFalse();
                assertThat(pause.getEndTime()).isGreaterThanOrEqualTo(pause.getStartTime());
            });
            verify(node, atLeastOnce()).save();
            fixture.runUntilEnded(context);
            assertThat(context.result()).isPresent();
            assertThat(pauses(actions)).hasSize(1);
        }
    }

    @Test
    void thePauseKeptWithTheNodeAcrossARestartIsEndedOnceAndNotDoubled() throws Exception {
        try (StepFixture fixture = new StepFixture(home);
                MockedStatic<ACL> acl = mockStatic(ACL.class);
                MockedStatic<HttpResponses> responses = mockStatic(HttpResponses.class)) {
            responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
            List<Action> actions = new CopyOnWriteArrayList<>();
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext().withNode(node(actions));
            MlCanaryStep.Execution execution =
                    started((MlCanaryStep.Execution) new MlCanaryStep(GATED, "v2").start(context));
            fixture.runFor(Duration.ofMinutes(21));
            assertThat(pauses(actions))
                    .singleElement()
                    .extracting(PauseAction::isPaused)
                    .isEqualTo(true);

            MlCanaryStep.Execution resumed = Restart.roundTrip(execution);
            RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
            fixture.restart();
            build.actions.clear();
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);
            FlowNode reloadedNode = node(actions); // the same saved actions, a new node object
            context.withNode(reloadedNode);
            resumed.onResume();
            fixture.runFor(Duration.ofMinutes(2));
            assertThat(pauses(actions))
                    .as("the kept pause is still open, and alone")
                    .hasSize(1);

            signIn(fixture.jenkinsStatic, "alice");
            reloaded.doApprove("fine");
            signIn(fixture.jenkinsStatic, "bob");
            reloaded.doApprove("fine too");
            fixture.runUntilEnded(context);

            assertThat(pauses(actions))
                    .singleElement()
                    .extracting(PauseAction::isPaused)
                    .isEqualTo(false);
            verify(reloadedNode, atLeastOnce()).save();
        }
    }

    @Test
    void anAbortWhileWaitingEndsThePause() throws Exception {
        try (StepFixture fixture = new StepFixture(home)) {
            List<Action> actions = new CopyOnWriteArrayList<>();
            FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
            FakeStepContext context = build.newContext().withNode(node(actions));
            MlCanaryStep.Execution execution =
                    started((MlCanaryStep.Execution) new MlCanaryStep(GATED, "v2").start(context));
            fixture.runFor(Duration.ofMinutes(21));
            assertThat(pauses(actions))
                    .singleElement()
                    .extracting(PauseAction::isPaused)
                    .isEqualTo(true);

            execution.stop(new InterruptedException("aborted by carol"));
            fixture.runUntilEnded(context);

            assertThat(context.failure()).isPresent();
            assertThat(pauses(actions))
                    .singleElement()
                    .extracting(PauseAction::isPaused)
                    .isEqualTo(false);
        }
    }
}
