package io.jenkins.plugins.mlrollout;

import com.google.common.util.concurrent.ListenableFuture;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.Result;
import hudson.model.TaskListener;
import io.mlrollout.core.signoff.Decision;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The context of the input that stands for an open sign-off gate ({@link SignOffInput}). It reaches the waiting step's
 * build and flow node, so the input is listed on the build and drawn on that step, but its answers never end the step:
 * the input's Proceed is an approval (with the comment given in its form) and its Abort a rejection, each sent to the
 * gate with the same checks as the rollout page's buttons. What the input step writes to the log (its buttons,
 * "Approved by …") is dropped; the rollout writes its own line for every signature.
 *
 * <p>It lives only in memory, with the posting it belongs to, and is never written with the program's state.
 */
final class GateInputContext extends StepContext {

    private static final long serialVersionUID = 1L;

    /** Where the input's answers go. */
    interface Answers {
        /**
         * Someone answered the input from {@code from}, with {@code comment} (empty when a rejection, which has no
         * form, or when none was given); a refusal is thrown as a {@link hudson.model.Failure} and shown to them.
         */
        void answer(Decision decision, String comment, GateInputContext from);
    }

    private final transient StepContext step;
    private final transient Answers answers;

    GateInputContext(StepContext step, Answers answers) {
        this.step = step;
        this.answers = answers;
    }

    @Override
    public <T> T get(Class<T> key) throws IOException, InterruptedException {
        if (key == TaskListener.class) {
            return key.cast(TaskListener.NULL);
        }
        return step.get(key);
    }

    /** Proceed: an approval. The input's one parameter is the comment, and the input step passes its value alone. */
    @Override
    public void onSuccess(@Nullable Object result) {
        answers.answer(Decision.APPROVE, result instanceof String comment ? comment : "", this);
    }

    /** Abort: a rejection. */
    @Override
    public void onFailure(Throwable cause) {
        answers.answer(Decision.REJECT, "", this);
    }

    @Override
    public boolean isReady() {
        return step.isReady();
    }

    @Override
    public ListenableFuture<Void> saveState() {
        return step.saveState();
    }

    /** The input step sets no result; nothing here may change the build's. */
    @Override
    public void setResult(Result r) {}

    @Override
    public BodyInvoker newBodyInvoker() {
        throw new IllegalStateException("a sign-off input has no body");
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
