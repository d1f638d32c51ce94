package io.jenkins.plugins.mlrollout;

import static io.jenkins.plugins.mlrollout.StepFixture.ENDPOINT;
import static io.jenkins.plugins.mlrollout.StepFixture.GATED;
import static io.jenkins.plugins.mlrollout.StepFixture.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Action;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import io.mlrollout.core.signoff.Decision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/**
 * While a sign-off gate is open, the waiting step carries a pending input, as the input step would, so Pipeline's views
 * draw it (and its stage) waiting for input; its Approve and Reject sign the gate with the rollout's own checks. The
 * node is paused while an input is up, never twice at once, and the input goes when the gate settles or the step
 * ends, also across a restart.
 */
class SignOffInputTest {

    @TempDir
    Path home;

    private StepFixture fixture;
    private MockedStatic<ACL> acl;
    private MockedStatic<HttpResponses> responses;
    private final List<Action> actions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StepFixture(home);
        acl = mockStatic(ACL.class);
        responses = mockStatic(HttpResponses.class);
        responses.when(HttpResponses::redirectToDot).thenReturn(mock(HttpResponse.class));
    }

    @AfterEach
    void tearDown() throws Exception {
        responses.close();
        acl.close();
        fixture.close();
    }

    /** A flow node as workflow-api keeps one: its actions in a list that outlives the step (saved with the flow). */
    private FlowNode node() {
        return node("7");
    }

    private FlowNode node(String id) {
        FlowNode node = mock(FlowNode.class);
        when(node.getId()).thenReturn(id);
        doAnswer(call -> actions.add(call.getArgument(0))).when(node).addAction(any(Action.class));
        doAnswer(call -> actions.remove((Action) call.getArgument(0)))
                .when(node)
                .removeAction(any(Action.class));
        when(node.getActions(PauseAction.class))
                .thenAnswer(call -> actions.stream()
                        .filter(PauseAction.class::isInstance)
                        .map(PauseAction.class::cast)
                        .toList());
        return node;
    }

    private List<PauseAction> pauses() {
        return actions.stream()
                .filter(PauseAction.class::isInstance)
                .map(PauseAction.class::cast)
                .toList();
    }

    private List<PauseAction> openPauses() {
        return pauses().stream().filter(PauseAction::isPaused).toList();
    }

    private void signIn(String user) {
        fixture.jenkinsStatic
                .when(Jenkins::getAuthentication2)
                .thenReturn(new UsernamePasswordAuthenticationToken(user, "n/a", List.of()));
    }

    /** dave starts a canary whose 25% stage needs two sign-offs, and it runs until that gate opens. */
    private FakeStepContext waitingAtTheGate(FakeBuild build) throws Exception {
        FakeStepContext context = build.newContext().withNode(node());
        canaryAtTheGate(context);
        assertThat(build.action(ENDPOINT).isGateOpen()).isTrue();
        return context;
    }

    private MlCanaryStep.Execution canaryAtTheGate(FakeStepContext context) throws Exception {
        return canaryAtTheGate(context, GATED);
    }

    private MlCanaryStep.Execution canaryAtTheGate(FakeStepContext context, String policy) throws Exception {
        MlCanaryStep.Execution execution =
                started((MlCanaryStep.Execution) new MlCanaryStep(policy, "v2").start(context));
        fixture.runFor(Duration.ofMinutes(15));
        assertThat(fixture.board.posted).as("no input while baking").isEmpty();
        fixture.runFor(Duration.ofMinutes(6));
        return execution;
    }

    /**
     * A controller restart: the step and the build's record ({@code reloaded}, or none) come back from disk, the
     * input, which lived in memory only, is gone while the build still lists its id, and the node is a new object
     * with the same saved actions.
     */
    private void restartAndResume(
            FakeBuild build,
            FakeStepContext context,
            MlCanaryStep.Execution execution,
            @CheckForNull RolloutAction reloaded)
            throws Exception {
        MlCanaryStep.Execution resumed = Restart.roundTrip(execution);
        fixture.restart();
        fixture.board.posted.clear();
        fixture.board.droppedStale.clear();
        build.actions.clear();
        if (reloaded != null) {
            build.actions.add(reloaded);
            reloaded.onLoad(build.run);
        }
        context.withNode(node());
        resumed.onResume();
    }

    /** Once the gate settled or the step ended: no input listed, no pause open. */
    private void assertTheInputIsDown() {
        assertThat(fixture.board.listed()).isEmpty();
        assertThat(fixture.board.listedIds).isEmpty();
        assertThat(openPauses()).isEmpty();
    }

    /** The one input up now: listed on the build by its execution and by its id, its node paused. */
    private FakeSignOffBoard.Input theListedInput() {
        assertThat(fixture.board.listed()).hasSize(1);
        FakeSignOffBoard.Input input = fixture.board.listed().get(0);
        assertThat(fixture.board.listedIds).as("the build's listing of ids").containsExactly(input.id);
        assertThat(openPauses()).as("the node's open pause").hasSize(1);
        return input;
    }

    @Test
    void anOpenGateIsOneInputOnTheStepThatSaysWhatItWaitsFor() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        waitingAtTheGate(build);

        FakeSignOffBoard.Input input = theListedInput();
        assertThat(input.id).isEqualTo("MlRollout-7");
        assertThat(input.submitters)
                .as("the input step itself lets only who may sign answer it")
                .isEqualTo("alice,bob,ml-risk,dave");
        assertThat(input.message)
                .startsWith("ML Rollout " + ENDPOINT + ": sign-off for ")
                .contains("0 of 2 approval(s) from alice, bob, ml-risk, dave");
        assertThat(openPauses())
                .singleElement()
                .extracting(PauseAction::getCause)
                .isEqualTo("Input");

        fixture.runFor(Duration.ofMinutes(3));
        assertThat(fixture.board.posted)
                .as("looks during the wait put nothing up again")
                .hasSize(1);
        assertThat(pauses()).hasSize(1);
    }

    @Test
    void approvalsThroughTheInputSignTheGateAsTheirSendersAndTheQuorumReleasesIt() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = waitingAtTheGate(build);

        signIn("alice");
        fixture.board.answer(theListedInput(), Decision.APPROVE, "metrics look fine");
        assertThat(build.action(ENDPOINT).getSignatures())
                .singleElement()
                .asString()
                .contains("alice");
        assertThat(fixture.board.proceededBy).containsExactly("alice");
        FakeSignOffBoard.Input second = theListedInput();
        assertThat(second.message).contains("1 of 2 approval(s)");
        assertThat(pauses())
                .as("the input put up again pauses the node anew, folded into one pause as the views read one")
                .singleElement()
                .extracting(PauseAction::isPaused)
                .isEqualTo(true);

        signIn("bob");
        fixture.board.answer(second, Decision.APPROVE, "metrics look fine");
        fixture.runFor(Duration.ofSeconds(1));

        assertThat(build.action(ENDPOINT).isGateOpen()).isFalse();
        assertTheInputIsDown();
        assertThat(pauses())
                .singleElement()
                .satisfies(pause -> assertThat(pause.getEndTime()).isGreaterThanOrEqualTo(pause.getStartTime()));
        assertThat(build.log()).contains("alice").contains("bob");
        fixture.runUntilEnded(context);
        assertThat(context.result()).isPresent();
    }

    @Test
    void anAnswerTheGateRefusesIsShownToItsSenderAndTheInputGoesUpAgain() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        waitingAtTheGate(build);

        signIn("dave"); // an approver, but he started the rollout
        FakeSignOffBoard.Input first = theListedInput();
        assertThatThrownBy(() -> fixture.board.answer(first, Decision.APPROVE, "metrics look fine"))
                .isInstanceOf(SignOffAnswer.Refusal.class)
                .hasMessageContaining("dave")
                .satisfies(refusal ->
                        assertThat(((SignOffAnswer.Refusal) refusal).status()).isEqualTo(SignOffAnswer.INPUT_REFUSED));

        signIn("alice");
        FakeSignOffBoard.Input second = theListedInput();
        assertThatThrownBy(() -> fixture.board.answer(second, Decision.APPROVE, " "))
                .isInstanceOf(SignOffAnswer.Refusal.class)
                .hasMessageContaining("an approval needs a comment");

        assertThat(build.action(ENDPOINT).getSignatures()).isEmpty();
        assertThat(fixture.board.proceededBy)
                .as("what the input step recorded for the refused approvals is forgotten")
                .isEmpty();
        FakeSignOffBoard.Input again = theListedInput();
        assertThat(again).isNotSameAs(first);
        assertThat(again.id).isEqualTo(first.id);
        assertThat(again.message).isEqualTo(first.message);
        assertThat(pauses()).singleElement().extracting(PauseAction::isPaused).isEqualTo(true);
    }

    @Test
    void aRejectionThroughTheInputRollsBack() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = waitingAtTheGate(build);

        signIn("alice");
        fixture.board.answer(theListedInput(), Decision.REJECT, "");
        fixture.runUntilEnded(context);

        assertThat(build.action(ENDPOINT).getPhase()).isEqualTo("ROLLED_BACK");
        assertThat(context.failure()).isPresent();
        assertTheInputIsDown();
    }

    @Test
    void aSignatureOnTheRolloutPageReplacesTheInputAndAnAnswerRacingItOnTheOldOneStillSignsTheGate() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        waitingAtTheGate(build);
        FakeSignOffBoard.Input before = theListedInput();

        signIn("alice");
        build.action(ENDPOINT).doApprove("fine");

        FakeSignOffBoard.Input after = theListedInput();
        assertThat(after).isNotSameAs(before);
        assertThat(before.listed).isFalse();
        assertThat(after.message).contains("1 of 2 approval(s)");
        assertThat(pauses()).singleElement().extracting(PauseAction::isPaused).isEqualTo(true);

        // bob's request reached the old input before the page's signature took it down
        signIn("bob");
        fixture.board.answer(before, Decision.APPROVE, "metrics look fine");

        assertThat(build.action(ENDPOINT).isGateOpen())
                .as("alice and bob made the quorum")
                .isFalse();
        assertThat(build.log()).contains("approve by bob (2 of 2)");
        assertThat(fixture.board.proceededBy).containsExactly("bob");
        assertTheInputIsDown();
    }

    @Test
    void twoApprovalsSentAtOnceThroughOneInputBothCountAndOneInputStaysUp() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        canaryAtTheGate(build.newContext().withNode(node()), GATED.replace("quorum: 2", "quorum: 3"));
        FakeSignOffBoard.Input input = theListedInput();

        // both passed the input step's check before either settled the input; alice's was first
        signIn("alice");
        fixture.board.answer(input, Decision.APPROVE, "metrics look fine");
        signIn("bob");
        fixture.board.answer(input, Decision.APPROVE, "same here");

        assertThat(build.action(ENDPOINT).getSignatures()).hasSize(2);
        assertThat(fixture.board.proceededBy).containsExactly("alice", "bob");
        FakeSignOffBoard.Input now = theListedInput();
        assertThat(now.message).contains("2 of 3 approval(s)");
    }

    @Test
    void aRefusedAnswerThatRacedAnotherOnOneInputLeavesTheInputUpListedAndThePauseOpen() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        waitingAtTheGate(build);
        FakeSignOffBoard.Input input = theListedInput();

        signIn("alice");
        fixture.board.answer(input, Decision.APPROVE, "metrics look fine");
        signIn("dave"); // sent at the same moment; settling the old input unlists the id and ends the current pause
        assertThatThrownBy(() -> fixture.board.answer(input, Decision.APPROVE, "mine is fine"))
                .isInstanceOf(SignOffAnswer.Refusal.class)
                .hasMessageContaining("dave started this rollout");

        assertThat(fixture.board.proceededBy).containsExactly("alice");
        assertThat(theListedInput().message).contains("1 of 2 approval(s)");
    }

    @Test
    void anAnswerToTheInputOfAGateThatSettledMeanwhileIsRefusedAndRecordsNoApproval() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        waitingAtTheGate(build);
        FakeSignOffBoard.Input first = theListedInput();
        signIn("alice");
        fixture.board.answer(first, Decision.APPROVE, "metrics look fine");
        signIn("bob");
        fixture.board.answer(theListedInput(), Decision.APPROVE, "metrics look fine");
        assertThat(build.action(ENDPOINT).isGateOpen()).isFalse();

        signIn("erin"); // her request reached the first input before alice's answer settled it
        assertThatThrownBy(() -> fixture.board.answer(first, Decision.APPROVE, "metrics look fine"))
                .isInstanceOf(SignOffAnswer.Refusal.class)
                .hasMessageContaining("no longer open")
                .satisfies(refusal ->
                        assertThat(((SignOffAnswer.Refusal) refusal).status()).isEqualTo(SignOffAnswer.INPUT_REFUSED));

        assertThat(build.log()).doesNotContain("approve by erin (");
        assertThat(fixture.board.proceededBy)
                .as("what the input step recorded for erin is forgotten")
                .containsExactly("alice", "bob");
        assertThat(fixture.board.listedIds).isEmpty();
    }

    @Test
    void thePromotionSignOffIsPutUpOnMlPromotesStepNotOnTheEndedCanary() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext canary = waitingAtTheGate(build);
        for (String approver : List.of("alice", "bob")) {
            signIn(approver);
            fixture.board.answer(theListedInput(), Decision.APPROVE, "metrics look fine");
        }
        fixture.runUntilEnded(canary);
        assertThat(canary.result()).isPresent();
        assertThat(fixture.board.listed()).isEmpty();

        FakeStepContext promote = build.newContext().withNode(node("12"));
        started(new MlPromoteStep(ENDPOINT).start(promote));
        fixture.runFor(Duration.ofMinutes(1));

        assertThat(theListedInput().id).isEqualTo("MlRollout-12");
        assertThat(theListedInput().message).contains("sign-off for promotion to 100%");
        signIn("alice");
        fixture.board.answer(theListedInput(), Decision.REJECT, "");
        fixture.runUntilEnded(promote);
        assertThat(promote.failure()).isPresent();
        assertThat(fixture.board.listed()).isEmpty();
    }

    @Test
    void anAbortWhileWaitingTakesTheInputDownAndEndsThePause() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext().withNode(node());
        MlCanaryStep.Execution execution = canaryAtTheGate(context);
        assertThat(fixture.board.listed()).hasSize(1);

        execution.stop(new InterruptedException("aborted by carol"));
        fixture.runUntilEnded(context);

        assertThat(context.failure()).isPresent();
        assertTheInputIsDown();
    }

    @Test
    void aStepEndingOnThePipelinesThreadLeavesTheBuildsInputsToThePluginsThreads() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext().withNode(node());
        MlCanaryStep.Execution execution = canaryAtTheGate(context);
        fixture.holdWork = true;

        execution.stop(new InterruptedException("aborted by carol"));
        execution.stop(new InterruptedException("aborted again by carol")); // ends the step at once, on this thread

        assertThat(context.failure()).isPresent();
        assertThat(fixture.board.listed())
                .as("the calling thread did not read or save the build's inputs")
                .hasSize(1);
        fixture.runHeldWork();
        assertTheInputIsDown();
    }

    @Test
    void afterARestartTheLeftoverListingIsDroppedAndOneInputIsUpWithOnePause() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext().withNode(node());
        MlCanaryStep.Execution execution = canaryAtTheGate(context);
        assertThat(openPauses()).hasSize(1);

        RolloutAction reloaded = Restart.reloaded(build.action(ENDPOINT));
        restartAndResume(build, context, execution, reloaded);
        fixture.runFor(Duration.ofMinutes(2));

        assertThat(fixture.board.droppedStale).containsExactly("MlRollout-7");
        assertThat(theListedInput().message).contains("0 of 2 approval(s)");
        assertThat(openPauses())
                .as("the pause kept from before the restart was ended")
                .hasSize(1);

        signIn("alice");
        fixture.board.answer(theListedInput(), Decision.APPROVE, "metrics look fine");
        signIn("bob");
        fixture.board.answer(theListedInput(), Decision.APPROVE, "metrics look fine");
        fixture.runUntilEnded(context);

        assertThat(context.result()).isPresent();
        assertTheInputIsDown();
    }

    @Test
    void aStepWhoseResumeFailsAfterARestartStillDropsTheListingTheRestartLeft() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext context = build.newContext().withNode(node());
        MlCanaryStep.Execution execution = canaryAtTheGate(context);

        restartAndResume(build, context, execution, null); // the rollout's record is gone, so the resume fails
        fixture.runFor(Duration.ofMinutes(1));

        assertThat(context.failure()).isPresent();
        assertThat(fixture.board.droppedStale).containsExactly("MlRollout-7");
        assertTheInputIsDown();
    }

    @Test
    void foldingLeavesOnePauseWithTheNodesWholePauseTime() {
        FlowNode node = node();
        PauseAction firstGate = new PauseAction("Input");
        firstGate.setStartTime(1_000);
        firstGate.setEndTime(5_000);
        PauseAction firstAnswer = new PauseAction("Input");
        firstAnswer.setStartTime(60_000);
        firstAnswer.setEndTime(61_000);
        PauseAction now = new PauseAction("Input");
        now.setStartTime(61_000);
        actions.addAll(List.of(firstGate, firstAnswer, now));

        SignOffPause.fold(node);

        assertThat(pauses()).containsExactly(now);
        assertThat(now.isPaused()).isTrue();
        assertThat(now.getStartTime()).isEqualTo(61_000 - 4_000 - 1_000);
    }

    @Test
    void theInputsContextReachesTheStepsBuildAndNodeButWritesNothingToItsLog() throws Exception {
        FakeBuild build = fixture.build("fraud-deploy", 1, "dave");
        FakeStepContext step = build.newContext().withNode(node());
        GateInputContext context = new GateInputContext(step, (decision, comment, from) -> {});

        assertThat(context.get(Run.class)).isSameAs(build.run);
        assertThat(context.get(FlowNode.class)).isSameAs(step.get(FlowNode.class));
        context.get(TaskListener.class).getLogger().println("Approved by alice");
        assertThat(build.log()).doesNotContain("Approved by");
        assertThatThrownBy(context::newBodyInvoker).isInstanceOf(IllegalStateException.class);
    }
}
