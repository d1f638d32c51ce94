package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import java.net.URI;
import java.time.Duration;

/**
 * Helpers over the fabric8 mock API server in CRUD mode, which stores objects and applies patches like an API server
 * (with the differences listed in the tests that use it). No real API server can run on our build machines (no
 * kube-apiserver binary, no container engine), so this is the most real Kubernetes the tests get.
 */
final class MockCluster {

    /**
     * Short timeouts on purpose: the mock never answers a JSON Patch whose {@code test} op fails, so such a call ends
     * by timing out.
     */
    static final HttpSettings SETTINGS = new HttpSettings(Duration.ofSeconds(2), 3, Duration.ofMillis(50));

    static final String NAMESPACE = "ml";

    private final KubernetesClient client;

    MockCluster(KubernetesClient client) {
        this.client = client;
    }

    static ResourceDefinitionContext kind(String group, String version, String plural, String kind) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withPlural(plural)
                .withKind(kind)
                .withNamespaced(true)
                .build();
    }

    /** Our router's view of the mock: plain http at the mock's URL, no credential needed. */
    KubernetesConnection connection() {
        return new KubernetesConnection(
                URI.create(client.getMasterUrl().toString()), Credential.NONE, NAMESPACE, SETTINGS);
    }

    void create(ResourceDefinitionContext kind, JsonNode object) {
        GenericKubernetesResource resource =
                client.getKubernetesSerialization().unmarshal(object.toString(), GenericKubernetesResource.class);
        client.genericKubernetesResources(kind)
                .inNamespace(NAMESPACE)
                .resource(resource)
                .create();
    }

    /** The object as the mock stores it now, read with fabric8's own client. */
    JsonNode stored(ResourceDefinitionContext kind, String name) {
        GenericKubernetesResource resource = client.genericKubernetesResources(kind)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
        return Json.tree(client.getKubernetesSerialization().asJson(resource));
    }
}
