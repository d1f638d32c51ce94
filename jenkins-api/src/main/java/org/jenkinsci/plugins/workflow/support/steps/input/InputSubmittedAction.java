// Mirrors org.jenkins-ci.plugins:pipeline-input-step:560.v56198a_642157,
// src/main/java/org/jenkinsci/plugins/workflow/support/steps/input/InputSubmittedAction.java
package org.jenkinsci.plugins.workflow.support.steps.input;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.Map;
import org.jenkinsci.plugins.workflow.actions.PersistentAction;

/** Added to the input's flow node by its Proceed, before the input's context hears of it: who, with what values. */
public class InputSubmittedAction implements PersistentAction {

    public InputSubmittedAction(String approver, @CheckForNull Map<String, Object> parameters) {}

    @CheckForNull
    public String getApprover() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
