package io.mlrollout.core.traffic;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a Kubernetes-based router finds the API server, and as whom it calls it.
 *
 * @param apiServer e.g. {@code https://10.0.0.1:6443}; a path prefix (a proxy's) is kept
 * @param credential usually a service account's bearer token
 * @param namespace the namespace of the routed object
 * @param settings timeouts and retries for every call
 * @param caCertificatePem the CA(s) to trust for https, in PEM; when present, only these are trusted
 */
public record KubernetesConnection(
        URI apiServer,
        Credential credential,
        String namespace,
        HttpSettings settings,
        Optional<String> caCertificatePem) {

    /** A DNS-1123 label, what Kubernetes accepts as a namespace name. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public KubernetesConnection {
        RouterRules.requireBaseUrl(apiServer, "apiServer");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(caCertificatePem, "caCertificatePem");
        if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace: \"" + namespace
                    + "\" is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)");
        }
    }

    /** A connection that trusts the JVM's default certificate authorities. */
    public KubernetesConnection(URI apiServer, Credential credential, String namespace, HttpSettings settings) {
        this(apiServer, credential, namespace, settings, Optional.empty());
    }

    @Override
    public String toString() {
        return "Kubernetes API " + apiServer + ", namespace " + namespace + ", " + credential
                + caCertificatePem.map(pem -> ", own CA").orElse("");
    }
}
