package io.mlrollout.core.metrics;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on a random loopback port, with a temporary TSDB,
 * scraping one target every second. Started by {@link PrometheusExtension}.
 */
public final class PrometheusProcess implements AutoCloseable {

    static final String JOB = "simulator";
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("msg=\"Listening on\" address=(\\S+)");

    private final Process process;
    private final Path dir;
    private final Deque<String> logTail = new ArrayDeque<>();
    private final URI url;
    private final PrometheusClient client;
    private final Thread shutdownHook;

    private PrometheusProcess(Path binary, Path dir, String target) throws IOException {
        this.dir = dir;
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "  scrape_timeout: 1s",
                        "scrape_configs:",
                        "  - job_name: " + JOB,
                        "    static_configs:",
                        "      - targets: ['" + target + "']",
                        ""));
        process = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--storage.tsdb.retention.time=1h",
                        "--web.listen-address=127.0.0.1:0")
                .redirectErrorStream(true)
                .start();
        shutdownHook = new Thread(process::destroyForcibly, "stop-prometheus");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        url = URI.create("http://" + awaitListenAddress());
        client = new PrometheusClient(
                url, Credential.NONE, new HttpSettings(Duration.ofSeconds(5), 1, Duration.ofMillis(1)), d -> {});
    }

    /** Starts Prometheus scraping {@code target} (host:port) and waits until it is ready and has scraped once. */
    static PrometheusProcess start(Path binary, String target) throws IOException {
        Path dir = Files.createTempDirectory("prometheus-test");
        PrometheusProcess prometheus = new PrometheusProcess(binary, dir, target);
        try {
            prometheus.awaitReady();
            prometheus.awaitFirstScrape();
            return prometheus;
        } catch (AssertionError notReady) {
            String log = prometheus.log();
            prometheus.close();
            throw new AssertionError(notReady.getMessage() + "; prometheus log:\n" + log, notReady);
        } catch (RuntimeException failed) {
            prometheus.close();
            throw failed;
        }
    }

    /** The binary on the PATH (Debian installs it as /usr/bin/prometheus), if any. */
    static Optional<Path> findBinary() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + java.io.File.pathSeparator + "/usr/bin";
        return Stream.of(path.split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, "prometheus"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        return url;
    }

    /** A client to this server, for waiting on its state. */
    PrometheusClient client() {
        return client;
    }

    /** The timestamp of the newest stored sample of {@code selector}, if there is one. */
    Optional<Instant> newestSample(String selector) throws MetricsException {
        QueryResult result = client.query("max(timestamp(" + selector + "))", Instant.now());
        if (result.series().isEmpty()) {
            return Optional.empty();
        }
        double seconds = result.series().get(0).samples().get(0).value();
        return Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)));
    }

    /** Waits until Prometheus has stored a scrape of {@code selector} taken after {@code instant}. */
    Instant awaitScrapeAfter(String selector, Instant instant) {
        Instant[] newest = new Instant[1];
        Poll.until("for a scrape of " + selector + " after " + instant, Duration.ofSeconds(15), () -> {
            newest[0] = newestSample(selector).orElse(Instant.EPOCH);
            return newest[0].isAfter(instant);
        });
        return newest[0];
    }

    private String awaitListenAddress() throws IOException {
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            remember(line);
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                address.complete(m.group(1));
                            }
                        }
                    } catch (IOException closed) {
                        // The process ended; the exit is reported below.
                    }
                    address.completeExceptionally(new IOException("prometheus exited before listening"));
                },
                "prometheus-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return address.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException failed) {
            close();
            throw new IOException("prometheus did not report its listen address: " + failed + "; log:\n" + log());
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(url.resolve("/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Poll.until(
                "for prometheus to be ready at " + url,
                STARTUP,
                () -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private void awaitFirstScrape() {
        Poll.until("for the first successful scrape of the simulator", STARTUP, () -> {
            QueryResult up = client.query("up{job=\"" + JOB + "\"}", Instant.now());
            return !up.series().isEmpty() && up.series().get(0).samples().get(0).value() == 1;
        });
    }

    private synchronized void remember(String line) {
        logTail.addLast(line);
        if (logTail.size() > 40) {
            logTail.removeFirst();
        }
    }

    synchronized String log() {
        return String.join("\n", List.copyOf(logTail));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already stopping; the hook runs anyway.
        }
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
