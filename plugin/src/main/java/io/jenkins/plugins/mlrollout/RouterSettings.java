package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.ListBoxModel;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.TrafficRouter;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * How an endpoint's traffic is split between the baseline and the candidate: one of the router kinds an administrator
 * picks in the endpoint's form. Every kind may authenticate with a credential.
 */
public abstract class RouterSettings implements Describable<RouterSettings> {

    private String credentialsId;

    /** Secret text (bearer token) or username with password; {@code null} for none. */
    public @CheckForNull String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(@CheckForNull String credentialsId) {
        this.credentialsId = FieldRules.trimToNull(credentialsId);
    }

    /**
     * The connector for these settings.
     *
     * @param credential the credential {@link #getCredentialsId()} names, already looked up for the build
     * @throws IllegalArgumentException if the settings cannot make a router (the message names the field)
     */
    abstract TrafficRouter router(Credential credential);

    /** The form behind every router kind. */
    public abstract static class RouterDescriptor extends Descriptor<RouterSettings> {

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return FormChecks.credentialItems(credentialsId);
        }
    }
}
