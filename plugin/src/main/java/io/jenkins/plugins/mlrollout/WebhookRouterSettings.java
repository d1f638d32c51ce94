package io.jenkins.plugins.mlrollout;

import hudson.Extension;
import hudson.util.FormValidation;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.WebhookRouter;
import java.net.URI;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A router that speaks ML Rollout's webhook JSON contract ({@code GET/PUT {url}/traffic}). */
public class WebhookRouterSettings extends RouterSettings {

    private final String url;

    @DataBoundConstructor
    public WebhookRouterSettings(String url) {
        this.url = FieldRules.accept("url", url, FieldRules::httpUrl);
    }

    /** Base URL of the router; {@code /traffic} is appended. */
    public String getUrl() {
        return url;
    }

    @Override
    TrafficRouter router(Credential credential) {
        return new WebhookRouter(URI.create(url), credential, JenkinsHttp.SETTINGS);
    }

    /** The webhook router's form. */
    @Extension
    @Symbol("webhook")
    public static class DescriptorImpl extends RouterDescriptor {

        @Override
        public String getDisplayName() {
            return Messages.WebhookRouterSettings_DisplayName();
        }

        @POST
        public FormValidation doCheckUrl(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::httpUrl);
        }
    }
}
