package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.util.FormValidation;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.traffic.KubernetesConnection;
import java.net.URI;
import java.util.Optional;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A router that is a Kubernetes object, changed through the Kubernetes API server. */
public abstract class KubernetesRouterSettings extends RouterSettings {

    private final String kubernetesUrl;
    private final String namespace;
    private @CheckForNull String caCertificatePem;

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

    /**
     * The certificate authorities to trust for the API server, in PEM (a kubeconfig's decoded
     * {@code certificate-authority-data}); {@code null} to trust the controller JVM's own.
     */
    public @CheckForNull String getCaCertificatePem() {
        return caCertificatePem;
    }

    @DataBoundSetter
    public void setCaCertificatePem(@CheckForNull String caCertificatePem) {
        this.caCertificatePem = FieldRules.accept("caCertificatePem", caCertificatePem, FieldRules::optionalPem);
    }

    /** The API server connection these settings describe, authenticated with {@code credential}. */
    KubernetesConnection connection(Credential credential) {
        return new KubernetesConnection(
                URI.create(kubernetesUrl),
                credential,
                namespace,
                JenkinsHttp.SETTINGS,
                Optional.ofNullable(caCertificatePem));
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

        @POST
        public FormValidation doCheckCaCertificatePem(@QueryParameter String value) {
            return FormChecks.check(value, FieldRules::optionalPem);
        }
    }
}
