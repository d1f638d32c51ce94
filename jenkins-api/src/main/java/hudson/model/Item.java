// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, hudson/model/Item.java
package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;

/** A job, folder or other named thing in the item tree. */
public interface Item extends AccessControlled {
    ItemGroup<? extends Item> getParent();

    String getName();

    String getFullName();

    String getDisplayName();

    String getUrl();

    // The real constants belong to Item.PERMISSIONS and carry descriptions; distinct names are all a mirror needs.
    Permission CREATE = new Permission(null, "Create", null);
    Permission DELETE = new Permission(null, "Delete", null);
    Permission CONFIGURE = new Permission(null, "Configure", null);
    Permission READ = new Permission(null, "Read", null);
    Permission DISCOVER = new Permission(null, "Discover", null);
    Permission EXTENDED_READ = new Permission(null, "ExtendedRead", null);
    Permission BUILD = new Permission(null, "Build", null);
    Permission WORKSPACE = new Permission(null, "Workspace", null);
    Permission WIPEOUT = new Permission(null, "WipeOut", null);
    Permission CANCEL = new Permission(null, "Cancel", null);
}
