package io.mlrollout.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The simulator's HTTP endpoints: {@code /predict}, {@code /traffic} (the webhook router contract) and /metrics. */
final class HttpApi {

    private static final String JSON = "application/json";
    private static final Set<String> TRAFFIC_FIELDS = Set.of("baseline", "canary", "canaryWeight", "mirrorPercent");

    private final Simulator simulator;
    private final Optional<byte[]> expectedAuthorization;

    HttpApi(Simulator simulator, Optional<String> trafficToken) {
        this.simulator = simulator;
        this.expectedAuthorization = trafficToken.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    void register(HttpServer server) {
        server.createContext("/predict", exchange -> handle(exchange, "/predict", this::predict));
        server.createContext("/traffic", exchange -> handle(exchange, "/traffic", this::traffic));
        server.createContext("/metrics", exchange -> handle(exchange, "/metrics", this::metrics));
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void handle(HttpExchange exchange, String path, Handler handler) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                send(
                        exchange,
                        404,
                        JSON,
                        error("no such path: " + exchange.getRequestURI().getPath()));
                return;
            }
            handler.handle(exchange);
        }
    }

    private void predict(HttpExchange exchange) throws IOException {
        if (!allow(exchange, "POST")) {
            return;
        }
        exchange.getRequestBody().readAllBytes();
        Outcome outcome = simulator.request();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", outcome.version());
        body.put("latencyMs", outcome.latencyMs());
        if (outcome.score().isPresent()) {
            body.put("score", outcome.score().getAsDouble());
        } else {
            body.put("error", outcome.status() == 503 ? "serving outage" : "model error");
        }
        send(exchange, outcome.status(), JSON, Json.object(body));
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!allow(exchange, "GET")) {
            return;
        }
        if (simulator.scrapeFails()) {
            send(exchange, 503, "text/plain; charset=utf-8", "metrics unavailable (simulated fault)\n");
            return;
        }
        String pod = podParameter(exchange.getRequestURI().getRawQuery());
        if (pod == null) {
            send(exchange, 200, Exposition.CONTENT_TYPE, simulator.metricsText());
            return;
        }
        try {
            send(exchange, 200, Exposition.CONTENT_TYPE, simulator.metricsText(pod));
        } catch (IllegalArgumentException unknown) {
            send(exchange, 404, "text/plain; charset=utf-8", unknown.getMessage() + "\n");
        }
    }

    /** The {@code pod} of {@code ?pod=NAME}: one pod's scrape, as Prometheus asks for it with a target parameter. */
    private static String podParameter(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("pod=")) {
                return java.net.URLDecoder.decode(pair.substring(4), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void traffic(HttpExchange exchange) throws IOException {
        if (!authorized(exchange)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            send(exchange, 401, JSON, error("missing or wrong bearer token"));
            return;
        }
        switch (exchange.getRequestMethod()) {
            case "GET" -> send(exchange, 200, JSON, splitJson(simulator.split()));
            case "PUT" -> putTraffic(exchange);
            default -> {
                exchange.getResponseHeaders().set("Allow", "GET, PUT");
                send(
                        exchange,
                        405,
                        JSON,
                        error("method " + exchange.getRequestMethod() + " not allowed; use GET or PUT"));
            }
        }
    }

    private void putTraffic(HttpExchange exchange) throws IOException {
        String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.MalformedException e) {
            send(exchange, 400, JSON, error(e.getMessage()));
            return;
        }
        Optional<String> invalid = validate(parsed);
        if (invalid.isPresent()) {
            send(exchange, 422, JSON, error(invalid.get()));
            return;
        }
        Map<?, ?> body = (Map<?, ?>) parsed;
        int weight = ((BigDecimal) body.get("canaryWeight")).intValueExact();
        int mirror = body.get("mirrorPercent") instanceof BigDecimal share ? share.intValueExact() : 0;
        send(exchange, 200, JSON, splitJson(simulator.setSplit(weight, mirror)));
    }

    /** Why a well-formed body is not a split this simulator can apply, if it is not. */
    private Optional<String> validate(Object parsed) {
        if (!(parsed instanceof Map<?, ?> body)) {
            return Optional.of("the body must be a JSON object like {\"canary\":\""
                    + simulator.canary().name() + "\",\"canaryWeight\":25}");
        }
        for (Object field : body.keySet()) {
            if (!TRAFFIC_FIELDS.contains(field)) {
                return Optional.of(
                        "unknown field '" + field + "'; allowed: baseline, canary, canaryWeight, mirrorPercent");
            }
        }
        Object weight = body.get("canaryWeight");
        if (!(weight instanceof BigDecimal number) || !isIntegerIn(number, 0, 100)) {
            return Optional.of("canaryWeight must be an integer 0..100, got " + describe("canaryWeight", body));
        }
        Object mirror = body.get("mirrorPercent");
        if (body.containsKey("mirrorPercent") && !(mirror instanceof BigDecimal share && isIntegerIn(share, 0, 100))) {
            return Optional.of(
                    "mirrorPercent, when given, must be an integer 0..100, got " + describe("mirrorPercent", body));
        }
        String canaryName = simulator.canary().name();
        Object canary = body.get("canary");
        if (!canaryName.equals(canary)) {
            return Optional.of("canary must name this simulator's canary version '" + canaryName + "', got "
                    + describe("canary", body));
        }
        String baselineName = simulator.baseline().name();
        if (body.containsKey("baseline") && !baselineName.equals(body.get("baseline"))) {
            return Optional.of("baseline, when given, must name this simulator's baseline version '" + baselineName
                    + "', got " + describe("baseline", body));
        }
        return Optional.empty();
    }

    private static boolean isIntegerIn(BigDecimal number, int min, int max) {
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() <= 0
                && stripped.compareTo(BigDecimal.valueOf(min)) >= 0
                && stripped.compareTo(BigDecimal.valueOf(max)) <= 0;
    }

    private static String describe(String field, Map<?, ?> body) {
        if (!body.containsKey(field)) {
            return "nothing (the field is required)";
        }
        Object value = body.get(field);
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private boolean authorized(HttpExchange exchange) {
        if (expectedAuthorization.isEmpty()) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization.get());
    }

    private static boolean allow(HttpExchange exchange, String method) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", method);
        send(exchange, 405, JSON, error("method " + exchange.getRequestMethod() + " not allowed; use " + method));
        return false;
    }

    private static String splitJson(Split split) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("baseline", split.baseline());
        body.put("canary", split.canary());
        body.put("canaryWeight", split.canaryWeight());
        body.put("ready", split.ready());
        body.put("mirrorPercent", split.mirrorPercent());
        return Json.object(body);
    }

    private static String error(String reason) {
        return Json.object(Map.of("error", reason));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
