// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Cause.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/** Why a build was started (a user, an upstream build, a timer, ...). */
public abstract class Cause {

    public abstract String getShortDescription();

    /**
     * A person started the build. Mirror behaviour: keeps the id it is given, as the real constructor does, so tests can
     * give a build its starter.
     */
    public static class UserIdCause extends Cause {
        @CheckForNull
        private final String userId;

        public UserIdCause(@CheckForNull String userId) {
            this.userId = userId;
        }

        @CheckForNull
        public String getUserId() {
            return userId;
        }

        public String getUserName() {
            throw new UnsupportedOperationException("compile-only mirror");
        }

        @Override
        public String getShortDescription() {
            throw new UnsupportedOperationException("compile-only mirror");
        }
    }
}
