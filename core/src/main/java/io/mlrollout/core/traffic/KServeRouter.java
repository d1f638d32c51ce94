package io.mlrollout.core.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.traffic.KubernetesApi.Resource;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Moves traffic between the revisions of a KServe InferenceService's predictor with
 * {@code spec.predictor.canaryTrafficPercent}, which KServe honours only in Serverless (Knative) deployment mode; in
 * Standard/RawDeployment mode the field does nothing, so this router refuses such services. A shift to w% (1..99) sets
 * the field to w, a promotion (100) removes it, a rollback (0) sets it to 0. The split is read from
 * {@code status.components.predictor.traffic}: the candidate is the latest revision, the baseline the one before it.
 */
public final class KServeRouter implements TrafficRouter {

    private static final Resource INFERENCE_SERVICES =
            new Resource("serving.kserve.io", "v1beta1", "inferenceservices");
    private static final String MODE_ANNOTATION = "serving.kserve.io/deploymentMode";
    /** The old and the new name of the Knative mode (KServe renamed Serverless to Knative). */
    private static final Set<String> CANARY_MODES = Set.of("serverless", "knative");

    private final KubernetesApi api;
    private final String inferenceService;
    private final Backoff backoff;

    public KServeRouter(KubernetesConnection k8s, String inferenceService) {
        this(k8s, inferenceService, Backoff.Sleeper.REAL);
    }

    /** As above, with the pause between retries injected (tests pass one that records instead of sleeping). */
    public KServeRouter(KubernetesConnection k8s, String inferenceService, Backoff.Sleeper sleeper) {
        this.api = new KubernetesApi(Objects.requireNonNull(k8s, "k8s"));
        this.inferenceService = KubernetesApi.requireObjectName(inferenceService, "inferenceService");
        this.backoff = new Backoff(k8s.settings(), Objects.requireNonNull(sleeper, "sleeper"));
    }

    @Override
    public TrafficSplit current() throws TrafficException {
        return backoff.call(() -> splitOf(read()), RouterRules::worthRetrying);
    }

    @Override
    public TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
        // The candidate is whatever revision KServe created last from the spec the pipeline applied; it has no name of
        // ours, so the argument only labels the request.
        RouterRules.requireShift(candidate, canaryWeight);
        return backoff.call(
                () -> {
                    read(); // refuses a service in a mode where the field would do nothing
                    api.patch(
                            INFERENCE_SERVICES, inferenceService, KubernetesApi.MERGE_PATCH, canaryPatch(canaryWeight));
                    return splitOf(read());
                },
                RouterRules::worthRetrying);
    }

    /** KServe has no request mirroring: a shadow stage on an InferenceService is refused before anything moves. */
    @Override
    public TrafficSplit mirror(String candidate, int mirrorPercent) throws TrafficException {
        throw new TrafficException(
                Kind.REJECTED,
                where() + ": KServe has no request mirroring; route between two InferenceServices with the istio or"
                        + " gateway-api router to run a shadow stage");
    }

    @Override
    public String describe() {
        return "kserve InferenceService " + inferenceService + " (predictor) at " + api.describe();
    }

    /** {@code {"spec":{"predictor":{"canaryTrafficPercent":w}}}}; a promotion deletes the field (merge patch null). */
    private static ObjectNode canaryPatch(int canaryWeight) {
        ObjectNode patch = RouterHttp.JSON.createObjectNode();
        ObjectNode predictor = patch.putObject("spec").putObject("predictor");
        if (canaryWeight == 100) {
            predictor.putNull("canaryTrafficPercent");
        } else {
            predictor.put("canaryTrafficPercent", canaryWeight);
        }
        return patch;
    }

    private JsonNode read() throws TrafficException {
        JsonNode service = api.get(INFERENCE_SERVICES, inferenceService);
        String mode = text(service.path("status").path("deploymentMode"));
        if (mode == null) {
            mode = text(service.path("metadata").path("annotations").path(MODE_ANNOTATION));
        }
        if (mode == null) {
            // Only the Knative mode splits traffic by revision, so a traffic status tells the mode.
            if (predictorStatus(service).path("traffic").isArray()) {
                return service;
            }
            throw new TrafficException(
                    Kind.REJECTED,
                    where() + " states no deployment mode (status.deploymentMode, or the " + MODE_ANNOTATION
                            + " annotation) and reports no revision traffic; canaryTrafficPercent works only in"
                            + " Serverless (Knative) mode");
        }
        if (!CANARY_MODES.contains(mode.toLowerCase(Locale.ROOT))) {
            throw new TrafficException(
                    Kind.REJECTED,
                    where() + " runs in deployment mode " + mode + ": KServe applies canaryTrafficPercent only in"
                            + " Serverless (Knative) mode, where revisions share traffic. Route between two"
                            + " InferenceServices with the gateway-api or istio router instead");
        }
        return service;
    }

    private TrafficSplit splitOf(JsonNode service) throws TrafficException {
        JsonNode predictor = predictorStatus(service);
        JsonNode traffic = predictor.path("traffic");
        if (!traffic.isArray() || traffic.isEmpty()) {
            throw new TrafficException(
                    Kind.TRANSIENT,
                    where() + " reports no status.components.predictor.traffic yet; KServe has not reconciled it");
        }
        int latestPercent = 0;
        int otherPercent = 0;
        String latestName = null;
        String otherName = null;
        for (JsonNode target : traffic) {
            int percent = percentOf(target);
            String revision = text(target.path("revisionName"));
            if (target.path("latestRevision").asBoolean(false)) {
                latestPercent += percent;
                latestName = latestName == null ? revision : latestName;
            } else {
                otherPercent += percent;
                if (otherName == null || "prev".equals(text(target.path("tag")))) {
                    otherName = revision;
                }
            }
        }
        if (latestPercent + otherPercent != 100) {
            throw new TrafficException(
                    Kind.MALFORMED,
                    where() + " reports traffic percents that add up to " + (latestPercent + otherPercent)
                            + ", not 100");
        }
        // While the newest revision is not ready, Knative's "latest" target still points at the last ready one.
        String canary = firstOf(text(predictor.path("latestCreatedRevision")), latestName);
        if (canary == null) {
            throw new TrafficException(Kind.MALFORMED, where() + " names no latest revision in its predictor status");
        }
        String baseline = firstOf(otherName, text(predictor.path("previousRolledoutRevision")), canary);
        return new TrafficSplit(baseline, canary, latestPercent, ready(service, predictor, latestPercent));
    }

    /**
     * Ready once the newest revision is the newest ready one and the status describes the current spec (KServe has
     * observed the generation we patched). At 0% nothing waits on the newest revision: a rollback of one that never
     * became ready is done once KServe observed it.
     */
    private static boolean ready(JsonNode service, JsonNode predictor, int latestPercent) {
        String latestReady = text(predictor.path("latestReadyRevision"));
        boolean revisionReady = latestPercent == 0
                || (latestReady != null && latestReady.equals(text(predictor.path("latestCreatedRevision"))));
        JsonNode observed = service.path("status").path("observedGeneration");
        JsonNode generation = service.path("metadata").path("generation");
        boolean statusCurrent = !observed.isIntegralNumber()
                || !generation.isIntegralNumber()
                || observed.asLong() >= generation.asLong();
        return revisionReady && statusCurrent;
    }

    private int percentOf(JsonNode target) throws TrafficException {
        JsonNode percent = target.path("percent");
        if (percent.isMissingNode() || percent.isNull()) {
            return 0; // a tag-only target carries no traffic
        }
        if (!percent.isIntegralNumber() || percent.asLong() < 0 || percent.asLong() > 100) {
            throw new TrafficException(
                    Kind.MALFORMED, where() + " reports a traffic percent of " + percent + "; expected 0..100");
        }
        return percent.intValue();
    }

    private static JsonNode predictorStatus(JsonNode service) {
        return service.path("status").path("components").path("predictor");
    }

    /** A field's text; absent, null (the fabric8 mock stores merge-patch nulls) and empty all mean "not set". */
    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    private static String firstOf(String... names) {
        for (String name : names) {
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    private String where() {
        return api.describe(INFERENCE_SERVICES, inferenceService);
    }
}
