package io.mlrollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.cli.EndpointFile.Secret;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.notify.NotificationSettings;
import io.mlrollout.core.notify.SinkSpec;
import io.mlrollout.core.policy.DocumentReader;
import io.mlrollout.core.policy.NotificationsSection;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.ScheduleSection;
import io.mlrollout.core.policy.Suggestions;
import io.mlrollout.core.policy.TiersSection;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import io.mlrollout.core.tier.TierFloor;
import io.mlrollout.core.tier.TierFloors;
import io.mlrollout.core.traffic.IstioRouter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads an endpoint file strictly, like the policy parser reads a policy: unknown or duplicate keys, wrong types,
 * missing fields and secrets written into the file are refused, all errors of the file together, each with its field
 * path ({@code router.url: is required; expected text}).
 */
public final class EndpointFileParser {

    private static final List<String> TOP_KEYS =
            List.of("name", "router", "prometheus", "signOff", "roles", "schedule", "notifications", "tiers");
    /** The keys of an endpoint's calendar, which the policy's calendar reader reads. */
    private static final List<String> CALENDAR_KEYS = List.of("timeZone", "windows", "freezes");
    /** How a notification sink names its URL in the CLI: an environment variable or a file, never the URL. */
    static final List<String> SINK_SECRET_KEYS = List.of("urlEnv", "urlFile");

    private static final List<String> HTTP_KEYS = List.of("credential", "callTimeout", "attempts", "firstBackoff");
    /** The names Jenkins' endpoint settings use; {@code apiServer} is the old spelling of {@code kubernetesUrl}. */
    private static final List<String> KUBERNETES_KEYS =
            List.of("kubernetesUrl", "apiServer", "namespace", "caCertificatePem");

    private static final List<String> PROMETHEUS_KEYS =
            List.of("url", "namespace", "credential", "callTimeout", "attempts", "firstBackoff");
    private static final List<String> SIGN_OFF_KEYS = List.of("approvers", "minimumQuorum", "allowSelfApproval");
    private static final List<String> CREDENTIAL_KEYS = List.of("tokenEnv", "username", "passwordEnv");
    private static final List<String> DESTINATION_KEYS = List.of("host", "subset");
    private static final List<String> SECRET_WORDS = List.of("token", "password", "secret", "apikey", "key");
    private static final List<String> ROUTER_TYPES = List.of("webhook", "istio", "gateway-api", "kserve");

    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** What is written where a variable's name belongs is often the secret itself, so it is not quoted. */
    private static final String NOT_A_VARIABLE = "is not an environment variable name (letters, digits and _), and is"
            + " not repeated here in case it is the secret itself: give the name of the variable that holds the secret";

    private final List<InputError> errors = new ArrayList<>();
    private final List<String> deprecations = new ArrayList<>();

    private EndpointFileParser() {}

    /**
     * @param source names the file in error messages
     * @throws InputException listing every problem, each with its field path
     */
    public static EndpointFile parse(String text, String source) throws InputException {
        EndpointFileParser parser = new EndpointFileParser();
        List<PolicyError> documentErrors = new ArrayList<>();
        Optional<JsonNode> root = DocumentReader.read(text, "endpoint", documentErrors);
        documentErrors.stream().map(InputError::from).forEach(parser.errors::add);
        Optional<EndpointFile> file = root.flatMap(parser::endpoint);
        if (!parser.errors.isEmpty() || file.isEmpty()) {
            throw new InputException(
                    source,
                    parser.errors.isEmpty()
                            ? List.of(new InputError("", "the endpoint file is empty"))
                            : parser.errors);
        }
        return file.get();
    }

    private Optional<EndpointFile> endpoint(JsonNode root) {
        if (root.isNull()) {
            errors.add(new InputError("", "the endpoint file is empty; it needs name, router and prometheus"));
            return Optional.empty();
        }
        Optional<Fields> top = Fields.of(root, "", TOP_KEYS, errors);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        Fields fields = top.get();
        Optional<String> name = fields.requiredText("name").filter(n -> {
            if (!ENDPOINT_NAME.matcher(n).matches()) {
                fields.error("name", "'" + n + "' is not an endpoint name: use lower-case letters, digits and -");
                return false;
            }
            return true;
        });
        Optional<EndpointFile.Router> router = routerSection(fields);
        Optional<EndpointFile.Prometheus> prometheus =
                fields.requiredMapping("prometheus", PROMETHEUS_KEYS).flatMap(this::prometheus);
        EndpointSignOffBounds signOff =
                fields.mapping("signOff", SIGN_OFF_KEYS).map(this::signOff).orElse(EndpointSignOffBounds.none());
        signOff = new EndpointSignOffBounds(
                signOff.approvers(),
                signOff.minimumQuorum(),
                signOff.allowSelfApproval(),
                RolesSection.read(fields, errors));
        DeploymentCalendar calendar = calendar(root);
        List<String> overriders = overriders(root);
        NotificationSettings notifications = notifications(root);
        TierFloors tiers = tiers(root);
        requireFloorRolesDefined(tiers, signOff.matrix());
        if (!errors.isEmpty() || name.isEmpty() || router.isEmpty() || prometheus.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EndpointFile(
                name.get(),
                router.get(),
                prometheus.get(),
                signOff,
                deprecations,
                calendar,
                notifications,
                tiers,
                overriders));
    }

    /**
     * {@code schedule:} is read by the policy's calendar reader, so both spell windows and freezes alike. The
     * command line's own key, {@code overriders}, is taken out first: Jenkins has its administrators instead.
     */
    private DeploymentCalendar calendar(JsonNode root) {
        JsonNode node = root.get("schedule");
        if (node == null) {
            return DeploymentCalendar.ALWAYS_OPEN;
        }
        JsonNode calendarNode = node;
        if (node.isObject()) {
            // Unknown keys are reported once, by overriders() below, with hints that include overriders.
            ObjectNode known = ((ObjectNode) node).deepCopy();
            known.retain(CALENDAR_KEYS);
            calendarNode = known;
        }
        List<PolicyError> calendarErrors = new ArrayList<>();
        Optional<DeploymentCalendar> calendar =
                ScheduleSection.endpointCalendar(calendarNode, "schedule", calendarErrors);
        calendarErrors.stream().map(InputError::from).forEach(errors::add);
        return calendar.orElse(DeploymentCalendar.ALWAYS_OPEN);
    }

    /** {@code schedule.overriders}: who may open the window early from the command line ({@code open-window}). */
    private List<String> overriders(JsonNode root) {
        JsonNode node = root.get("schedule");
        if (node == null || !node.isObject()) {
            return List.of(); // a schedule that is not a mapping is reported by calendar()
        }
        List<String> keys = new ArrayList<>(CALENDAR_KEYS);
        keys.add("overriders");
        return Fields.of(node, "schedule", keys, errors)
                .map(schedule -> schedule.textList("overriders"))
                .orElse(List.of());
    }

    /**
     * A floor names roles of this file's matrix: a misspelt one is the administrator's mistake, found now, not when a
     * pipeline's facts first make the floor hold (and then blamed on that pipeline's policy).
     */
    private void requireFloorRolesDefined(TierFloors tiers, ResponsibilityMatrix matrix) {
        for (TierFloor floor : tiers.floors()) {
            floor.roles()
                    .keySet()
                    .forEach(role -> matrix.unknownRole(role)
                            .ifPresent(
                                    why -> errors.add(new InputError(floor.path() + ".signOff.roles." + role, why))));
        }
    }

    /** {@code tiers:} the floors a pipeline's tiers cannot lower, read by the policy's tier reader. */
    private TierFloors tiers(JsonNode root) {
        JsonNode node = root.get("tiers");
        if (node == null) {
            return TierFloors.none();
        }
        List<PolicyError> found = new ArrayList<>();
        Optional<TierFloors> floors = TiersSection.endpointFloors(node, "tiers", found);
        found.stream().map(InputError::from).forEach(errors::add);
        return floors.orElse(TierFloors.none());
    }

    private NotificationSettings notifications(JsonNode root) {
        JsonNode node = root.get("notifications");
        if (node == null) {
            return NotificationSettings.NONE;
        }
        List<PolicyError> found = new ArrayList<>();
        Optional<NotificationSettings> settings =
                NotificationsSection.endpoint(node, "notifications", SINK_SECRET_KEYS, found);
        found.stream().map(InputError::from).forEach(errors::add);
        List<SinkSpec> sinks = settings.map(NotificationSettings::sinks).orElse(List.of());
        for (int i = 0; i < sinks.size(); i++) {
            if (sinks.get(i).secretKey().equals("urlEnv")
                    && !VARIABLE.matcher(sinks.get(i).secretRef()).matches()) {
                errors.add(new InputError("notifications.sinks[" + i + "].urlEnv", NOT_A_VARIABLE));
            }
        }
        return settings.orElse(NotificationSettings.NONE);
    }

    private Optional<EndpointFile.Router> routerSection(Fields top) {
        if (!top.has("router")) {
            top.error("router", "is required; expected a mapping with type: " + String.join(", ", ROUTER_TYPES));
            return Optional.empty();
        }
        JsonNode node = top.rawMapping("router");
        String type = node != null && node.path("type").isTextual()
                ? node.path("type").asText()
                : null;
        if (node != null && node.isObject() && (type == null || !ROUTER_TYPES.contains(type))) {
            top.error(
                    "router.type",
                    (type == null
                                    ? node.has("type") ? "must be text" : "is required"
                                    : "'" + type + "' is not a router type" + Suggestions.hint(type, ROUTER_TYPES))
                            + "; use one of "
                            + String.join(", ", ROUTER_TYPES));
            return Optional.empty();
        }
        List<String> known = new ArrayList<>(List.of("type"));
        known.addAll(HTTP_KEYS);
        switch (type == null ? "" : type) {
            case "webhook" -> known.add("url");
            case "istio" -> {
                known.addAll(KUBERNETES_KEYS);
                known.addAll(List.of(
                        "virtualService",
                        "routeName",
                        "baselineHost",
                        "baselineSubset",
                        "canaryHost",
                        "canarySubset",
                        // the old spellings, still read
                        "httpRouteName",
                        "baseline",
                        "canary"));
            }
            case "gateway-api" -> {
                known.addAll(KUBERNETES_KEYS);
                known.addAll(List.of("httpRoute", "ruleIndex", "baselineBackend", "canaryBackend"));
            }
            case "kserve" -> {
                known.addAll(KUBERNETES_KEYS);
                known.add("inferenceService");
            }
            default -> {
                // Not a mapping: Fields.of reports it below.
            }
        }
        return top.mapping("router", known).flatMap(router -> router(router, type));
    }

    private Optional<EndpointFile.Router> router(Fields router, String type) {
        Optional<Secret> credential = credential(router);
        HttpSettings http = http(router);
        return switch (type) {
            case "webhook" -> router.requiredUrl("url").map(url -> new EndpointFile.Webhook(url, credential, http));
            case "istio" -> {
                Optional<EndpointFile.Kubernetes> k8s = kubernetes(router, credential, http);
                Optional<String> virtualService = router.requiredText("virtualService");
                Optional<String> routeName =
                        renamed(router, "httpRouteName", "routeName").flatMap(router::text);
                Optional<IstioRouter.Destination> baseline = destination(router, "baseline");
                Optional<IstioRouter.Destination> canary = destination(router, "canary");
                if (k8s.isEmpty() || virtualService.isEmpty() || baseline.isEmpty() || canary.isEmpty()) {
                    yield Optional.empty();
                }
                yield Optional.of(new EndpointFile.Istio(
                        k8s.get(), virtualService.get(), routeName, baseline.get(), canary.get()));
            }
            case "gateway-api" -> {
                Optional<EndpointFile.Kubernetes> k8s = kubernetes(router, credential, http);
                Optional<String> route = router.requiredText("httpRoute");
                int ruleIndex = router.wholeNumber("ruleIndex", 0, 0);
                Optional<String> baseline = router.requiredText("baselineBackend");
                Optional<String> canary = router.requiredText("canaryBackend");
                if (k8s.isEmpty() || route.isEmpty() || baseline.isEmpty() || canary.isEmpty()) {
                    yield Optional.empty();
                }
                yield Optional.of(
                        new EndpointFile.GatewayApi(k8s.get(), route.get(), ruleIndex, baseline.get(), canary.get()));
            }
            case "kserve" -> {
                Optional<EndpointFile.Kubernetes> k8s = kubernetes(router, credential, http);
                Optional<String> service = router.requiredText("inferenceService");
                if (k8s.isEmpty() || service.isEmpty()) {
                    yield Optional.empty();
                }
                yield Optional.of(new EndpointFile.KServe(k8s.get(), service.get()));
            }
            default -> throw new IllegalStateException("router types are checked before: " + type);
        };
    }

    private Optional<EndpointFile.Kubernetes> kubernetes(
            Fields router, Optional<Secret> credential, HttpSettings http) {
        Optional<URI> apiServer = renamed(router, "apiServer", "kubernetesUrl").flatMap(router::requiredUrl);
        Optional<String> namespace = router.requiredText("namespace");
        Optional<String> ca = router.text("caCertificatePem");
        if (apiServer.isEmpty() || namespace.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EndpointFile.Kubernetes(apiServer.get(), namespace.get(), credential, ca, http));
    }

    /**
     * An Istio destination, as Jenkins spells it ({@code baselineHost}, {@code baselineSubset}), or in the old nested
     * spelling ({@code baseline: {host, subset}}), which is read with a deprecation hint.
     */
    private Optional<IstioRouter.Destination> destination(Fields router, String key) {
        if (router.has(key)) {
            if (router.has(key + "Host") || router.has(key + "Subset")) {
                router.error(key, "is the old spelling of " + key + "Host and " + key + "Subset; use only those");
                return Optional.empty();
            }
            deprecations.add(router.pathOf(key) + ": {host, subset} is the old spelling; write " + key + "Host and "
                    + key + "Subset, as Jenkins names them");
            return router.requiredMapping(key, DESTINATION_KEYS).flatMap(d -> {
                Optional<String> host = d.requiredText("host");
                Optional<String> subset = d.text("subset");
                return host.map(h -> new IstioRouter.Destination(h, subset));
            });
        }
        Optional<String> host = router.requiredText(key + "Host");
        Optional<String> subset = router.text(key + "Subset");
        return host.map(h -> new IstioRouter.Destination(h, subset));
    }

    /**
     * The key to read for a setting that was renamed to Jenkins' name: the new one, or the old one with a deprecation
     * hint; both at once is an error. Empty after an error.
     */
    private Optional<String> renamed(Fields router, String old, String now) {
        if (router.has(old) && router.has(now)) {
            router.error(old, "is the old spelling of " + now + "; use only " + now);
            return Optional.empty();
        }
        if (router.has(old)) {
            deprecations.add(router.pathOf(old) + ": the old spelling of " + now + ", as Jenkins names it; it is"
                    + " still read");
            return Optional.of(old);
        }
        return Optional.of(now);
    }

    private Optional<EndpointFile.Prometheus> prometheus(Fields prometheus) {
        Optional<URI> url = prometheus.requiredUrl("url");
        String namespace = prometheus.text("namespace").orElse("");
        Optional<Secret> credential = credential(prometheus);
        HttpSettings http = http(prometheus);
        return url.map(u -> new EndpointFile.Prometheus(u, namespace, credential, http));
    }

    private Optional<Secret> credential(Fields parent) {
        JsonNode raw = parent.rawMapping("credential");
        if (raw != null && raw.isObject()) {
            raw.fieldNames().forEachRemaining(key -> {
                if (!CREDENTIAL_KEYS.contains(key) && looksSecret(key)) {
                    parent.error(
                            "credential." + key,
                            "a secret is never read from the endpoint file; put it in an environment variable and "
                                    + "name the variable with tokenEnv (bearer token) or passwordEnv (basic auth)");
                }
            });
        }
        List<String> known = new ArrayList<>(CREDENTIAL_KEYS);
        return parent.mapping("credential", known).flatMap(credential -> {
            String field = parent.pathOf("credential");
            boolean token = credential.has("tokenEnv");
            boolean basic = credential.has("username") || credential.has("passwordEnv");
            if (token && basic) {
                credential.error(
                        "tokenEnv", "give either tokenEnv (bearer) or username and passwordEnv (basic), not both");
                return Optional.empty();
            }
            if (token) {
                return variable(credential, "tokenEnv").map(v -> new EndpointFile.BearerToken(v, field + ".tokenEnv"));
            }
            if (basic) {
                Optional<String> user = credential.requiredText("username");
                Optional<String> password = credential.has("passwordEnv")
                        ? variable(credential, "passwordEnv")
                        : missing(credential, "passwordEnv");
                if (user.isEmpty() || password.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new EndpointFile.BasicAuth(user.get(), password.get(), field + ".passwordEnv"));
            }
            parent.error("credential", "expected tokenEnv (bearer token) or username and passwordEnv (basic auth)");
            return Optional.empty();
        });
    }

    private static boolean looksSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    private static Optional<String> missing(Fields fields, String key) {
        fields.error(key, "is required with username; name the environment variable that holds the password");
        return Optional.empty();
    }

    private static Optional<String> variable(Fields fields, String key) {
        return fields.text(key).filter(name -> {
            if (!VARIABLE.matcher(name).matches()) {
                fields.error(key, NOT_A_VARIABLE);
                return false;
            }
            return true;
        });
    }

    private static HttpSettings http(Fields fields) {
        HttpSettings defaults = HttpSettings.DEFAULT;
        Duration timeout = fields.duration("callTimeout", defaults.callTimeout());
        int attempts = fields.wholeNumber("attempts", 1, defaults.attempts());
        Duration backoff = fields.duration("firstBackoff", defaults.firstBackoff());
        return new HttpSettings(timeout, attempts, backoff);
    }

    private EndpointSignOffBounds signOff(Fields signOff) {
        List<String> approvers = signOff.textList("approvers");
        int quorum = signOff.wholeNumber("minimumQuorum", 0, 0);
        boolean self = signOff.bool("allowSelfApproval", false);
        // A quorum above the approvers listed here may be met by approvers the policy adds: SignOffRules decides.
        return new EndpointSignOffBounds(approvers, quorum, self);
    }
}
