package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.util.FormValidation;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.IstioRouter;
import io.mlrollout.core.traffic.TrafficRouter;
import java.util.Optional;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Splits traffic with the route weights of an Istio VirtualService: one HTTP route (the first, or the one named) with
 * a destination for the baseline and one for the candidate, told apart by host and, optionally, subset.
 */
public class IstioRouterSettings extends KubernetesRouterSettings {

    private final String virtualService;
    private final String baselineHost;
    private final String canaryHost;
    private String routeName;
    private String baselineSubset;
    private String canarySubset;

    @DataBoundConstructor
    public IstioRouterSettings(
            String kubernetesUrl, String namespace, String virtualService, String baselineHost, String canaryHost) {
        super(kubernetesUrl, namespace);
        this.virtualService = FieldRules.accept("virtualService", virtualService, FieldRules::kubernetesName);
        this.baselineHost = FieldRules.accept("baselineHost", baselineHost, FieldRules::kubernetesName);
        this.canaryHost = FieldRules.accept("canaryHost", canaryHost, FieldRules::kubernetesName);
    }

    public String getVirtualService() {
        return virtualService;
    }

    public String getBaselineHost() {
        return baselineHost;
    }

    public String getCanaryHost() {
        return canaryHost;
    }

    /** The {@code http[].name} of the route to change; {@code null} for the first route. */
    public @CheckForNull String getRouteName() {
        return routeName;
    }

    @DataBoundSetter
    public void setRouteName(@CheckForNull String routeName) {
        this.routeName = FieldRules.trimToNull(routeName);
    }

    /** The DestinationRule subset of the baseline destination; {@code null} when hosts alone tell them apart. */
    public @CheckForNull String getBaselineSubset() {
        return baselineSubset;
    }

    @DataBoundSetter
    public void setBaselineSubset(@CheckForNull String baselineSubset) {
        this.baselineSubset = FieldRules.accept("baselineSubset", baselineSubset, FieldRules::optionalLabel);
    }

    /** The DestinationRule subset of the candidate destination; {@code null} when hosts alone tell them apart. */
    public @CheckForNull String getCanarySubset() {
        return canarySubset;
    }

    @DataBoundSetter
    public void setCanarySubset(@CheckForNull String canarySubset) {
        this.canarySubset = FieldRules.accept("canarySubset", canarySubset, FieldRules::optionalLabel);
    }

    @Override
    TrafficRouter router(Credential credential) {
        return new IstioRouter(
                connection(credential),
                virtualService,
                Optional.ofNullable(routeName),
                new IstioRouter.Destination(baselineHost, Optional.ofNullable(baselineSubset)),
                new IstioRouter.Destination(canaryHost, Optional.ofNullable(canarySubset)));
    }

    /** The Istio router's form. */
    @Extension
    @Symbol("istio")
    public static class DescriptorImpl extends KubernetesRouterDescriptor {

        @Override
        public String getDisplayName() {
            return Messages.IstioRouterSettings_DisplayName();
        }

        @POST
        public FormValidation doCheckVirtualService(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }

        @POST
        public FormValidation doCheckBaselineHost(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }

        @POST
        public FormValidation doCheckCanaryHost(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesName);
        }

        @POST
        public FormValidation doCheckBaselineSubset(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::optionalLabel);
        }

        @POST
        public FormValidation doCheckCanarySubset(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::optionalLabel);
        }
    }
}
