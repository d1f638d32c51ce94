package io.jenkins.plugins.mlrollout;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.http.Credential;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns a configured credentials id into the engine's {@link Credential}, looked up for a build as the credentials
 * plugin does it (parameters, the job's authentication, usage tracking). The secret leaves {@code hudson.util.Secret}
 * only into the returned object, whose {@code toString()} hides it.
 */
final class CredentialResolver {

    private CredentialResolver() {}

    /**
     * @param credentialsId blank means no authentication
     * @param field what the id configures, for the error message, e.g. {@code endpoint 'fraud-scorer' router credentialsId}
     * @throws AbortException if the id names nothing this build may use, or a credential of another kind
     */
    static Credential resolve(@CheckForNull String credentialsId, Run<?, ?> run, String field) throws AbortException {
        String id = FieldRules.trimToNull(credentialsId);
        if (id == null) {
            return Credential.NONE;
        }
        StringCredentials token = CredentialsProvider.findCredentialById(id, StringCredentials.class, run);
        if (token != null) {
            CredentialsProvider.track(run, token);
            return new Credential.Bearer(token.getSecret().getPlainText());
        }
        StandardUsernamePasswordCredentials login =
                CredentialsProvider.findCredentialById(id, StandardUsernamePasswordCredentials.class, run);
        if (login != null) {
            CredentialsProvider.track(run, login);
            return new Credential.Basic(login.getUsername(), login.getPassword().getPlainText());
        }
        throw new AbortException(field + ": no credentials with id '" + id + "' that this build may use, or they are"
                + " neither 'Secret text' (a bearer token) nor 'Username with password' (basic authentication)");
    }
}
