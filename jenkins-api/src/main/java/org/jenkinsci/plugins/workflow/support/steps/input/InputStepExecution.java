// Mirrors org.jenkins-ci.plugins:pipeline-input-step:560.v56198a_642157,
// src/main/java/org/jenkinsci/plugins/workflow/support/steps/input/InputStepExecution.java
package org.jenkinsci.plugins.workflow.support.steps.input;

import hudson.model.ModelObject;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * A pending input. {@code start()} lists it in the build's {@link InputAction} and pauses the context's flow node; its
 * Proceed and Abort web methods settle it, end the pause, and then call the context's {@code onSuccess} or
 * {@code onFailure}.
 */
public class InputStepExecution extends AbstractStepExecutionImpl implements ModelObject {
    private static final long serialVersionUID = 1L;

    InputStepExecution(InputStep input, StepContext context) {
        super(context);
    }

    @Override
    public boolean start() throws Exception {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
