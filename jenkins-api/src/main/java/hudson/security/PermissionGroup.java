// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/security/PermissionGroup.java
package hudson.security;

/** A named group of permissions; only a type here (the mirror's constants have no group). */
public final class PermissionGroup {

    private PermissionGroup() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
