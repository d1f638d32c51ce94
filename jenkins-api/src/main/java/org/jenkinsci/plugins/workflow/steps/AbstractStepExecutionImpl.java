// Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_,
// src/main/java/org/jenkinsci/plugins/workflow/steps/AbstractStepExecutionImpl.java
package org.jenkinsci.plugins.workflow.steps;

/** The base of the input step's execution. */
public abstract class AbstractStepExecutionImpl extends StepExecution {
    private static final long serialVersionUID = 1L;

    protected AbstractStepExecutionImpl(StepContext context) {
        super(context);
    }
}
