package io.mlrollout.core.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.http.OkHttpClients;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.net.URI;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Moves traffic through an in-house router that implements our JSON contract ({@code docs/connectors.md}, "The webhook
 * contract"): {@code GET {url}/traffic} reads the split, {@code PUT {url}/traffic} asks for one. Every shift is
 * verified by a GET after the PUT. A shadow stage asks for weight 0 with a {@code mirrorPercent}; every other shift
 * leaves the key out, which means 0 (stop mirroring), and a router that reports no {@code mirrorPercent} mirrors
 * nothing.
 */
public final class WebhookRouter implements TrafficRouter {

    private static final String JSON = "application/json";

    private final URI baseUrl;
    private final HttpUrl trafficUrl;
    private final RouterHttp http;
    private final Backoff backoff;

    public WebhookRouter(URI baseUrl, Credential credential, HttpSettings settings) {
        this(baseUrl, credential, settings, Backoff.Sleeper.REAL);
    }

    /** As above, with the pause between retries injected (tests pass one that records instead of sleeping). */
    public WebhookRouter(URI baseUrl, Credential credential, HttpSettings settings, Backoff.Sleeper sleeper) {
        this.baseUrl = RouterRules.requireBaseUrl(baseUrl, "url");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(settings, "settings");
        // addPathSegment replaces a trailing empty segment, so "http://r/" and "http://r" both give "http://r/traffic".
        this.trafficUrl = HttpUrl.get(baseUrl.toString())
                .newBuilder()
                .addPathSegment("traffic")
                .build();
        this.http = new RouterHttp(OkHttpClients.create(settings, credential), credential, settings);
        this.backoff = new Backoff(settings, Objects.requireNonNull(sleeper, "sleeper"));
    }

    @Override
    public TrafficSplit current() throws TrafficException {
        return backoff.call(this::read, RouterRules::worthRetrying);
    }

    @Override
    public TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
        RouterRules.requireShift(candidate, canaryWeight);
        return apply(candidate, canaryWeight, 0);
    }

    @Override
    public TrafficSplit mirror(String candidate, int mirrorPercent) throws TrafficException {
        RouterRules.requireMirror(candidate, mirrorPercent);
        return apply(candidate, 0, mirrorPercent);
    }

    /** The contract carries the mirror share; a router that ignores it is caught when the split is read back. */
    @Override
    public boolean canMirror() {
        return true;
    }

    private TrafficSplit apply(String candidate, int canaryWeight, int mirrorPercent) throws TrafficException {
        return backoff.call(
                () -> {
                    try {
                        put(candidate, canaryWeight, mirrorPercent);
                    } catch (TrafficException failure) {
                        if (failure.kind() != Kind.CONFLICT) {
                            throw failure;
                        }
                        // The router is busy with another change; it may already be where we want it (a repeated
                        // rollback, say). If not, the conflict is retried.
                        TrafficSplit now = read();
                        if (now.canary().equals(candidate)
                                && now.canaryWeight() == canaryWeight
                                && now.mirrorPercent() == mirrorPercent) {
                            return now;
                        }
                        throw failure;
                    }
                    return requireCandidate(read(), candidate, canaryWeight);
                },
                RouterRules::worthRetrying);
    }

    /**
     * The contract names the versions, so a read-back that sends traffic to another canary than the one asked for is
     * a split that did not take (another tool changed the router, say): retried like a conflict, then the engine's
     * rules apply. With no traffic and no mirror to the canary, its name carries nothing.
     */
    private TrafficSplit requireCandidate(TrafficSplit read, String candidate, int canaryWeight)
            throws TrafficException {
        if (read.canary().equals(candidate) || (read.canaryWeight() == 0 && read.mirrorPercent() == 0)) {
            return read;
        }
        throw new TrafficException(
                Kind.CONFLICT,
                "GET " + trafficUrl + " reports " + http.redact(read.toString()) + " after asking for " + canaryWeight
                        + "% to " + candidate
                        + "; another change may have reached the router");
    }

    @Override
    public String describe() {
        return "webhook " + baseUrl;
    }

    private TrafficSplit read() throws TrafficException {
        String what = "GET " + trafficUrl;
        RouterHttp.Answer answer = http.send(
                new Request.Builder()
                        .url(trafficUrl)
                        .header("Accept", JSON)
                        .get()
                        .build(),
                what);
        requireSuccess(answer, what);
        return parseSplit(http.parse(answer.body(), what), what);
    }

    private void put(String candidate, int canaryWeight, int mirrorPercent) throws TrafficException {
        String what = "PUT " + trafficUrl;
        ObjectNode wanted = RouterHttp.JSON.createObjectNode();
        wanted.put("canary", candidate);
        wanted.put("canaryWeight", canaryWeight);
        if (mirrorPercent > 0) {
            // absent means 0 in the contract, so a router that predates shadow stages never sees the key
            wanted.put("mirrorPercent", mirrorPercent);
        }
        Request request = new Request.Builder()
                .url(trafficUrl)
                .header("Accept", JSON)
                .put(RouterHttp.jsonBody(wanted, JSON))
                .build();
        // The PUT's own body is not needed: what counts is what the next GET reports.
        requireSuccess(http.send(request, what), what);
    }

    private void requireSuccess(RouterHttp.Answer answer, String what) throws TrafficException {
        int code = answer.code();
        if (answer.succeeded()) {
            return;
        }
        String said = what + " answered " + code + ": " + errorText(answer.body());
        if (code == 409) {
            throw new TrafficException(Kind.CONFLICT, said);
        }
        if (code == 408 || code == 429 || code >= 500) {
            throw new TrafficException(Kind.TRANSIENT, said);
        }
        throw new TrafficException(Kind.REJECTED, said);
    }

    /** The server's {@code {"error": "..."}} message if it sent one, else the start of the body. */
    private String errorText(String body) {
        try {
            JsonNode error = RouterHttp.JSON.readTree(body).path("error");
            if (error.isTextual()) {
                return http.excerpt(error.asText());
            }
        } catch (JsonProcessingException notJson) {
            // Proxies answer errors in HTML or plain text; fall through to the excerpt.
        }
        return http.excerpt(body);
    }

    private TrafficSplit parseSplit(JsonNode node, String what) throws TrafficException {
        if (!node.isObject()) {
            throw malformed(what, "a JSON object was expected, got " + node.getNodeType());
        }
        String baseline = requireName(node, "baseline", what);
        String canary = requireName(node, "canary", what);
        JsonNode weight = node.get("canaryWeight");
        if (weight == null || !weight.isIntegralNumber()) {
            throw malformed(what, "canaryWeight must be a whole number, got " + weight);
        }
        if (!weight.canConvertToInt() || weight.intValue() < 0 || weight.intValue() > 100) {
            throw malformed(what, "canaryWeight must be 0..100, got " + weight);
        }
        JsonNode ready = node.get("ready");
        if (ready == null || !ready.isBoolean()) {
            throw malformed(what, "ready must be true or false, got " + ready);
        }
        JsonNode mirror = node.get("mirrorPercent");
        if (mirror != null
                && !mirror.isNull()
                && (!mirror.isIntegralNumber()
                        || !mirror.canConvertToInt()
                        || mirror.intValue() < 0
                        || mirror.intValue() > 100)) {
            throw malformed(what, "mirrorPercent must be a whole number 0..100, got " + mirror);
        }
        int mirrorPercent = mirror == null || mirror.isNull() ? 0 : mirror.intValue();
        return new TrafficSplit(baseline, canary, weight.intValue(), ready.booleanValue(), mirrorPercent);
    }

    private String requireName(JsonNode node, String field, String what) throws TrafficException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw malformed(what, field + " must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    private TrafficException malformed(String what, String reason) {
        return new TrafficException(Kind.MALFORMED, what + " answered an unreadable split: " + http.redact(reason));
    }
}
