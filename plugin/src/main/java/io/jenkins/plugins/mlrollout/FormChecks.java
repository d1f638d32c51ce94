package io.jenkins.plugins.mlrollout;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * What the configuration forms' web methods share: the permission checks that come before anything else, and the
 * credential drop-down. Most of these forms exist only in the global configuration, so Overall/Administer is what they
 * need; the policy templates' form is also on a folder's configure page, where Item/Configure on the folder is.
 */
final class FormChecks {

    private FormChecks() {}

    /** Refuses non-administrators, then reports {@code rule}'s problem with {@code value}, if any, as an error. */
    static FormValidation check(@CheckForNull String value, Function<String, Optional<String>> rule) {
        return check(null, value, rule);
    }

    /**
     * As {@link #check(String, Function)} for a form that is also on an item's configure page (a folder's templates):
     * there, those who may configure the item may check; without an item, only administrators.
     */
    static FormValidation check(
            @CheckForNull Item context, @CheckForNull String value, Function<String, Optional<String>> rule) {
        if (context == null) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        } else {
            context.checkPermission(Item.CONFIGURE);
        }
        return rule.apply(FieldRules.trimToNull(value))
                .map(FormValidation::error)
                .orElseGet(FormValidation::ok);
    }

    /**
     * The credentials an endpoint may use: the controller's secret text (sent as a bearer token) and username with
     * password (basic auth), of System or Global scope; see {@link CredentialResolver}. Endpoints are configured only
     * on the global configuration page, so only administrators see the list; anyone else sees only the current value.
     * No item's permission counts: Stapler reaches the list under any job too, and System-scoped credentials are
     * Jenkins' own, which no job's configurer may see.
     */
    static ListBoxModel credentialItems(@CheckForNull String currentId) {
        StandardListBoxModel result = new StandardListBoxModel();
        String current = currentId == null ? "" : currentId;
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return result.includeCurrentValue(current);
        }
        // Exactly what CredentialResolver looks up: Jenkins' own store (no item), as SYSTEM, so System-scoped
        // credentials are listed and work, and folder credentials are neither listed nor used.
        return result.includeEmptyValue()
                .includeMatchingAs(
                        ACL.SYSTEM2,
                        (Item) null,
                        StandardCredentials.class,
                        List.of(),
                        CredentialsMatchers.anyOf(
                                CredentialsMatchers.instanceOf(StringCredentials.class),
                                CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class)))
                .includeCurrentValue(current);
    }

    /**
     * The credentials that can be the evidence seal key: the controller's secret text and secret file, of System or
     * Global scope, as {@link CredentialResolver#sealKey} looks them up. Only administrators see the list.
     */
    static ListBoxModel sealKeyItems(@CheckForNull String currentId) {
        StandardListBoxModel result = new StandardListBoxModel();
        String current = currentId == null ? "" : currentId;
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return result.includeCurrentValue(current);
        }
        return result.includeEmptyValue()
                .includeMatchingAs(
                        ACL.SYSTEM2,
                        (Item) null,
                        StandardCredentials.class,
                        List.of(),
                        CredentialsMatchers.anyOf(
                                CredentialsMatchers.instanceOf(StringCredentials.class),
                                CredentialsMatchers.instanceOf(FileCredentials.class)))
                .includeCurrentValue(current);
    }
}
