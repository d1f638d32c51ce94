package io.jenkins.plugins.mlrollout;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;

/**
 * Shows a sign-off wait on the waiting step's flow node as the input step shows its wait: a {@link PauseAction} with
 * the cause {@code Input} while the gate is open, given an end time when it settles (the input step ends its pause the
 * same way rather than removing it, so the views can count how long the build was paused). The action is saved with
 * the flow node, so it survives a restart; the rollout's state, not memory, says whether the gate is open.
 *
 * <p>What Pipeline's views make of it (read in their source, see docs/jenkins.md): the pause time is counted by every
 * view that reads {@code PauseAction}; the "paused for input" state in pipeline-graph-view, Stage View and Blue Ocean
 * additionally needs the input step's own {@code InputAction} with a pending input in the same build, which only the
 * input step can make.
 */
final class SignOffPause {

    /** The cause the input step gives; the views compare it with this text. */
    static final String CAUSE = "Input";

    private static final Logger LOGGER = Logger.getLogger(SignOffPause.class.getName());

    private SignOffPause() {}

    /**
     * Opens the pause when {@code waiting} and none is open, ends the open one otherwise; does nothing when the node
     * already shows it. A node that cannot be saved is logged, never fails the rollout.
     */
    static void show(FlowNode node, boolean waiting) {
        try {
            PauseAction open = openPause(node);
            if (waiting && open == null) {
                node.addAction(new PauseAction(CAUSE));
            } else if (!waiting && open != null) {
                open.setEndTime(System.currentTimeMillis());
                node.save();
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(
                    Level.WARNING,
                    "could not " + (waiting ? "mark" : "unmark") + " the sign-off wait on a flow node",
                    e);
        }
    }

    /** The pause this class opened and has not ended yet, if any. */
    static PauseAction openPause(FlowNode node) {
        PauseAction open = null;
        for (PauseAction pause : node.getActions(PauseAction.class)) {
            if (CAUSE.equals(pause.getCause()) && pause.isPaused()) {
                open = pause;
            }
        }
        return open;
    }
}
