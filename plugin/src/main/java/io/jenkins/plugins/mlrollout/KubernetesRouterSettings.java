package io.jenkins.plugins.mlrollout;

import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A router that is a Kubernetes object, changed through the Kubernetes API server. */
public abstract class KubernetesRouterSettings extends RouterSettings {

    private final String kubernetesUrl;
    private final String namespace;

    protected KubernetesRouterSettings(String kubernetesUrl, String namespace) {
        this.kubernetesUrl = FieldRules.accept("kubernetesUrl", kubernetesUrl, FieldRules::httpUrl);
        this.namespace = FieldRules.accept("namespace", namespace, FieldRules::kubernetesNamespace);
    }

    /** The API server, e.g. {@code https://kubernetes.default.svc}. */
    public String getKubernetesUrl() {
        return kubernetesUrl;
    }

    /** The namespace of the routing object. */
    public String getNamespace() {
        return namespace;
    }

    /** The form fields every Kubernetes router kind has. */
    public abstract static class KubernetesRouterDescriptor extends RouterDescriptor {

        @POST
        public FormValidation doCheckKubernetesUrl(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::httpUrl);
        }

        @POST
        public FormValidation doCheckNamespace(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::kubernetesNamespace);
        }
    }
}
