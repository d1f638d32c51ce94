// Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_,
// src/main/java/org/jenkinsci/plugins/workflow/steps/FlowInterruptedException.java
package org.jenkinsci.plugins.workflow.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Result;
import java.util.List;
import jenkins.model.CauseOfInterruption;

/** Ends a step (and usually the build) with a result and the causes, e.g. who rejected or aborted it. */
public final class FlowInterruptedException extends InterruptedException {
    private static final long serialVersionUID = 1L;

    private final Result result;
    private final List<CauseOfInterruption> causes;
    private boolean actualInterruption;

    public FlowInterruptedException(
            @NonNull Result result, boolean actualInterruption, @NonNull CauseOfInterruption... causes) {
        this.result = result;
        this.actualInterruption = actualInterruption;
        this.causes = List.of(causes);
    }

    public @NonNull Result getResult() {
        return result;
    }

    public @NonNull List<CauseOfInterruption> getCauses() {
        return causes;
    }

    public boolean isActualInterruption() {
        return actualInterruption;
    }

    public void setActualInterruption(boolean actualInterruption) {
        this.actualInterruption = actualInterruption;
    }
}
