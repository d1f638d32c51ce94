// Mirrors org.jenkins-ci.plugins:pipeline-input-step:560.v56198a_642157,
// src/main/java/org/jenkinsci/plugins/workflow/support/steps/input/InputAction.java
package org.jenkinsci.plugins.workflow.support.steps.input;

import hudson.model.Run;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import jenkins.model.RunAction2;

/**
 * The build's pending inputs, by id; it keeps only their ids on disk and finds the executions again among the
 * Pipeline's running steps after a restart.
 */
public class InputAction implements RunAction2 {

    @Override
    public void onAttached(Run<?, ?> r) {}

    @Override
    public void onLoad(Run<?, ?> r) {}

    @Override
    public String getIconFileName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getUrlName() {
        return "input";
    }

    /** Removes the execution from the list, and its id; saves the build. */
    public synchronized void remove(InputStepExecution exec)
            throws IOException, InterruptedException, TimeoutException {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
