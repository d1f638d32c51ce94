package io.jenkins.plugins.mlrollout;

import hudson.model.Run;
import hudson.model.StringParameterDefinition;
import io.mlrollout.core.signoff.ApproverMatcher;
import java.util.List;
import java.util.function.Predicate;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.support.steps.input.ApproverAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStep;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;
import org.jenkinsci.plugins.workflow.support.steps.input.InputSubmittedAction;

/**
 * Puts a sign-off up as the {@code input} step's own execution, made through the step's public {@code start(context)}
 * and started on the gate's context: the input step lists it in the build's {@link InputAction} and pauses the flow
 * node with the cause {@code Input}, which is what pipeline-graph-view, Stage View and the build's "Paused for Input"
 * page look for. It is not one of the Pipeline's running steps, so after a restart the build still lists its id but
 * cannot find it; {@link #dropStale} removes that id.
 */
final class PipelineInputBoard implements SignOffBoard {

    static final String APPROVE = "Approve";
    static final String REJECT = "Reject";
    static final String COMMENT = "comment";

    private record Posted(InputStepExecution execution) implements Posting {}

    @Override
    public Posting post(String id, String message, String submitters, GateInputContext context) throws Exception {
        InputStep input = input(id, message);
        input.setSubmitter(submitters);
        InputStepExecution execution = (InputStepExecution) input.start(context);
        execution.start();
        return new Posted(execution);
    }

    @Override
    public void takeDown(StepContext step, Posting posting) throws Exception {
        InputAction inputs = step.get(Run.class).getAction(InputAction.class);
        if (inputs != null) {
            inputs.remove(((Posted) posting).execution());
        }
    }

    /**
     * The input step records the person by their Jenkins user id, which a realm that ignores case may spell otherwise
     * than the name they logged in with; the realm's user id strategy decides, as for the gate's signatures.
     */
    @Override
    public void forgetRefusedApproval(StepContext step) throws Exception {
        String who = Jenkins.getAuthentication2().getName();
        ApproverMatcher people = People.approverMatcher();
        Run<?, ?> run = step.get(Run.class);
        ApproverAction approver =
                last(run.getActions(ApproverAction.class), a -> people.samePerson(who, a.getUserId()));
        if (approver != null) {
            run.removeAction(approver);
            run.save();
        }
        FlowNode node = step.get(FlowNode.class);
        InputSubmittedAction submitted = last(
                node.getActions(InputSubmittedAction.class),
                a -> a.getApprover() != null && people.samePerson(who, a.getApprover()));
        if (submitted != null) {
            node.removeAction(submitted);
        }
    }

    private static <A> A last(List<A> actions, Predicate<A> mine) {
        for (int i = actions.size() - 1; i >= 0; i--) {
            if (mine.test(actions.get(i))) {
                return actions.get(i);
            }
        }
        return null;
    }

    @Override
    public void dropStale(StepContext step, String id) throws Exception {
        InputAction inputs = step.get(Run.class).getAction(InputAction.class);
        if (inputs != null) {
            // The listing forgets an execution by its id; one never started with that id is enough to name it.
            inputs.remove((InputStepExecution) input(id, "").start(step));
        }
    }

    private static InputStep input(String id, String message) {
        InputStep input = new InputStep(message);
        input.setId(id);
        input.setOk(APPROVE);
        input.setCancel(REJECT);
        // An approval is a decision record and needs a reason; Reject sends no form, and a rejection needs none.
        input.setParameters(List.of(new StringParameterDefinition(
                COMMENT, "", "Why you approve: recorded with your name in the log and the evidence")));
        return input;
    }
}
