package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.http.Backoff;

/**
 * A router that splits traffic by the weights of two entries in a Kubernetes object: read the object, find the pair,
 * patch both weights with a guarded JSON Patch, read back. Each attempt starts from a fresh read, so a conflict or a
 * failed guard is retried against the object as it is now.
 */
abstract class WeightPatchRouter implements TrafficRouter {

    final KubernetesApi api;
    private final Backoff backoff;

    WeightPatchRouter(KubernetesConnection connection, Backoff.Sleeper sleeper) {
        this.api = new KubernetesApi(connection);
        this.backoff = new Backoff(connection.settings(), sleeper);
    }

    /** Reads the object. */
    abstract JsonNode read() throws TrafficException;

    /** Finds the baseline and canary entries in the object. */
    abstract WeightedPair locate(JsonNode object) throws TrafficException;

    /** Sends the JSON Patch to the object that {@link #read()} read last. */
    abstract void patch(JsonNode jsonPatch) throws TrafficException;

    /** Says what split the object describes. */
    abstract TrafficSplit splitOf(JsonNode object, WeightedPair pair) throws TrafficException;

    @Override
    public final TrafficSplit current() throws TrafficException {
        return backoff.call(
                () -> {
                    JsonNode object = read();
                    return splitOf(object, locate(object));
                },
                RouterRules::worthRetrying);
    }

    @Override
    public final TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
        // The candidate is deployed behind the configured canary destination; its name is only the engine's label.
        RouterRules.requireShift(candidate, canaryWeight);
        return backoff.call(
                () -> {
                    JsonNode object = read();
                    WeightedPair pair = locate(object);
                    if (pair.isAt(canaryWeight)) {
                        return splitOf(object, pair); // already there (a repeated rollback, say): nothing to patch
                    }
                    patch(pair.patchTo(canaryWeight));
                    JsonNode after = read();
                    return splitOf(after, locate(after));
                },
                RouterRules::worthRetrying);
    }
}
