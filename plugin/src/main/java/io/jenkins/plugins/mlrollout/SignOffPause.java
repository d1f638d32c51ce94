package io.jenkins.plugins.mlrollout;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;

/**
 * Keeps a sign-off wait on the waiting step's flow node as the input step keeps its wait: a {@link PauseAction} with
 * the cause {@code Input} while the gate is open, given an end time when it settles (the input step ends its pause the
 * same way rather than removing it, so the views can count how long the build was paused). The action is saved with
 * the flow node, so it survives a restart; the rollout's state, not memory, says whether the gate is open.
 *
 * <p>The input step pauses a node once; a sign-off input is put up again after every answer and at every gate, and
 * each time pauses the node anew. The views read one pause per node, some the first (pipeline-graph-view's
 * {@code getAction}), some the last ({@code PauseAction.isPaused(node)}), so {@link #fold} keeps one: the open pause,
 * moved back by the length of the ended ones it replaces, so that the node's pause time stays what it was.
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
                fold(node);
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

    /**
     * Replaces the node's ended sign-off pauses by the open one, started earlier by their total length. Does nothing
     * while no pause is open; a node that cannot be saved is logged.
     */
    static void fold(FlowNode node) {
        try {
            PauseAction open = openPause(node);
            if (open == null) {
                return;
            }
            long earlier = 0;
            for (PauseAction pause : node.getActions(PauseAction.class)) {
                if (pause != open && CAUSE.equals(pause.getCause()) && !pause.isPaused()) {
                    earlier += pause.getEndTime() - pause.getStartTime();
                    node.removeAction(pause);
                }
            }
            if (earlier > 0) {
                open.setStartTime(open.getStartTime() - earlier);
                node.save();
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not fold the sign-off pauses of a flow node", e);
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
