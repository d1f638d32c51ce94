// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/User.java
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import java.util.List;
import jenkins.model.IdStrategy;
import org.springframework.security.core.Authentication;

/** A person known to Jenkins. */
public class User implements AccessControlled {

    private User() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static IdStrategy idStrategy() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public String getId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getUrl() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getAbsoluteUrl() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getFullName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull Authentication impersonate2() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @NonNull List<String> getAuthorities() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public @NonNull ACL getACL() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull User get(String idOrFullName) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @CheckForNull User current() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @Nullable User getById(String id, boolean create) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
