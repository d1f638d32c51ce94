package io.jenkins.plugins.mlrollout;

import hudson.Extension;
import hudson.util.FormValidation;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.KServeRouter;
import io.mlrollout.core.traffic.TrafficRouter;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Splits traffic with a KServe InferenceService's {@code spec.predictor.canaryTrafficPercent} (serverless mode); the
 * split in effect is read back from its status.
 */
public class KServeRouterSettings extends KubernetesRouterSettings {

    private final String inferenceService;

    @DataBoundConstructor
    public KServeRouterSettings(String kubernetesUrl, String namespace, String inferenceService) {
        super(kubernetesUrl, namespace);
        this.inferenceService = FieldRules.accept("inferenceService", inferenceService, FieldRules::kubernetesName);
    }

    public String getInferenceService() {
        return inferenceService;
    }

    @Override
    TrafficRouter router(Credential credential) {
        return new KServeRouter(connection(credential), inferenceService);
    }

    /** The KServe router's form. */
    @Extension
    @Symbol("kserve")
    public static class DescriptorImpl extends KubernetesRouterDescriptor {

        @Override
        public String getDisplayName() {
            return Messages.KServeRouterSettings_DisplayName();
        }

        @POST
        public FormValidation doCheckInferenceService(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }
    }
}
