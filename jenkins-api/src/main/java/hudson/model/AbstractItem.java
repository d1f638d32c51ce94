// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/AbstractItem.java
package hudson.model;

import hudson.security.ACL;

/** Base class of most {@link Item}s. */
public abstract class AbstractItem extends Actionable implements Item {

    protected AbstractItem(ItemGroup parent, String name) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public ItemGroup getParent() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public final String getFullName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public final String getFullDisplayName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public final String getUrl() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
