package io.jenkins.plugins.mlrollout;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import io.mlrollout.core.http.Credential;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns a configured credentials id into the engine's {@link Credential}. Endpoints are the controller's, configured by
 * an administrator, so their credentials are the controller's too: those in Jenkins' own store, of System or Global
 * scope, looked up as SYSTEM. Folder credentials are not used, and the job's authentication plays no part: which jobs
 * may use an endpoint (and so its credentials) is the endpoint's allow-list ({@link EndpointAccess}). The drop-downs
 * list exactly these ({@link FormChecks#credentialItems}). Each use is tracked against the build. The secret leaves
 * {@code hudson.util.Secret} only into the returned object, whose {@code toString()} hides it.
 */
final class CredentialResolver {

    private CredentialResolver() {}

    /**
     * @param credentialsId blank means no authentication
     * @param run the build that uses it, for usage tracking
     * @param field what the id configures, for the error message, e.g. {@code endpoint 'fraud-scorer' router credentialsId}
     * @throws AbortException if the controller has no such credential, or one of another kind
     */
    static Credential resolve(@CheckForNull String credentialsId, Run<?, ?> run, String field) throws AbortException {
        String id = FieldRules.trimToNull(credentialsId);
        if (id == null) {
            return Credential.NONE;
        }
        StringCredentials token = controllerCredential(id, StringCredentials.class);
        if (token != null) {
            CredentialsProvider.track(run, token);
            return new Credential.Bearer(token.getSecret().getPlainText());
        }
        StandardUsernamePasswordCredentials login = controllerCredential(id, StandardUsernamePasswordCredentials.class);
        if (login != null) {
            CredentialsProvider.track(run, login);
            return new Credential.Basic(login.getUsername(), login.getPassword().getPlainText());
        }
        throw new AbortException(field + ": no credentials with id '" + id + "' in Manage Jenkins → Credentials"
                + " (System or Global scope), or they are neither 'Secret text' (a bearer token) nor 'Username with"
                + " password' (basic authentication)");
    }

    /** The credential of this type and id in Jenkins' own store (a null item group is Jenkins), as SYSTEM. */
    private static @CheckForNull <C extends IdCredentials> C controllerCredential(String id, Class<C> type) {
        List<C> found = CredentialsProvider.lookupCredentialsInItemGroup(type, null, ACL.SYSTEM2, List.of());
        return found.stream().filter(c -> id.equals(c.getId())).findFirst().orElse(null);
    }
}
