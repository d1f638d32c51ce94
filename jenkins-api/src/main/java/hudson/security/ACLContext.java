// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/security/ACLContext.java
package hudson.security;

/** Restores the previous identity when closed; returned by {@link ACL#as2}. */
public class ACLContext implements AutoCloseable {

    private ACLContext() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
