package io.mlrollout.core.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.http.OkHttpClients;
import io.mlrollout.core.http.PemTrust;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The few Kubernetes REST calls routers need (read one namespaced object, patch it), over OkHttp. It maps the API
 * server's answers to {@link TrafficException} kinds and writes messages that name the object and the namespace, and
 * never the credential. It does not retry: each router retries a whole read-patch-read step, so a retry starts from a
 * fresh read.
 */
final class KubernetesApi {

    static final String JSON_PATCH = "application/json-patch+json";
    static final String MERGE_PATCH = "application/merge-patch+json";

    /** A DNS-1123 subdomain, what Kubernetes accepts as an object name. */
    private static final Pattern OBJECT_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** A kind of namespaced custom resource. */
    record Resource(String group, String version, String plural) {
        /** How kubectl names it, e.g. {@code virtualservices.networking.istio.io}. */
        String qualifiedName() {
            return plural + "." + group;
        }
    }

    private final KubernetesConnection connection;
    private final HttpUrl apiServer;
    private final RouterHttp http;

    KubernetesApi(KubernetesConnection connection) {
        this.connection = connection;
        this.apiServer = HttpUrl.get(connection.apiServer().toString());
        OkHttpClient client = OkHttpClients.create(connection.settings(), connection.credential());
        if (connection.caCertificatePem().isPresent()) {
            client = PemTrust.trustOnly(client, connection.caCertificatePem().get(), "caCertificatePem");
        }
        this.http = new RouterHttp(client, connection.credential(), connection.settings());
    }

    /** Refuses what Kubernetes would not accept as an object name, before it is put in a path. */
    static String requireObjectName(String name, String field) {
        if (name == null || name.length() > 253 || !OBJECT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(field + ": \"" + name
                    + "\" is not a Kubernetes object name (lowercase letters, digits, '-' and '.')");
        }
        return name;
    }

    /** The object, or empty if the API server answers 404. */
    Optional<JsonNode> find(Resource resource, String name) throws TrafficException {
        String what = "GET " + describe(resource, name);
        RouterHttp.Answer answer = http.send(
                new Request.Builder()
                        .url(url(resource, name))
                        .header("Accept", "application/json")
                        .get()
                        .build(),
                what);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        requireSuccess(answer, resource, what, false);
        JsonNode object = http.parse(answer.body(), what);
        if (!object.isObject()) {
            throw new TrafficException(Kind.MALFORMED, what + " answered JSON that is not an object");
        }
        return Optional.of(object);
    }

    JsonNode get(Resource resource, String name) throws TrafficException {
        Optional<JsonNode> found = find(resource, name);
        if (found.isEmpty()) {
            throw notFound(resource, name);
        }
        return found.get();
    }

    /** Sends a JSON Patch ({@link #JSON_PATCH}) or a merge patch ({@link #MERGE_PATCH}); any 2xx is success. */
    void patch(Resource resource, String name, String contentType, JsonNode patch) throws TrafficException {
        String what = "PATCH " + describe(resource, name);
        RouterHttp.Answer answer = http.send(
                new Request.Builder()
                        .url(url(resource, name))
                        .header("Accept", "application/json")
                        .patch(RouterHttp.jsonBody(patch, contentType))
                        .build(),
                what);
        if (answer.code() == 404) {
            throw notFound(resource, name);
        }
        requireSuccess(answer, resource, what, contentType.equals(JSON_PATCH));
    }

    /** The API server and namespace, for a router's {@code describe()}. */
    String describe() {
        return apiServer + " namespace " + connection.namespace();
    }

    /** E.g. {@code virtualservices.networking.istio.io "model" in namespace "ml"}. */
    String describe(Resource resource, String name) {
        return resource.qualifiedName() + " \"" + name + "\" in namespace \"" + connection.namespace() + "\"";
    }

    TrafficException notFound(Resource resource, String name) {
        return new TrafficException(
                Kind.REJECTED,
                describe(resource, name) + " was not found (API " + resource.group() + "/" + resource.version() + " at "
                        + apiServer + ")");
    }

    private HttpUrl url(Resource resource, String name) {
        return apiServer
                .newBuilder()
                .addPathSegment("apis")
                .addPathSegment(resource.group())
                .addPathSegment(resource.version())
                .addPathSegment("namespaces")
                .addPathSegment(connection.namespace())
                .addPathSegment(resource.plural())
                .addPathSegment(name)
                .build();
    }

    private void requireSuccess(RouterHttp.Answer answer, Resource resource, String what, boolean jsonPatch)
            throws TrafficException {
        int code = answer.code();
        if (answer.succeeded()) {
            return;
        }
        String message = statusMessage(answer.body());
        String said = what + " answered " + code + ": " + message;
        if (code == 401) {
            throw new TrafficException(
                    Kind.REJECTED, said + "; the API server did not accept the credential, check the credential");
        }
        if (code == 403) {
            throw new TrafficException(
                    Kind.REJECTED,
                    said + "; check the credential's RBAC: it needs get and patch on " + resource.qualifiedName()
                            + " in namespace \"" + connection.namespace() + "\"");
        }
        if (code == 409) {
            throw new TrafficException(Kind.CONFLICT, said);
        }
        if (code == 422 && jsonPatch && patchDidNotApply(message)) {
            throw new TrafficException(Kind.CONFLICT, said + "; the object changed since it was read");
        }
        if (code == 408 || code == 429 || code >= 500) {
            throw new TrafficException(Kind.TRANSIENT, said);
        }
        throw new TrafficException(Kind.REJECTED, said);
    }

    /**
     * Whether a 422 answer to a JSON Patch says the patch did not apply to the object as stored: a {@code test} guard
     * failed, or a path it names is gone. The API server answers both with the generic message of its
     * {@code NewGenericServerResponse} and drops the patch library's own text ("testing value … failed"), which some
     * proxies and older servers still pass on. A patch that applied but left an invalid object is answered with the
     * fields at fault instead, and stays a rejection.
     */
    private static boolean patchDidNotApply(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("the server rejected our request due to an error in our request")
                || lower.contains("testing value");
    }

    /** The {@code message} of a Kubernetes Status answer, else the start of the body. */
    private String statusMessage(String body) {
        try {
            JsonNode message = RouterHttp.JSON.readTree(body).path("message");
            if (message.isTextual()) {
                return http.excerpt(message.asText());
            }
        } catch (JsonProcessingException notJson) {
            // Proxies and load balancers in front of the API server answer in HTML or plain text.
        }
        return http.excerpt(body);
    }
}
