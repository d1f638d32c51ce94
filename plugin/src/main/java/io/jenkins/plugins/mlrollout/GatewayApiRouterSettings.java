package io.jenkins.plugins.mlrollout;

import hudson.Extension;
import hudson.util.FormValidation;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.GatewayApiRouter;
import io.mlrollout.core.traffic.TrafficRouter;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Splits traffic with the {@code backendRefs[].weight} of one rule of a Gateway API HTTPRoute, between the baseline's
 * and the candidate's backend (Service) names.
 */
public class GatewayApiRouterSettings extends KubernetesRouterSettings {

    private final String httpRoute;
    private final String baselineBackend;
    private final String canaryBackend;
    private int ruleIndex;

    @DataBoundConstructor
    public GatewayApiRouterSettings(
            String kubernetesUrl, String namespace, String httpRoute, String baselineBackend, String canaryBackend) {
        super(kubernetesUrl, namespace);
        this.httpRoute = FieldRules.accept("httpRoute", httpRoute, FieldRules::kubernetesName);
        this.baselineBackend = FieldRules.accept("baselineBackend", baselineBackend, FieldRules::kubernetesName);
        this.canaryBackend = FieldRules.accept("canaryBackend", canaryBackend, FieldRules::kubernetesName);
    }

    public String getHttpRoute() {
        return httpRoute;
    }

    public String getBaselineBackend() {
        return baselineBackend;
    }

    public String getCanaryBackend() {
        return canaryBackend;
    }

    /** Which {@code spec.rules[]} entry holds the two backends; 0 for the first. */
    public int getRuleIndex() {
        return ruleIndex;
    }

    @DataBoundSetter
    public void setRuleIndex(int ruleIndex) {
        FieldRules.nonNegative(ruleIndex).ifPresent(problem -> {
            throw new IllegalArgumentException("ruleIndex: " + problem);
        });
        this.ruleIndex = ruleIndex;
    }

    @Override
    TrafficRouter router(Credential credential) {
        return new GatewayApiRouter(connection(credential), httpRoute, ruleIndex, baselineBackend, canaryBackend);
    }

    /** The Gateway API router's form. */
    @Extension
    @Symbol("gatewayApi")
    public static class DescriptorImpl extends KubernetesRouterDescriptor {

        @Override
        public String getDisplayName() {
            return Messages.GatewayApiRouterSettings_DisplayName();
        }

        @POST
        public FormValidation doCheckHttpRoute(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }

        @POST
        public FormValidation doCheckBaselineBackend(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }

        @POST
        public FormValidation doCheckCanaryBackend(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }

        @POST
        public FormValidation doCheckRuleIndex(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::nonNegativeInteger);
        }
    }
}
