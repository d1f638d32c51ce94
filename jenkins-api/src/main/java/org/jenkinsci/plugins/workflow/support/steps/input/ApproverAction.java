// Mirrors org.jenkins-ci.plugins:pipeline-input-step:560.v56198a_642157,
// src/main/java/org/jenkinsci/plugins/workflow/support/steps/input/ApproverAction.java
package org.jenkinsci.plugins.workflow.support.steps.input;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.InvisibleAction;

/** Added to the build by an input's Proceed, before the input's context hears of it: who proceeded. */
public class ApproverAction extends InvisibleAction {

    public ApproverAction(String userId) {}

    @NonNull
    public String getUserId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
