package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A SIMULATION, for tests only, of the part of the KServe controller (Serverless mode) that turns
 * {@code spec.predictor.canaryTrafficPercent} into Knative revision traffic and reports it in the status, following
 * KServe's documented behaviour (its ksvc reconciler and status propagation, summarised in
 * shared/reference/serving-and-metrics-apis.md §1.3). It is not KServe: no API server, let alone KServe, can run on our
 * build machines. Tests call {@link #reconcile()} where the real controller would react by itself, which also lets
 * them look at the moment between a patch and the controller's answer.
 */
final class SimulatedKServeController {

    private record Revision(String name, String storageUri, boolean ready) {}

    private final KubernetesClient client;
    private final MockCluster cluster;
    private final ResourceDefinitionContext kind;
    private final String service;
    private final List<Revision> revisions = new ArrayList<>();
    private final Set<String> modelsThatFailToLoad = new HashSet<>();
    private String latestRolledout;
    private String previousRolledout;

    SimulatedKServeController(KubernetesClient client, ResourceDefinitionContext kind, String service) {
        this.client = client;
        this.cluster = new MockCluster(client);
        this.kind = kind;
        this.service = service;
    }

    /** Revisions made from this model never become ready (a model server that crashes on load). */
    void failToLoad(String storageUri) {
        modelsThatFailToLoad.add(storageUri);
    }

    /** One pass of the controller: a new revision for a changed model, then traffic and status from the spec. */
    void reconcile() {
        JsonNode isvc = cluster.stored(kind, service);
        String storageUri = isvc.at("/spec/predictor/model/storageUri").asText();
        if (revisions.isEmpty()
                || !revisions.get(revisions.size() - 1).storageUri().equals(storageUri)) {
            String name = String.format("%s-predictor-%05d", service, revisions.size() + 1);
            revisions.add(new Revision(name, storageUri, !modelsThatFailToLoad.contains(storageUri)));
        }
        String latestCreated = revisions.get(revisions.size() - 1).name();
        String latestReady = revisions.stream()
                .filter(Revision::ready)
                .reduce((first, second) -> second)
                .map(Revision::name)
                .orElseThrow(() -> new IllegalStateException("the simulation needs one model that loads"));

        // The mock stores a merge-patch null instead of deleting the field; KServe never sees a null, only absence.
        JsonNode canaryField = isvc.at("/spec/predictor/canaryTrafficPercent");
        Integer canary = canaryField.isIntegralNumber() ? canaryField.asInt() : null;

        ArrayNode traffic = RouterHttp.JSON.createArrayNode();
        if (canary != null && latestRolledout != null) {
            // Knative's "latest" target follows the latest *ready* revision.
            traffic.addObject()
                    .put("tag", "latest")
                    .put("latestRevision", true)
                    .put("revisionName", latestReady)
                    .put("percent", canary);
            if (canary < 100) {
                traffic.addObject()
                        .put("tag", "prev")
                        .put("latestRevision", false)
                        .put("revisionName", latestRolledout)
                        .put("percent", 100 - canary);
            }
        } else {
            traffic.addObject()
                    .put("latestRevision", true)
                    .put("revisionName", latestReady)
                    .put("percent", 100);
        }
        boolean latestTakesAll = canary == null || canary == 100;
        if (latestTakesAll && !latestReady.equals(latestRolledout)) {
            previousRolledout = latestRolledout;
            latestRolledout = latestReady;
        }

        ObjectNode status = RouterHttp.JSON.createObjectNode();
        status.put("deploymentMode", "Serverless");
        status.put("observedGeneration", isvc.at("/metadata/generation").asLong());
        ObjectNode predictor = status.putObject("components").putObject("predictor");
        predictor.put("latestCreatedRevision", latestCreated);
        predictor.put("latestReadyRevision", latestReady);
        predictor.put("latestRolledoutRevision", latestRolledout);
        if (previousRolledout != null) {
            predictor.put("previousRolledoutRevision", previousRolledout);
        }
        predictor.set("traffic", traffic);
        Object statusValue = client.getKubernetesSerialization().convertValue(status, Object.class);
        client.genericKubernetesResources(kind)
                .inNamespace(MockCluster.NAMESPACE)
                .withName(service)
                .editStatus(stored -> {
                    stored.setAdditionalProperty("status", statusValue);
                    return stored;
                });
    }
}
