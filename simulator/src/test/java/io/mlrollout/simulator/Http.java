package io.mlrollout.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking HTTP client for the simulator's tests. */
final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    static HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET(), headers);
    }

    static HttpResponse<String> put(URI uri, String body, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    static HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String... headers)
            throws IOException, InterruptedException {
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
