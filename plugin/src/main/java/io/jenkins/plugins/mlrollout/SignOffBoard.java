package io.jenkins.plugins.mlrollout;

import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Where an open sign-off gate is put up as a pending input of the pipeline-input-step plugin. In Jenkins that is
 * {@link PipelineInputBoard}; tests give {@link RolloutServices} a board of their own.
 */
interface SignOffBoard {

    /** An input put up on the board. */
    interface Posting {}

    /**
     * Lists an input named {@code id} saying {@code message} on the waiting step's build and pauses the step's flow
     * node; {@code submitters} (user ids and group names, comma-separated) may answer it, and the answers go to
     * {@code context}.
     */
    Posting post(String id, String message, String submitters, GateInputContext context) throws Exception;

    /** Takes down an input nobody answered, and with it the build's listing; the caller ends the pause. */
    void takeDown(StepContext step, Posting posting) throws Exception;

    /**
     * Forgets what an input's Proceed recorded for the person answering now (on the build and the flow node) before
     * the gate refused their approval: it did not approve anything.
     */
    void forgetRefusedApproval(StepContext step) throws Exception;

    /** Drops the listing of an input named {@code id} that a controller restart left behind without its execution. */
    void dropStale(StepContext step, String id) throws Exception;
}
