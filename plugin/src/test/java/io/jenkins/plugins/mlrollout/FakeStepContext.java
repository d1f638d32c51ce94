package io.jenkins.plugins.mlrollout;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * A step context as Pipeline gives one: it hands out the build and its log, records how the step ended, and survives
 * Java serialization (Pipeline writes step executions, context included, to disk). After a round trip it still reaches
 * the same build, log and record, as a resumed Pipeline does.
 */
final class FakeStepContext extends StepContext {

    private static final long serialVersionUID = 1L;

    /** What a context reaches; kept outside the serialized form, like the real context's build and log. */
    private static final class Bindings {
        final Run<?, ?> run;
        final TaskListener listener;
        final List<Object> results = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        volatile Runnable whenEnded = () -> {};
        /** The step's flow node, when a test gives one. */
        volatile FlowNode node;

        volatile FilePath workspace;

        Bindings(Run<?, ?> run, TaskListener listener) {
            this.run = run;
            this.listener = listener;
        }
    }

    private static final Map<String, Bindings> BINDINGS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    FakeStepContext(Run<?, ?> run, TaskListener listener) {
        BINDINGS.put(id, new Bindings(run, listener));
    }

    private Bindings bindings() {
        return BINDINGS.get(id);
    }

    @Override
    public <T> T get(Class<T> key) {
        if (key == Run.class) {
            return key.cast(bindings().run);
        }
        if (key == TaskListener.class) {
            return key.cast(bindings().listener);
        }
        if (key == FlowNode.class) {
            return key.cast(bindings().node);
        }
        if (key == FilePath.class) {
            return key.cast(bindings().workspace);
        }
        return null;
    }

    @Override
    public synchronized void onSuccess(Object result) {
        bindings().whenEnded.run();
        bindings().results.add(result);
    }

    @Override
    public synchronized void onFailure(Throwable t) {
        bindings().whenEnded.run();
        bindings().failures.add(t);
    }

    /** Hands out {@code node} as the step's flow node, as Pipeline does; it survives the context's round trip. */
    FakeStepContext withNode(FlowNode node) {
        bindings().node = node;
        return this;
    }

    /** The step runs inside {@code node}, in this workspace; without it, as outside any node, there is none. */
    void inWorkspace(FilePath workspace) {
        bindings().workspace = workspace;
    }

    /** Runs {@code check} at the moment the step ends, before Pipeline would run the next statement. */
    void whenEnded(Runnable check) {
        bindings().whenEnded = check;
    }

    /** How many times the step was ended; a step must end exactly once. */
    synchronized int endings() {
        return bindings().results.size() + bindings().failures.size();
    }

    boolean ended() {
        return endings() > 0;
    }

    synchronized Optional<Object> result() {
        return bindings().results.stream().findFirst();
    }

    synchronized Optional<Throwable> failure() {
        return bindings().failures.stream().findFirst();
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public ListenableFuture<Void> saveState() {
        return Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {}

    @Override
    public BodyInvoker newBodyInvoker() {
        throw new IllegalStateException("the plugin's steps have no body");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FakeStepContext other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
