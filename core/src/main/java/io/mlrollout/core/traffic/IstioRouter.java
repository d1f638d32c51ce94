package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.traffic.KubernetesApi.Resource;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Splits traffic between two destinations of one HTTP route of an Istio VirtualService, by patching their
 * {@code weight}s with a guarded JSON Patch (never by replacing the {@code http} array, which would drop changes
 * others made meanwhile). Both destinations must already be in the route; the canary may start at weight 0.
 *
 * <p>A shadow stage sets the route's {@code mirror} to the canary destination and {@code mirrorPercentage.value} to
 * the share (Istio mirrors 100% when {@code mirrorPercentage} is absent), with the baseline at weight 100; any shift
 * removes both again. A route that already mirrors to another destination is left alone and a shadow stage on it is
 * refused: a route has one {@code mirror}.
 */
public final class IstioRouter extends WeightPatchRouter {

    private static final Resource V1 = new Resource("networking.istio.io", "v1", "virtualservices");
    private static final Resource V1BETA1 = new Resource("networking.istio.io", "v1beta1", "virtualservices");

    /**
     * A route destination: a Service host and, optionally, a DestinationRule subset. Its name in a split is the subset
     * if there is one, else the host.
     */
    public record Destination(String host, Optional<String> subset) {
        public Destination {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("destination host must not be blank");
            }
            Objects.requireNonNull(subset, "subset");
            if (subset.isPresent() && subset.get().isBlank()) {
                throw new IllegalArgumentException("destination subset must not be blank when given");
            }
        }

        public static Destination host(String host) {
            return new Destination(host, Optional.empty());
        }

        public static Destination subset(String host, String subset) {
            return new Destination(host, Optional.of(subset));
        }

        public String name() {
            return subset.orElse(host);
        }

        boolean matches(JsonNode routeEntry) {
            return isAt(routeEntry.path("destination"));
        }

        /** Whether a {@code destination} (or {@code mirror}) object names this host and subset. */
        boolean isAt(JsonNode destination) {
            JsonNode storedSubset = destination.path("subset");
            return host.equals(destination.path("host").asText(null))
                    && subset.map(s -> s.equals(storedSubset.asText(null))).orElse(storedSubset.asText(null) == null);
        }

        @Override
        public String toString() {
            return "host " + host + subset.map(s -> " subset " + s).orElse("");
        }
    }

    private final String virtualService;
    private final Optional<String> httpRouteName;
    private final Destination baseline;
    private final Destination canary;
    /** The API version the VirtualService was found under: v1, else v1beta1 on older meshes. */
    private volatile Resource resource;

    public IstioRouter(
            KubernetesConnection k8s,
            String virtualService,
            Optional<String> httpRouteName,
            Destination baseline,
            Destination canary) {
        this(k8s, virtualService, httpRouteName, baseline, canary, Backoff.Sleeper.REAL);
    }

    /** As above, with the pause between retries injected (tests pass one that records instead of sleeping). */
    public IstioRouter(
            KubernetesConnection k8s,
            String virtualService,
            Optional<String> httpRouteName,
            Destination baseline,
            Destination canary,
            Backoff.Sleeper sleeper) {
        super(Objects.requireNonNull(k8s, "k8s"), Objects.requireNonNull(sleeper, "sleeper"));
        this.virtualService = KubernetesApi.requireObjectName(virtualService, "virtualService");
        this.httpRouteName = Objects.requireNonNull(httpRouteName, "httpRouteName");
        this.baseline = Objects.requireNonNull(baseline, "baseline");
        this.canary = Objects.requireNonNull(canary, "canary");
        if (baseline.equals(canary)) {
            throw new IllegalArgumentException(
                    "baseline and canary must be different destinations, both are " + canary);
        }
    }

    @Override
    public String describe() {
        return "istio VirtualService " + virtualService
                + httpRouteName.map(n -> " route " + n).orElse("") + " at " + api.describe();
    }

    @Override
    JsonNode read() throws TrafficException {
        Resource known = resource;
        if (known != null) {
            return api.get(known, virtualService);
        }
        for (Resource version : List.of(V1, V1BETA1)) {
            Optional<JsonNode> found = api.find(version, virtualService);
            if (found.isPresent()) {
                resource = version;
                return found.get();
            }
        }
        throw new TrafficException(
                Kind.REJECTED,
                api.describe(V1, virtualService) + " was not found (tried networking.istio.io/v1 and v1beta1)");
    }

    @Override
    void patch(JsonNode jsonPatch) throws TrafficException {
        api.patch(resource, virtualService, KubernetesApi.JSON_PATCH, jsonPatch);
    }

    @Override
    WeightedPair locate(JsonNode object) throws TrafficException {
        String where = api.describe(resource, virtualService);
        JsonNode http = object.path("spec").path("http");
        if (!http.isArray() || http.isEmpty()) {
            throw new TrafficException(Kind.REJECTED, where + " has no spec.http routes");
        }
        int routeIndex = routeIndex(http, where);
        String routePointer = "/spec/http/" + routeIndex;
        String routeLabel = where + " http route " + httpRouteName.orElse("#" + routeIndex);
        JsonNode route = http.get(routeIndex).path("route");
        if (!route.isArray()) {
            throw new TrafficException(Kind.REJECTED, routeLabel + " has no route destinations");
        }
        int baselineIndex = indexOf(route, baseline, routeLabel);
        int canaryIndex = indexOf(route, canary, routeLabel);

        List<ObjectNode> guards = new ArrayList<>();
        httpRouteName.ifPresent(name -> guards.add(WeightedPair.test(routePointer + "/name", new TextNode(name))));
        guard(guards, routePointer + "/route/" + baselineIndex, baseline);
        guard(guards, routePointer + "/route/" + canaryIndex, canary);

        for (int i = 0; i < route.size(); i++) {
            OptionalInt other = WeightedPair.weightOf(route.get(i), routeLabel + " destination #" + i);
            if (i != baselineIndex && i != canaryIndex && other.orElse(0) > 0) {
                throw new TrafficException(
                        Kind.REJECTED,
                        routeLabel + " also sends traffic to " + route.get(i).path("destination")
                                + "; this router splits between two destinations only");
            }
        }
        WeightedPair pair = new WeightedPair(
                routePointer + "/route",
                guards,
                entry(route, baselineIndex, routeLabel),
                entry(route, canaryIndex, routeLabel));
        if (pair.total() == 0) {
            throw new TrafficException(
                    Kind.MALFORMED, routeLabel + " gives both destinations weight 0, so the split is undefined");
        }
        return pair;
    }

    @Override
    TrafficSplit splitOf(JsonNode object, WeightedPair pair) throws TrafficException {
        // Istio reports no per-route rollout status: once the API server stored the weights, istiod pushes them.
        return new TrafficSplit(baseline.name(), canary.name(), pair.canaryPercent(), true, mirrorOf(object));
    }

    @Override
    int mirrorOf(JsonNode object) throws TrafficException {
        JsonNode route = route(object);
        JsonNode mirror = route.path("mirror");
        if (mirror.isMissingNode() || mirror.isNull() || !canary.isAt(mirror)) {
            return 0;
        }
        JsonNode percentage = route.path("mirrorPercentage");
        if (percentage.isMissingNode() || percentage.isNull()) {
            return 100; // Istio mirrors every request when no percentage is given
        }
        JsonNode value = percentage.path("value");
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 100) {
            throw new TrafficException(
                    Kind.MALFORMED,
                    api.describe(resource, virtualService) + " has mirrorPercentage " + percentage
                            + "; a value of 0 to 100 was expected");
        }
        return RouterRules.wholePercent(value.asDouble());
    }

    @Override
    List<ObjectNode> mirrorOps(JsonNode object, int mirrorPercent) throws TrafficException {
        JsonNode route = route(object);
        String routePointer = "/spec/http/" + routeIndex(object.path("spec").path("http"), where());
        JsonNode mirror = route.path("mirror");
        boolean present = !mirror.isMissingNode() && !mirror.isNull();
        List<ObjectNode> ops = new ArrayList<>();
        if (present && !canary.isAt(mirror)) {
            if (mirrorPercent == 0) {
                return ops; // someone else's mirror: not ours to remove
            }
            throw new TrafficException(
                    Kind.REJECTED,
                    where() + " http route " + httpRouteName.orElse("#0") + " already mirrors to " + mirror
                            + "; a route has one mirror, so a shadow stage cannot use it");
        }
        if (present) {
            guardDestination(ops, routePointer + "/mirror", canary);
        }
        if (mirrorPercent == 0) {
            if (present) {
                ops.add(op("remove", routePointer + "/mirror"));
                if (route.has("mirrorPercentage")) {
                    ops.add(op("remove", routePointer + "/mirrorPercentage"));
                }
            }
            return ops;
        }
        ObjectNode target = RouterHttp.JSON.createObjectNode().put("host", canary.host());
        canary.subset().ifPresent(subset -> target.put("subset", subset));
        // "add" on an object member sets it whether or not it is there already.
        ops.add(op("add", routePointer + "/mirror").set("value", target));
        ObjectNode percentage = RouterHttp.JSON.createObjectNode().put("value", (double) mirrorPercent);
        ops.add(op("add", routePointer + "/mirrorPercentage").set("value", percentage));
        return ops;
    }

    private JsonNode route(JsonNode object) throws TrafficException {
        JsonNode http = object.path("spec").path("http");
        return http.get(routeIndex(http, where()));
    }

    private String where() {
        return api.describe(resource, virtualService);
    }

    private static ObjectNode op(String op, String path) {
        return RouterHttp.JSON.createObjectNode().put("op", op).put("path", path);
    }

    private int routeIndex(JsonNode http, String where) throws TrafficException {
        if (httpRouteName.isEmpty()) {
            return 0;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < http.size(); i++) {
            String name = http.get(i).path("name").asText(null);
            if (httpRouteName.get().equals(name)) {
                return i;
            }
            names.add(name == null ? "#" + i + " (unnamed)" : name);
        }
        throw new TrafficException(
                Kind.REJECTED, where + " has no http route named " + httpRouteName.get() + " (routes: " + names + ")");
    }

    private static int indexOf(JsonNode route, Destination destination, String routeLabel) throws TrafficException {
        for (int i = 0; i < route.size(); i++) {
            if (destination.matches(route.get(i))) {
                return i;
            }
        }
        throw new TrafficException(
                Kind.REJECTED,
                routeLabel + " has no destination " + destination
                        + "; add it to the route (with weight 0 for a canary)");
    }

    private static void guard(List<ObjectNode> guards, String entryPointer, Destination destination) {
        guardDestination(guards, entryPointer + "/destination", destination);
    }

    private static void guardDestination(List<ObjectNode> guards, String pointer, Destination destination) {
        guards.add(WeightedPair.test(pointer + "/host", new TextNode(destination.host())));
        destination.subset().ifPresent(s -> guards.add(WeightedPair.test(pointer + "/subset", new TextNode(s))));
    }

    private static WeightedPair.Entry entry(JsonNode route, int index, String routeLabel) throws TrafficException {
        OptionalInt written = WeightedPair.weightOf(route.get(index), routeLabel + " destination #" + index);
        // Istio sends nothing to a destination without a weight when the route has others (and this one has two).
        return new WeightedPair.Entry(index, written, written.orElse(0));
    }
}
