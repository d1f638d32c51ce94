// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/CauseOfInterruption.java
package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.TaskListener;
import java.io.Serializable;

/** Why a build or a step was interrupted (who aborted, who rejected). */
public abstract class CauseOfInterruption implements Serializable {
    private static final long serialVersionUID = 1L;

    public abstract String getShortDescription();

    public void print(TaskListener listener) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    /**
     * A person stopped the build. Mirror behaviour: keeps the user id it is given, as the real constructor does, so
     * tests can abort a build as someone.
     */
    public static final class UserInterruption extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;

        private final String user;

        public UserInterruption(@NonNull String userId) {
            this.user = userId;
        }

        @NonNull
        public String getUserId() {
            return user;
        }

        @Override
        public String getShortDescription() {
            throw new UnsupportedOperationException("compile-only mirror");
        }
    }
}
