// Mirrors org.jenkins-ci.plugins.workflow:workflow-support:1015.v785e5a_b_b_8b_22,
// src/main/java/org/jenkinsci/plugins/workflow/support/actions/PauseAction.java
package org.jenkinsci.plugins.workflow.support.actions;

import hudson.model.InvisibleAction;
import org.jenkinsci.plugins.workflow.actions.PersistentAction;

/**
 * Marks a flow node as pausing the build, from its start time until an end time is set (0 while paused). Behaves as
 * the real one for what the plugin's tests exercise: the cause, the start time taken at construction, the end time.
 */
public class PauseAction extends InvisibleAction implements PersistentAction {

    private String cause;
    private long startTime = System.currentTimeMillis();
    private long endTime;

    public PauseAction(String cause) {
        this.cause = cause;
    }

    public String getCause() {
        return cause;
    }

    public long getStartTime() {
        return startTime;
    }

    public void setStartTime(long startTime) {
        this.startTime = startTime;
    }

    public long getEndTime() {
        return endTime;
    }

    public void setEndTime(long endTime) {
        this.endTime = endTime;
    }

    public boolean isPaused() {
        return endTime == 0L;
    }
}
