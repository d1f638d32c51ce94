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
            JsonNode destination = routeEntry.path("destination");
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
    TrafficSplit splitOf(JsonNode object, WeightedPair pair) {
        // Istio reports no per-route rollout status: once the API server stored the weights, istiod pushes them.
        return new TrafficSplit(baseline.name(), canary.name(), pair.canaryPercent(), true);
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
        guards.add(WeightedPair.test(entryPointer + "/destination/host", new TextNode(destination.host())));
        destination
                .subset()
                .ifPresent(s -> guards.add(WeightedPair.test(entryPointer + "/destination/subset", new TextNode(s))));
    }

    private static WeightedPair.Entry entry(JsonNode route, int index, String routeLabel) throws TrafficException {
        OptionalInt written = WeightedPair.weightOf(route.get(index), routeLabel + " destination #" + index);
        // Istio sends nothing to a destination without a weight when the route has others (and this one has two).
        return new WeightedPair.Entry(index, written, written.orElse(0));
    }
}
