// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Cause.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.List;

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

    /** Another build started the build; its causes are kept, trimmed to a bounded depth. */
    public static class UpstreamCause extends Cause {

        public UpstreamCause(Run<?, ?> up) {
            throw new UnsupportedOperationException("compile-only mirror");
        }

        public List<Cause> getUpstreamCauses() {
            throw new UnsupportedOperationException("compile-only mirror");
        }

        @Override
        public String getShortDescription() {
            throw new UnsupportedOperationException("compile-only mirror");
        }
    }
}
