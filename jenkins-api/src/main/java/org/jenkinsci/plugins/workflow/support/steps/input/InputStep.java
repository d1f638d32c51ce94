// Mirrors org.jenkins-ci.plugins:pipeline-input-step:560.v56198a_642157,
// src/main/java/org/jenkinsci/plugins/workflow/support/steps/input/InputStep.java
package org.jenkinsci.plugins.workflow.support.steps.input;

import hudson.model.ParameterDefinition;
import java.io.Serializable;
import java.util.List;
import org.jenkinsci.plugins.workflow.steps.AbstractStepImpl;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/** The {@code input} step: a message, an id that names it under the build's {@code input/} URL, and button captions. */
public class InputStep extends AbstractStepImpl implements Serializable {

    public InputStep(String message) {
        super(true);
    }

    /** Refuses an id that is not URL-safe; capitalizes a leading lower-case letter. */
    public void setId(String id) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** Comma-separated user ids and group names who may answer (administrators always may); null: Job/Build. */
    public void setSubmitter(String submitter) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public void setOk(String ok) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public void setCancel(String cancel) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** What the person answering fills in; with parameters, Proceed opens a form rather than proceeding at once. */
    public void setParameters(List<ParameterDefinition> parameters) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /** Makes the execution without starting it. */
    @Override
    public StepExecution start(StepContext context) throws Exception {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
