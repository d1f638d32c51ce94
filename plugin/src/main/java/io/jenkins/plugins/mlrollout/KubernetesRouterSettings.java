package io.jenkins.plugins.mlrollout;

import hudson.util.FormValidation;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.KubernetesConnection;
import java.net.URI;
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

    /** The API server connection these settings describe, authenticated with {@code credential}. */
    KubernetesConnection connection(Credential credential) {
        return new KubernetesConnection(URI.create(kubernetesUrl), credential, namespace, JenkinsHttp.SETTINGS);
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
