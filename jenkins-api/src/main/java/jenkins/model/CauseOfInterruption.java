// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/CauseOfInterruption.java
package jenkins.model;

import hudson.model.TaskListener;
import java.io.Serializable;

/** Why a build or a step was interrupted (who aborted, who rejected). */
public abstract class CauseOfInterruption implements Serializable {
    private static final long serialVersionUID = 1L;

    public abstract String getShortDescription();

    public void print(TaskListener listener) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
