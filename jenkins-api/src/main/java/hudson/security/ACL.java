// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/security/ACL.java
package hudson.security;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.User;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/** Who may do what. */
public abstract class ACL {
    /** The identity Jenkins itself runs as; the same value as in Jenkins, built from Spring Security. */
    public static final Authentication SYSTEM2 = new UsernamePasswordAuthenticationToken("SYSTEM", "SYSTEM");

    public final void checkPermission(@NonNull Permission p) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public final boolean hasPermission(@NonNull Permission p) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean hasPermission2(@NonNull Authentication a, @NonNull Permission permission) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull ACLContext as2(@NonNull Authentication auth) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull ACLContext as(@CheckForNull User user) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static boolean isAnonymous2(@NonNull Authentication authentication) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
