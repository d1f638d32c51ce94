package io.mlrollout.core.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.http.OkHttpClients;
import io.mlrollout.core.traffic.TrafficException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Sends one HTTP request for a router and brings back its status and body. Transport failures (timeouts, refused
 * connections) become {@link Kind#TRANSIENT}; what the status code means is left to the router. Every text that can
 * reach an exception message passes through {@link #redact(String)}.
 */
final class RouterHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Far above any router answer or Kubernetes object (etcd stores at most 1.5 MiB per object). */
    private static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

    private final OkHttpClient client;
    private final OkHttpClient idempotentClient;
    private final Credential credential;
    private final HttpSettings settings;

    RouterHttp(OkHttpClient client, Credential credential, HttpSettings settings) {
        // Redirects are refused, not followed: OkHttp would turn a redirected PUT or PATCH into a GET.
        this.client = client.newBuilder().followRedirects(false).build();
        this.idempotentClient = OkHttpClients.forIdempotentCalls(this.client);
        this.credential = credential;
        this.settings = settings;
    }

    /** A status code and the body as text. */
    record Answer(int code, String body) {
        boolean succeeded() {
            return code >= 200 && code < 300;
        }
    }

    /** {@code what} names the call in messages, e.g. {@code PUT http://router/traffic}. */
    Answer send(Request request, String what) throws TrafficException {
        try (Response response = clientFor(request).newCall(request).execute()) {
            return new Answer(response.code(), readCapped(response, what));
        } catch (InterruptedIOException timeout) {
            throw new TrafficException(
                    Kind.TRANSIENT,
                    what + " got no answer within " + settings.callTimeout().toMillis() + " ms",
                    timeout);
        } catch (SSLException untrusted) {
            if (causedByCertificate(untrusted)) {
                // Retrying will not make the certificate trusted: this is configuration.
                throw new TrafficException(
                        Kind.REJECTED,
                        what + " failed: the server's TLS certificate is not trusted (" + redact(untrusted.toString())
                                + "); configure the CA that signed it",
                        untrusted);
            }
            throw new TrafficException(Kind.TRANSIENT, what + " failed: " + redact(untrusted.toString()), untrusted);
        } catch (IOException failure) {
            throw new TrafficException(Kind.TRANSIENT, what + " failed: " + redact(failure.toString()), failure);
        } catch (IllegalArgumentException unsendable) {
            // OkHttp refuses a header value it cannot send; the only value not ours is the credential's.
            throw new TrafficException(
                    Kind.REJECTED,
                    what + " was not sent: " + redact(String.valueOf(unsendable.getMessage()))
                            + "; check the credential for a trailing line break or a character outside ASCII",
                    unsendable);
        }
    }

    /**
     * GET and PUT (our PUTs always carry the whole wanted state) may be sent again on a fresh connection when the
     * pooled one was closed by the server; a PATCH or POST is sent once and left to the router's own retry rules.
     */
    private OkHttpClient clientFor(Request request) {
        String method = request.method();
        return method.equals("GET") || method.equals("HEAD") || method.equals("PUT") ? idempotentClient : client;
    }

    private static boolean causedByCertificate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /** Parses a JSON answer; anything else is {@link Kind#MALFORMED}. */
    JsonNode parse(String body, String what) throws TrafficException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new TrafficException(Kind.MALFORMED, what + " answered an empty body where JSON was expected");
            }
            return node;
        } catch (JsonProcessingException notJson) {
            throw new TrafficException(Kind.MALFORMED, what + " answered something that is not JSON: " + excerpt(body));
        }
    }

    /** The start of a body, made safe for a message. */
    String excerpt(String body) {
        String quoted = credential.quote(body);
        return quoted.isEmpty() ? "(empty body)" : quoted;
    }

    /** Removes the credential's secret from text a server or a library produced, should it echo it. */
    String redact(String text) {
        return credential.redact(text);
    }

    static RequestBody jsonBody(JsonNode body, String contentType) {
        // Bytes, not a String: OkHttp would append "; charset=utf-8" to the content type of a String body.
        return RequestBody.create(toJson(body).getBytes(StandardCharsets.UTF_8), MediaType.get(contentType));
    }

    static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a JsonNode could not be written", impossible);
        }
    }

    private String readCapped(Response response, String what) throws IOException, TrafficException {
        BufferedSource source = response.body().source();
        if (source.request(MAX_BODY_BYTES + 1)) {
            throw new TrafficException(
                    Kind.MALFORMED, what + " answered more than " + MAX_BODY_BYTES + " bytes; refusing to read it");
        }
        return source.getBuffer().readUtf8();
    }
}
