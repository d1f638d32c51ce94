package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.http.Backoff;
import java.util.List;

/**
 * A router that splits traffic by the weights of two entries in a Kubernetes object: read the object, find the pair,
 * patch both weights with a guarded JSON Patch, read back. Each attempt starts from a fresh read, so a conflict or a
 * failed guard is retried against the object as it is now. The same patch sets or removes the mirror to the canary
 * (a shadow stage), so a shift and the end of a mirror are one change.
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

    /** Says what split the object describes, the mirror to the canary included. */
    abstract TrafficSplit splitOf(JsonNode object, WeightedPair pair) throws TrafficException;

    /** The percent of requests the object mirrors to the canary; 0 when it mirrors nothing to it. */
    abstract int mirrorOf(JsonNode object) throws TrafficException;

    /**
     * Guarded JSON Patch ops that make the object mirror {@code mirrorPercent}% of requests to the canary; 0 removes the
     * mirror to the canary (and leaves any other alone).
     */
    abstract List<ObjectNode> mirrorOps(JsonNode object, int mirrorPercent) throws TrafficException;

    @Override
    public final boolean canMirror() {
        return true;
    }

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
        return apply(canaryWeight, 0);
    }

    @Override
    public final TrafficSplit mirror(String candidate, int mirrorPercent) throws TrafficException {
        RouterRules.requireMirror(candidate, mirrorPercent);
        return apply(0, mirrorPercent);
    }

    private TrafficSplit apply(int canaryWeight, int mirrorPercent) throws TrafficException {
        return backoff.call(
                () -> {
                    JsonNode object = read();
                    WeightedPair pair = locate(object);
                    boolean mirrorAt = mirrorOf(object) == mirrorPercent;
                    if (pair.isAt(canaryWeight) && mirrorAt) {
                        return splitOf(object, pair); // already there (a repeated rollback, say): nothing to patch
                    }
                    ArrayNode ops = pair.patchTo(canaryWeight);
                    if (!mirrorAt) {
                        ops.addAll(mirrorOps(object, mirrorPercent));
                    }
                    patch(ops);
                    JsonNode after = read();
                    return splitOf(after, locate(after));
                },
                RouterRules::worthRetrying);
    }
}
