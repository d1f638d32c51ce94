package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.util.List;
import java.util.OptionalInt;

/**
 * The baseline's and the canary's entries in one weighted list of a Kubernetes object (an Istio route's destinations,
 * an HTTPRoute rule's backendRefs), as read. It builds the JSON Patch that sets their weights: guarded by {@code test}
 * ops, so that if the list changed since the read the API server refuses the patch instead of moving the wrong entry.
 *
 * @param listPointer JSON Pointer to the list, e.g. {@code /spec/http/0/route}
 * @param guards {@code test} ops that pin what the entries were when read (names, hosts)
 */
record WeightedPair(String listPointer, List<ObjectNode> guards, Entry baseline, Entry canary) {

    /**
     * @param index position in the list
     * @param written the weight as stored, if one is
     * @param effective the weight the data plane applies (a missing weight means 0 for Istio, 1 for Gateway API)
     */
    record Entry(int index, OptionalInt written, int effective) {}

    WeightedPair {
        guards = List.copyOf(guards);
    }

    /** The canary's share of the two, in whole percent; only valid when {@link #total()} is positive. */
    int canaryPercent() {
        return RouterRules.percent(canary.effective(), total());
    }

    long total() {
        return (long) baseline.effective() + canary.effective();
    }

    /** Whether the stored weights are already exactly {@code 100 - canaryWeight} and {@code canaryWeight}. */
    boolean isAt(int canaryWeight) {
        return baseline.written().equals(OptionalInt.of(100 - canaryWeight))
                && canary.written().equals(OptionalInt.of(canaryWeight));
    }

    /** The guarded patch that writes {@code 100 - canaryWeight} and {@code canaryWeight}. */
    ArrayNode patchTo(int canaryWeight) {
        ArrayNode ops = RouterHttp.JSON.createArrayNode();
        ops.addAll(guards);
        setWeight(ops, baseline, 100 - canaryWeight);
        setWeight(ops, canary, canaryWeight);
        return ops;
    }

    private void setWeight(ArrayNode ops, Entry entry, int weight) {
        String path = listPointer + "/" + entry.index() + "/weight";
        if (entry.written().isPresent()) {
            ops.add(test(
                    path,
                    RouterHttp.JSON.getNodeFactory().numberNode(entry.written().getAsInt())));
            ops.add(op("replace", path).put("value", weight));
        } else {
            // "replace" needs an existing member; "add" on an object member creates it.
            ops.add(op("add", path).put("value", weight));
        }
    }

    static ObjectNode test(String path, JsonNode value) {
        return op("test", path).set("value", value);
    }

    private static ObjectNode op(String op, String path) {
        return RouterHttp.JSON.createObjectNode().put("op", op).put("path", path);
    }

    /** A stored weight: absent (or null) is empty; anything but a non-negative whole number is malformed. */
    static OptionalInt weightOf(JsonNode entry, String where) throws TrafficException {
        JsonNode weight = entry.get("weight");
        if (weight == null || weight.isNull()) {
            return OptionalInt.empty();
        }
        if (!weight.isIntegralNumber() || !weight.canConvertToInt() || weight.intValue() < 0) {
            throw new TrafficException(
                    Kind.MALFORMED, where + " has weight " + weight + "; a non-negative whole number was expected");
        }
        return OptionalInt.of(weight.intValue());
    }
}
