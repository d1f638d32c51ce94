// Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_,
// src/main/java/org/jenkinsci/plugins/workflow/steps/AbstractStepImpl.java
package org.jenkinsci.plugins.workflow.steps;

/** The deprecated base of older steps; the input step still extends it. */
public abstract class AbstractStepImpl extends Step {

    protected AbstractStepImpl(boolean ignored) {}

    @Override
    public StepExecution start(StepContext context) throws Exception {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
