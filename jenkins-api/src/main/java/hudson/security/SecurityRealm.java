// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/security/SecurityRealm.java
package hudson.security;

import hudson.ExtensionPoint;
import jenkins.model.IdStrategy;

/** How Jenkins authenticates users and which groups they belong to. */
public abstract class SecurityRealm implements ExtensionPoint {

    public IdStrategy getUserIdStrategy() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public IdStrategy getGroupIdStrategy() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
