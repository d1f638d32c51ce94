package io.jenkins.plugins.mlrollout;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.http.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
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

    /**
     * A secret text credential's value, e.g. a notification sink's URL (Slack's and Teams' URLs carry their
     * credential). The error names the field and the id, never the secret.
     */
    static String secretText(String credentialsId, Run<?, ?> run, String field) throws AbortException {
        StringCredentials text = controllerCredential(credentialsId, StringCredentials.class);
        if (text == null) {
            throw new AbortException(field + ": no 'Secret text' credentials with id '" + credentialsId
                    + "' in Manage Jenkins → Credentials (System or Global scope)");
        }
        CredentialsProvider.track(run, text);
        return text.getSecret().getPlainText().trim();
    }

    /**
     * The seal key the global configuration names, if any; see {@link #sealKey}. A key that cannot be used does not
     * stop a seal: {@code warn} is told why (naming the credential, never its secret) and the file is sealed without.
     */
    static Optional<SealKey> configuredSealKey(Consumer<String> warn) {
        try {
            return sealKey(MlRolloutConfiguration.get().getSealCredentialsId());
        } catch (AbortException e) {
            warn.accept("WARNING: " + e.getMessage() + "; sealing the evidence without a key");
            return Optional.empty();
        }
    }

    /**
     * The evidence seal key of the global configuration ({@code sealCredentialsId}): a secret text (its text as UTF-8)
     * or a secret file (its bytes, without a trailing line break, as {@code mlrollout verify-evidence --seal-key FILE}
     * reads a key file), from the controller's store as SYSTEM like the endpoints' credentials. No message names more
     * of the key than its length.
     *
     * @param credentialsId blank means no keyed seal
     * @throws AbortException if there is no such credential, it is of another kind, unreadable or too short
     */
    static Optional<SealKey> sealKey(@CheckForNull String credentialsId) throws AbortException {
        String id = FieldRules.trimToNull(credentialsId);
        if (id == null) {
            return Optional.empty();
        }
        String field = "ML Rollout sealCredentialsId";
        byte[] bytes;
        StringCredentials text = controllerCredential(id, StringCredentials.class);
        FileCredentials file = text == null ? controllerCredential(id, FileCredentials.class) : null;
        if (text != null) {
            bytes = text.getSecret().getPlainText().getBytes(StandardCharsets.UTF_8);
        } else if (file != null) {
            try (InputStream in = file.getContent()) {
                bytes = withoutTrailingLineBreaks(in.readAllBytes());
            } catch (IOException e) {
                throw new AbortException(field + ": the secret file of credentials '" + id + "' cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        } else {
            throw new AbortException(field + ": no credentials with id '" + id + "' in Manage Jenkins → Credentials"
                    + " (System or Global scope), or they are neither 'Secret text' nor 'Secret file'");
        }
        try {
            return Optional.of(SealKey.of(bytes));
        } catch (IllegalArgumentException tooShort) {
            throw new AbortException(field + ": credentials '" + id + "': " + tooShort.getMessage());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] withoutTrailingLineBreaks(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        return end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
    }

    /** The credential of this type and id in Jenkins' own store (a null item group is Jenkins), as SYSTEM. */
    private static @CheckForNull <C extends IdCredentials> C controllerCredential(String id, Class<C> type) {
        List<C> found = CredentialsProvider.lookupCredentialsInItemGroup(type, null, ACL.SYSTEM2, List.of());
        return found.stream().filter(c -> id.equals(c.getId())).findFirst().orElse(null);
    }
}
