package io.mlrollout.cli;

import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.PrometheusClient;
import io.mlrollout.core.metrics.QueryResult;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Prometheus server of its own for the real-time demo: Debian's {@code prometheus} binary on a free loopback port,
 * with a temporary database, scraping one target every second. Closing it stops the process and deletes the database.
 */
final class PrometheusServer implements AutoCloseable {

    static final String INSTALL_HINT =
            "install it with `apt-get install prometheus` (Debian, Ubuntu) or put the binary from prometheus.io on the PATH";

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("msg=\"Listening on\" address=(\\S+)");

    private final Process process;
    private final Path folder;
    private final Deque<String> logTail = new ArrayDeque<>();
    private final Thread stopOnExit;
    private URI url;

    private PrometheusServer(Path binary, Path folder, String target) throws IOException {
        this.folder = folder;
        Path config = folder.resolve("prometheus.yml");
        Files.writeString(
                config,
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                        + "  - job_name: simulator\n    static_configs:\n      - targets: ['" + target + "']\n");
        process = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + folder.resolve("data"),
                        "--storage.tsdb.retention.time=1h",
                        "--web.listen-address=127.0.0.1:0")
                .redirectErrorStream(true)
                .start();
        stopOnExit = new Thread(process::destroyForcibly, "stop-prometheus");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** The {@code prometheus} binary on the PATH, if there is one. */
    static Optional<Path> findBinary(String pathVariable) {
        return Stream.of(Optional.ofNullable(pathVariable).orElse("").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, "prometheus"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts Prometheus scraping {@code target} (host:port) and returns once it has scraped it successfully. */
    static PrometheusServer start(Path binary, String target) throws IOException {
        PrometheusServer server =
                new PrometheusServer(binary, Files.createTempDirectory("mlrollout-prometheus"), target);
        try {
            server.url = URI.create("http://" + server.listenAddress());
            PrometheusClient client = new PrometheusClient(
                    server.url,
                    Credential.NONE,
                    new HttpSettings(Duration.ofSeconds(2), 1, Duration.ofMillis(1)),
                    Backoff.Sleeper.REAL);
            server.awaitFirstScrape(client);
            return server;
        } catch (IOException | RuntimeException failed) {
            server.close();
            throw failed;
        }
    }

    URI url() {
        return url;
    }

    private String listenAddress() throws IOException {
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
                    } catch (IOException ended) {
                        // The process is gone; the future below says so.
                    }
                    address.completeExceptionally(new IOException("prometheus exited before it listened"));
                },
                "prometheus-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return address.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("prometheus did not start: " + e.getMessage() + "; its log:\n" + log());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while prometheus started", e);
        }
    }

    /** Polls until the target's {@code up} is 1: a real process, so no fixed wait tells when it is ready. */
    private void awaitFirstScrape(PrometheusClient client) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                QueryResult up = client.query("up{job=\"simulator\"}", Instant.now());
                if (!up.series().isEmpty()
                        && up.series().get(0).samples().get(0).value() == 1) {
                    return;
                }
                last = "the simulator has not been scraped yet";
            } catch (MetricsException notYet) {
                last = notYet.getMessage();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IOException("prometheus did not scrape the simulator within " + STARTUP.toSeconds() + " s: " + last
                + "; its log:\n" + log());
    }

    private synchronized void remember(String line) {
        logTail.addLast(line);
        if (logTail.size() > 30) {
            logTail.removeFirst();
        }
    }

    private synchronized String log() {
        return String.join("\n", logTail);
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
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException exiting) {
            // The JVM is stopping; the hook stops the process anyway.
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + folder, e);
        }
    }
}
