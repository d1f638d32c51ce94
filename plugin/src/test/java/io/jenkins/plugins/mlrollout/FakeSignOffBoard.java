package io.jenkins.plugins.mlrollout;

import io.mlrollout.core.signoff.Decision;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;

/**
 * A board that does with an input what the input step does (read in pipeline-input-step's InputStepExecution and
 * InputAction): on start it is listed and pauses the flow node with the cause {@code Input}; an answer first settles it
 * (unlisted, the node's current pause ended), then calls the context. The build lists inputs twice, as InputAction
 * does: the executions, which the REST API and Stage View read, and their ids, which the "Paused for Input" link and a
 * restart read; settling an input removes its id by name, whichever input now holds it. Tests answer through
 * {@link #answer} as someone clicking in Pipeline's views.
 */
final class FakeSignOffBoard implements SignOffBoard {

    /** An input put up on the board. */
    static final class Input implements Posting {
        final String id;
        final String message;
        final String submitters;
        final GateInputContext context;
        volatile boolean listed = true;

        Input(String id, String message, String submitters, GateInputContext context) {
            this.id = id;
            this.message = message;
            this.submitters = submitters;
            this.context = context;
        }
    }

    final List<Input> posted = new CopyOnWriteArrayList<>();
    final List<String> droppedStale = new CopyOnWriteArrayList<>();
    /** The ids the build lists (InputAction's {@code ids}), one per input put up and not yet settled. */
    final List<String> listedIds = new CopyOnWriteArrayList<>();
    /** Who proceeded, as the input step records it on the build (its ApproverAction) before the context hears. */
    final List<String> proceededBy = new CopyOnWriteArrayList<>();

    @Override
    public Posting post(String id, String message, String submitters, GateInputContext context) throws Exception {
        Input input = new Input(id, message, submitters, context);
        posted.add(input);
        listedIds.add(id);
        context.get(FlowNode.class).addAction(new PauseAction("Input"));
        return input;
    }

    @Override
    public void takeDown(StepContext step, Posting posting) {
        Input input = (Input) posting;
        input.listed = false;
        listedIds.remove(input.id);
    }

    @Override
    public void forgetRefusedApproval(StepContext step) {
        proceededBy.remove(Jenkins.getAuthentication2().getName());
    }

    @Override
    public void dropStale(StepContext step, String id) {
        droppedStale.add(id);
        listedIds.remove(id);
    }

    /** The inputs listed on the build now. */
    List<Input> listed() {
        return posted.stream().filter(input -> input.listed).toList();
    }

    /**
     * Someone clicks Approve (Proceed, with {@code comment} in the input's one field) or Reject (Abort, which sends no
     * field) on {@code input}; a refusal is thrown to them. Like the input step, it does not ask whether the input is
     * still listed: two answers sent at once both pass its check before either settles the input.
     */
    void answer(Input input, Decision decision, String comment) throws Exception {
        input.listed = false;
        listedIds.remove(input.id);
        FlowNode node = input.context.get(FlowNode.class);
        List<PauseAction> pauses = node.getActions(PauseAction.class);
        if (!pauses.isEmpty()) {
            pauses.get(pauses.size() - 1).setEndTime(System.currentTimeMillis()); // PauseAction.endCurrentPause
        }
        if (decision == Decision.APPROVE) {
            proceededBy.add(Jenkins.getAuthentication2().getName());
            input.context.onSuccess(comment);
        } else {
            input.context.onFailure(new InterruptedException("rejected"));
        }
    }
}
