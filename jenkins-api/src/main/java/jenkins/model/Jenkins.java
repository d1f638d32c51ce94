// Mirrors org.jenkins-ci.main:jenkins-core:2.555.3, jenkins/model/Jenkins.java
package jenkins.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.TopLevelItem;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import hudson.security.SecurityRealm;
import java.io.File;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;

/**
 * The Jenkins controller, root of the object tree. The real class is an {@code ItemGroup<TopLevelItem>} through {@code
 * AbstractCIBase}, where {@link #getUrl()} is declared.
 */
public class Jenkins implements AccessControlled, ItemGroup<TopLevelItem> {
    public static final Permission ADMINISTER = Permission.HUDSON_ADMINISTER;
    public static final Permission MANAGE = new Permission(null, "Manage", ADMINISTER);
    public static final Permission SYSTEM_READ = new Permission(null, "SystemRead", ADMINISTER);
    public static final Permission READ = new Permission(null, "Read", null);

    private Jenkins() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    public static Jenkins get() throws IllegalStateException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @CheckForNull
    public static Jenkins getInstanceOrNull() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static @NonNull Authentication getAuthentication2() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @Nullable String getRootUrl() throws IllegalStateException {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public File getRootDir() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public boolean isUseSecurity() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public SecurityRealm getSecurityRealm() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getFullName() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public String getUrl() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public @CheckForNull <T extends Item> T getItemByFullName(@NonNull String fullName, Class<T> type)
            throws AccessDeniedException {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
