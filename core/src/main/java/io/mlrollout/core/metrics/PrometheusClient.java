package io.mlrollout.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.http.OkHttpClients;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Asks a Prometheus-compatible server ({@code /api/v1/query} and {@code /api/v1/query_range}, POST form-encoded) and
 * parses its JSON envelope. Server errors (5xx), connection errors and timeouts are retried with backoff; other
 * failures are not. Every failure becomes a {@link MetricsException} that names the HTTP status and Prometheus'
 * reason, and never the credential.
 */
public final class PrometheusClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpUrl baseUrl;
    private final String where;
    private final Credential credential;
    private final HttpSettings settings;
    private final OkHttpClient http;
    private final Backoff backoff;

    /** A transient failure: worth another attempt. */
    private static class RetryableException extends MetricsException {
        RetryableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No answer within the call timeout. */
    private static final class TimedOutException extends RetryableException {
        TimedOutException(String message) {
            super(message, null);
        }
    }

    /**
     * @param baseUrl the server's base URL, e.g. {@code https://prometheus.example:9090} or a path prefix such as
     *     {@code https://monitoring.example/prometheus}; must not contain a user or password (use the credential)
     * @param sleeper pauses between attempts; tests pass one that records instead of sleeping
     */
    public PrometheusClient(URI baseUrl, Credential credential, HttpSettings settings, Backoff.Sleeper sleeper) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (baseUrl.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "baseUrl must not contain a user or password; give them as a basic-auth credential");
        }
        String text = baseUrl.toString().replaceAll("/+$", "");
        HttpUrl parsed = HttpUrl.parse(text);
        if (parsed == null) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL, got " + text);
        }
        this.baseUrl = parsed;
        this.where = text;
        this.credential = Objects.requireNonNull(credential, "credential");
        this.settings = Objects.requireNonNull(settings, "settings");
        // Queries only read, so a call on a connection the server had closed is safely sent again.
        this.http = OkHttpClients.forIdempotentCalls(OkHttpClients.create(settings, credential));
        this.backoff = new Backoff(settings, sleeper);
    }

    /** Evaluates {@code promql} at {@code time} ({@code /api/v1/query}). */
    public QueryResult query(String promql, Instant time) throws MetricsException {
        FormBody form = new FormBody.Builder()
                .add("query", promql)
                .add("time", seconds(time))
                .add("timeout", settings.callTimeout().toMillis() + "ms")
                .build();
        return call("api/v1/query", form, promql);
    }

    /** Evaluates {@code promql} at every {@code step} from {@code start} to {@code end} ({@code /api/v1/query_range}). */
    public QueryResult queryRange(String promql, Instant start, Instant end, Duration step) throws MetricsException {
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("step must be positive, got " + step);
        }
        FormBody form = new FormBody.Builder()
                .add("query", promql)
                .add("start", seconds(start))
                .add("end", seconds(end))
                .add("step", BigDecimal.valueOf(step.toMillis(), 3).toPlainString())
                .add("timeout", settings.callTimeout().toMillis() + "ms")
                .build();
        return call("api/v1/query_range", form, promql);
    }

    @Override
    public String toString() {
        return "Prometheus at " + where + " (" + credential + ")";
    }

    private QueryResult call(String path, FormBody form, String promql) throws MetricsException {
        try {
            return backoff.call(() -> attempt(path, form, promql), failure -> failure instanceof RetryableException);
        } catch (TimedOutException lastFailure) {
            throw new MetricsUnansweredException(
                    lastFailure.getMessage() + " (gave up after " + settings.attempts() + " attempts)");
        } catch (RetryableException lastFailure) {
            throw new MetricsException(
                    lastFailure.getMessage() + " (gave up after " + settings.attempts() + " attempts)",
                    lastFailure.getCause());
        }
    }

    private QueryResult attempt(String path, FormBody form, String promql) throws MetricsException {
        Request request = new Request.Builder()
                .url(baseUrl.newBuilder().addPathSegments(path).build())
                .header("Accept", "application/json")
                .post(form)
                .build();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            int status = response.code();
            if (status >= 200 && status < 300) {
                return parseSuccess(body, promql);
            }
            String message = redact("Prometheus at " + where + " answered HTTP " + status + " to query '" + promql
                    + "': " + reason(body) + hint(status));
            // a rate limit (Mimir, Grafana Cloud) passes like a 5xx: ask again after a pause
            if (status >= 500 || status == 429) {
                throw new RetryableException(message, null);
            }
            throw new MetricsException(message);
        } catch (InterruptedIOException timeout) {
            throw new TimedOutException("Prometheus at " + where + " did not answer query '" + promql + "' within "
                    + settings.callTimeout().toMillis() + " ms");
        } catch (IOException unreachable) {
            throw new RetryableException(redact("could not reach Prometheus at " + where + ": " + unreachable), null);
        }
    }

    private QueryResult parseSuccess(String body, String promql) throws MetricsException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException notJson) {
            throw malformed(promql, "the answer is not JSON: " + excerpt(body));
        }
        if (root == null || !root.isObject()) {
            throw malformed(promql, "the answer is not a JSON object: " + excerpt(body));
        }
        if (!"success".equals(root.path("status").asText())) {
            throw new MetricsException(redact("Prometheus at " + where + " refused query '" + promql + "': "
                    + root.path("errorType").asText("unknown error type") + ": "
                    + root.path("error").asText("no reason given")));
        }
        JsonNode data = root.path("data");
        JsonNode result = data.path("result");
        List<String> warnings = new ArrayList<>();
        root.path("warnings").forEach(w -> warnings.add(redact(w.asText())));
        String type = data.path("resultType").asText("");
        return switch (type) {
            case "vector" -> new QueryResult(QueryResult.Type.VECTOR, seriesList(result, "value", promql), warnings);
            case "matrix" -> new QueryResult(QueryResult.Type.MATRIX, seriesList(result, "values", promql), warnings);
            case "scalar" ->
                new QueryResult(
                        QueryResult.Type.SCALAR,
                        List.of(new QueryResult.Series(Map.of(), List.of(sample(result, promql)))),
                        warnings);
            case "string" -> new QueryResult(QueryResult.Type.STRING, List.of(), warnings);
            default -> throw malformed(promql, "unknown resultType '" + type + "'");
        };
    }

    private List<QueryResult.Series> seriesList(JsonNode result, String samplesField, String promql)
            throws MetricsException {
        if (!result.isArray()) {
            throw malformed(promql, "data.result is not a list");
        }
        List<QueryResult.Series> series = new ArrayList<>();
        for (JsonNode item : result) {
            Map<String, String> labels = new LinkedHashMap<>();
            item.path("metric")
                    .properties()
                    .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            List<QueryResult.Sample> samples = new ArrayList<>();
            JsonNode raw = item.path(samplesField);
            if (samplesField.equals("value")) {
                samples.add(sample(raw, promql));
            } else if (raw.isArray()) {
                for (JsonNode point : raw) {
                    samples.add(sample(point, promql));
                }
            } else {
                throw malformed(promql, "a series has no '" + samplesField + "'");
            }
            series.add(new QueryResult.Series(labels, samples));
        }
        return series;
    }

    private QueryResult.Sample sample(JsonNode pair, String promql) throws MetricsException {
        if (!pair.isArray()
                || pair.size() != 2
                || !pair.get(0).isNumber()
                || !pair.get(1).isTextual()) {
            throw malformed(promql, "a sample is not [time, \"value\"]: " + excerpt(String.valueOf(pair)));
        }
        Instant time;
        try {
            // exact, so a time too large for an Instant is refused rather than wrapped around
            long nanos =
                    pair.get(0).decimalValue().movePointRight(9).toBigInteger().longValueExact();
            time = Instant.ofEpochSecond(0).plusNanos(nanos);
        } catch (NumberFormatException | ArithmeticException notATime) {
            // a double too large for a BigDecimal (Jackson reads 1e400 as infinity), or beyond a long of nanoseconds
            throw malformed(
                    promql,
                    "a sample time is not a Unix time: " + excerpt(pair.get(0).toString()));
        }
        try {
            return new QueryResult.Sample(time, parseValue(pair.get(1).asText()));
        } catch (NumberFormatException notANumber) {
            throw malformed(
                    promql,
                    "a sample value is not a number: " + excerpt(pair.get(1).asText()));
        }
    }

    /**
     * Parses a Prometheus sample value. Prometheus writes infinities as "+Inf" and "-Inf", which {@link
     * Double#parseDouble} refuses, so they are mapped here, as is "NaN".
     */
    static double parseValue(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private MetricsException malformed(String promql, String what) {
        return new MetricsException(
                redact("Prometheus at " + where + " gave a malformed answer to query '" + promql + "': " + what));
    }

    /** Prometheus' reason: {@code errorType: error} from a JSON error body, else the start of a plain-text body. */
    private String reason(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isObject() && root.has("error")) {
                return root.path("errorType").asText("error") + ": "
                        + root.path("error").asText();
            }
        } catch (IOException plainText) {
            // Not JSON: proxies, authentication failures and unknown paths answer plain text.
        }
        return body.isBlank() ? "(empty body)" : excerpt(body);
    }

    private static String hint(int status) {
        return switch (status) {
            case 401, 403 -> " (check the credential configured for this Prometheus)";
            case 404 -> " (check the URL: it should point at the server's root or its path prefix)";
            default -> "";
        };
    }

    private String excerpt(String text) {
        return credential.quote(text);
    }

    /** Removes the credential from a message, in case a server or proxy echoed it back. */
    private String redact(String message) {
        return credential.redact(message);
    }

    private static String seconds(Instant time) {
        return BigDecimal.valueOf(time.toEpochMilli(), 3).toPlainString();
    }
}
