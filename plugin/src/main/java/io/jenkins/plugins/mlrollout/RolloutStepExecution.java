package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.TaskListener;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;
import java.io.IOException;
import java.util.Optional;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * What the executions of {@code mlCanary}, {@code mlPromote} and {@code mlRollback} share. They wait for a rollout
 * without holding a thread or an executor, end once, when the rollout comes to a rest that answers them, and follow it
 * again after a restart. When the build is aborted they ask the rollout to stop (it rolls back unless the policy says
 * hold), let that finish on the timer, and then fail with the abort's cause; a second abort fails them at once.
 *
 * <p>Their durable fields are only what finding the rollout again needs; the rollout itself, the log and the outcome
 * are transient, and its state is saved with the build by the {@link RolloutAction}.
 */
abstract class RolloutStepExecution extends StepExecution implements LiveRollout.Waiter {

    private static final long serialVersionUID = 1L;

    private transient LiveRollout rollout;
    private transient TaskListener log;
    private transient boolean done;
    private transient Throwable stopped;
    /** The step handed its start (or resume) to the plugin's threads, which have not followed a rollout yet. */
    private transient boolean starting;
    /** The open gate shown as a pending input; made again after a restart. */
    private transient SignOffInput signOffInput;

    RolloutStepExecution(StepContext context) {
        super(context);
    }

    /** How a step ends: with a value for the pipeline, or failed with a message for people. */
    record Outcome(@CheckForNull Object value, @CheckForNull String failure) {
        static Outcome success(Object value) {
            return new Outcome(value, null);
        }

        static Outcome failed(String message) {
            return new Outcome(null, message);
        }
    }

    /** What a rest of the rollout means for this step; empty to keep waiting. */
    abstract Optional<Outcome> outcome(RolloutState state, LiveRollout rollout);

    /** Follows {@code live}: its lines go to this step's log, and a build abort is sent to it. */
    final void follow(LiveRollout live, TaskListener listener) {
        Throwable stopMeanwhile;
        synchronized (this) {
            this.rollout = live;
            this.log = listener;
            live.attach(listener);
            starting = false;
            stopMeanwhile = done ? null : stopped;
        }
        if (stopMeanwhile != null) {
            abort(live, stopMeanwhile); // the build was stopped while the rollout was being found
        }
    }

    /**
     * Runs {@code work} on the plugin's threads, never on the Pipeline's: credential look-ups, files and the build's
     * record may block. A failure there fails the step.
     */
    final void startSoon(Work work) {
        synchronized (this) {
            starting = true;
        }
        RolloutServices.current().work().execute(() -> {
            synchronized (this) {
                if (done) {
                    return; // stopped before it began
                }
            }
            try {
                work.run();
            } catch (Exception e) {
                failWithSynchronized(e);
            } catch (Error e) {
                failWithSynchronized(e);
                throw e;
            }
        });
    }

    /** The step goes on without a rollout to follow (a direct rollback): from now on a stop ends it at once. */
    final synchronized void withoutRollout() {
        starting = false;
        if (stopped != null) {
            failWith(stopped);
        }
    }

    /** What a step does on the plugin's threads when it starts or resumes. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private synchronized void failWithSynchronized(Throwable cause) {
        starting = false;
        failWith(cause);
    }

    /** Waits (without a thread) for the rollout's rests. */
    final void await() {
        rollout().await(this);
        observed(rollout().state()); // a gate may have opened before this step waited, e.g. on mlPromote's request
    }

    /**
     * While a sign-off gate is open, Pipeline's views show this step waiting for input: the gate is put up as a
     * pending input on the step, which pauses it as the input step does.
     */
    @Override
    public final void observed(RolloutState state) {
        showSignOffWait(state.phase() == Phase.AWAITING_SIGNOFF);
    }

    private void showSignOffWait(boolean waiting) {
        FlowNode node;
        try {
            node = getContext().get(FlowNode.class);
        } catch (IOException e) {
            return; // the build is going away; nothing to show
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (node == null) {
            return;
        }
        SignOffInput input = signOffInput(node);
        if (done) {
            input.stepEnded(node);
            return;
        }
        input.refresh(node);
        SignOffPause.show(node, waiting); // when no input could be put up, the pause alone
    }

    private synchronized SignOffInput signOffInput(FlowNode node) {
        if (signOffInput == null) {
            RolloutServices services = RolloutServices.current();
            signOffInput = new SignOffInput(
                    getContext(), services.board(), SignOffInput.idFor(node), this::openGate, services.work());
        }
        return signOffInput;
    }

    private Optional<SignOffInput.Gate> openGate() {
        LiveRollout live = rollout;
        return live == null || done ? Optional.empty() : live.action().inputGate();
    }

    final LiveRollout rollout() {
        LiveRollout live = rollout;
        if (live == null) {
            throw new IllegalStateException("no rollout is followed yet");
        }
        return live;
    }

    /**
     * Hands a request to the rollout on the timer, never on the Pipeline's thread (the driver may be busy talking to a
     * router), unless the step has ended or was stopped meanwhile; then waits for the rollout. A refused request fails
     * the step with the refusal.
     */
    final void submitSoon(Input request) {
        RolloutServices services = RolloutServices.current();
        services.scheduler().schedule(() -> submitNow(request), services.clock().instant());
    }

    private void submitNow(Input request) {
        synchronized (this) {
            if (done || stopped != null) {
                return;
            }
        }
        Optional<String> refusal = rollout().submit(request);
        if (refusal.isPresent()) {
            end(Outcome.failed(refusal.get()));
            return;
        }
        submitted();
        await();
    }

    /** Called once a request of this step was taken; e.g. from then on a failed rollback answers the step. */
    void submitted() {}

    @Override
    public final synchronized boolean settle(RolloutState state) {
        if (done) {
            return true;
        }
        if (stopped != null) {
            failWith(stopped);
            return true;
        }
        Optional<Outcome> outcome = outcome(state, rollout);
        outcome.ifPresent(this::end);
        return outcome.isPresent();
    }

    @Override
    public final synchronized void broke(Throwable error) {
        if (!done) {
            failWith(new AbortException("the rollout stopped on an internal error: " + error
                    + "; check the router's split and run mlRollback if needed"));
        }
    }

    @Override
    public void stop(Throwable cause) {
        LiveRollout live;
        synchronized (this) {
            if (done) {
                return;
            }
            live = rollout;
            if (stopped == null && live == null && starting) {
                stopped = cause; // the start on the plugin's threads sends the abort once it has the rollout
                return;
            }
            if (stopped != null || live == null) {
                failWith(cause); // a second abort, or nothing to stop: do not wait any longer
                return;
            }
            stopped = cause;
        }
        abort(live, cause);
    }

    /** Asks the rollout to stop, on the plugin's threads, and waits for it to rest. */
    private void abort(LiveRollout live, Throwable cause) {
        RolloutServices services = RolloutServices.current();
        services.scheduler()
                .schedule(
                        () -> {
                            live.submit(new Input.AbortRequested(
                                    People.stoppedBy(cause), services.clock().instant()));
                            live.await(this);
                        },
                        services.clock().instant());
    }

    /** Set while the step itself writes to the router (a direct rollback). */
    private transient volatile boolean writingDirectly;

    /** Jenkins waits with a safe restart while a traffic move is being written to the router. */
    @Override
    public boolean blocksRestart() {
        LiveRollout live = rollout;
        return writingDirectly || (live != null && live.writingToRouter());
    }

    /** Runs a router write of the step's own, blocking a restart meanwhile. */
    final <T> T writingToRouter(java.util.concurrent.Callable<T> write) throws Exception {
        writingDirectly = true;
        try {
            return write.call();
        } finally {
            writingDirectly = false;
        }
    }

    @Override
    public String getStatus() {
        LiveRollout live = rollout;
        return live == null ? null : live.status(RolloutServices.current());
    }

    /** Ends the step with {@code outcome}, once. */
    final synchronized void end(Outcome outcome) {
        if (done) {
            return;
        }
        finished();
        if (outcome.failure() != null) {
            getContext().onFailure(new AbortException(outcome.failure()));
        } else {
            getContext().onSuccess(outcome.value());
        }
    }

    private void failWith(Throwable cause) {
        if (!done) {
            finished();
            getContext().onFailure(cause);
        }
    }

    private void finished() {
        done = true;
        showSignOffWait(false);
        if (rollout != null && log != null) {
            rollout.detach(log);
        }
    }

    /** The message for a rollout that ended without doing what the step asked; loud when traffic is stuck. */
    static String failure(String step, RolloutState state) {
        RolloutState.Subject subject = state.subject();
        String what = step + ": " + subject.candidate() + " on endpoint " + subject.endpoint();
        return switch (state.phase()) {
            case ROLLED_BACK -> what + " was rolled back: " + state.reason();
            case ROLLBACK_FAILED ->
                what + ": ROLLBACK FAILED, " + state.canaryWeight() + "% of traffic is still on the candidate ("
                        + subject.baseline() + " " + (100 - state.canaryWeight()) + "% / " + subject.candidate() + " "
                        + state.canaryWeight() + "%). " + state.reason()
                        + ". Fix the router, then run mlRollback again";
            case HALTED -> what + " was halted with " + state.canaryWeight() + "% on the candidate: " + state.reason();
            default -> what + " ended " + state.phase() + (state.reason() == null ? "" : ": " + state.reason());
        };
    }
}
