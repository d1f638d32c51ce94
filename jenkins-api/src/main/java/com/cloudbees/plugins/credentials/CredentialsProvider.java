// Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0,
// src/main/java/com/cloudbees/plugins/credentials/CredentialsProvider.java
package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.ExtensionPoint;
import hudson.model.ItemGroup;
import hudson.model.Run;
import java.util.List;
import org.springframework.security.core.Authentication;

/** Where credentials come from, and the static look-ups every consumer uses. */
public abstract class CredentialsProvider implements ExtensionPoint {

    private CredentialsProvider() {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(
            @NonNull String id, @NonNull Class<C> type, @NonNull Run<?, ?> run) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    @NonNull
    public static <C extends Credentials> List<C> lookupCredentialsInItemGroup(
            @NonNull Class<C> type,
            @Nullable ItemGroup itemGroup,
            @Nullable Authentication authentication,
            @Nullable List<DomainRequirement> domainRequirements) {
        throw new UnsupportedOperationException("compile-only mirror");
    }

    public static <C extends Credentials> C track(@NonNull Run build, @CheckForNull C credentials) {
        throw new UnsupportedOperationException("compile-only mirror");
    }
}
