// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/security/Permission.java
package hudson.security;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;

/**
 * A permission. Mirror: instances only carry a name so that tests can tell the constants apart; the real class also
 * has a group, a description, an implying permission and scopes.
 */
public final class Permission {
    public final @NonNull String name;

    /** Real, deprecated constructor; the mirror's constants use it with a null group. */
    @Deprecated
    public Permission(@NonNull PermissionGroup group, @NonNull String name, @CheckForNull Permission impliedBy) {
        this.name = name;
    }

    public static final Permission HUDSON_ADMINISTER = new Permission(null, "Administer", null);

    public @NonNull String getId() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String toString() {
        return "Permission[" + name + "]";
    }
}
