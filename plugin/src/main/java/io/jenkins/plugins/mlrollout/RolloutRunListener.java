package io.jenkins.plugins.mlrollout;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import io.mlrollout.core.audit.LogLines;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When a build ends, rolls back what it left at the canary's weight: a canary that passed but was never promoted (no
 * later build could promote it), or a rollout whose step was killed. See {@link RolloutAction#buildEnded}.
 */
@Extension
public class RolloutRunListener extends RunListener<Run<?, ?>> {

    private static final Logger LOGGER = Logger.getLogger(RolloutRunListener.class.getName());

    @Override
    public void onCompleted(Run<?, ?> run, TaskListener listener) {
        for (RolloutAction action : run.getActions(RolloutAction.class)) {
            try {
                action.buildEnded(listener);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "ML Rollout could not roll back " + action.getEndpoint() + " of " + run, e);
                listener.getLogger()
                        .println(LogLines.note("could not roll back endpoint " + action.getEndpoint() + ": " + e
                                + "; run mlRollback for it"));
            }
        }
    }
}
