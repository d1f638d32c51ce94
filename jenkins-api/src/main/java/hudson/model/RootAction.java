// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/RootAction.java
package hudson.model;

import hudson.ExtensionPoint;

/**
 * An {@link Action} at Jenkins' root, registered with {@code @Extension}; a non-null icon puts it in the header. The
 * real interface also has {@code default Badge getBadge()}, which the plugin does not use, so the mirror leaves it out.
 */
public interface RootAction extends Action, ExtensionPoint {
    default boolean isPrimaryAction() {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
