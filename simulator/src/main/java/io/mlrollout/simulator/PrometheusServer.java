package io.mlrollout.simulator;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
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
 * A real Prometheus server to watch the simulator with: Debian's {@code prometheus} binary on a free loopback port,
 * with a temporary database, scraping one target every second as job {@value #JOB}. {@link #start} returns once the
 * server is ready and has scraped the target successfully; {@link #close} stops the process and deletes the database.
 * The CLI's real-time demo and core's real-Prometheus tests both start it.
 */
public final class PrometheusServer implements AutoCloseable {

    /** How to get the binary, for the message that says it is missing. */
    public static final String INSTALL_HINT =
            "install it with `apt-get install prometheus` (Debian, Ubuntu) or put the binary from prometheus.io on the PATH";

    /** The scrape job's name, as in {@code up{job="simulator"}}. */
    public static final String JOB = "simulator";

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int LOG_LINES = 40;
    private static final Pattern LISTENING = Pattern.compile("msg=\"Listening on\" address=(\\S+)");

    private final Process process;
    private final Path folder;
    private final Deque<String> logTail = new ArrayDeque<>();
    private final Thread stopOnExit;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private URI url;

    private PrometheusServer(Path binary, Path folder, String target, List<String> pods) throws IOException {
        this.folder = folder;
        Path config = folder.resolve("prometheus.yml");
        List<String> lines = new ArrayList<>(List.of(
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    static_configs:"));
        if (pods.isEmpty()) {
            lines.add("      - targets: ['" + target + "']");
        }
        for (String pod : pods) {
            // one target per pod, as Kubernetes discovery gives them: the pod's name becomes a label of its series
            lines.add("      - targets: ['" + target + "']");
            lines.add("        labels: {pod: '" + pod + "', __param_pod: '" + pod + "'}");
        }
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
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

    /** The first executable {@code prometheus} in the folders of {@code pathVariable} (a PATH), if there is one. */
    public static Optional<Path> findBinary(String pathVariable) {
        return Stream.of(Optional.ofNullable(pathVariable).orElse("").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, "prometheus"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts {@code binary} scraping {@code target} (host:port) and returns once it is ready and has scraped the
     * target successfully. If it does not get there within 30 s per step, the process is stopped, its folder deleted,
     * and the exception carries the tail of its log.
     */
    public static PrometheusServer start(Path binary, String target) throws IOException {
        return start(binary, target, List.of());
    }

    /**
     * As {@link #start(Path, String)}, but scraping each of the simulator's {@code pods} as a target of its own
     * ({@code /metrics?pod=NAME}, labelled {@code pod="NAME"}), as Prometheus scrapes the pods of a Kubernetes
     * deployment; the whole-endpoint {@code /metrics} is then not scraped, so no request is counted twice.
     */
    public static PrometheusServer start(Path binary, String target, List<String> pods) throws IOException {
        for (String pod : pods) {
            if (!pod.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                throw new IllegalArgumentException("a pod name must be a Kubernetes name, got '" + pod + "'");
            }
        }
        Path folder = Files.createTempDirectory("mlrollout-prometheus");
        PrometheusServer server;
        try {
            server = new PrometheusServer(binary, folder, target, pods);
        } catch (IOException notStarted) {
            delete(folder);
            throw notStarted;
        }
        try {
            server.url = URI.create("http://" + server.listenAddress());
            server.await(
                    "become ready at " + server.url,
                    () -> server.get("/-/ready").statusCode() == 200);
            server.await("scrape " + target, server::targetIsUp);
            return server;
        } catch (IOException | RuntimeException failed) {
            server.close();
            throw failed;
        }
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        return url;
    }

    /** The server's process, so tests can see that closing leaves none behind. */
    ProcessHandle process() {
        return process.toHandle();
    }

    /** The temporary folder with the configuration and the database. */
    Path folder() {
        return folder;
    }

    /** Reads the log until the line that names the port the server chose, and keeps reading it into the tail. */
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
            throw new InterruptedIOException("interrupted while prometheus started");
        }
    }

    /** A condition on the running server; an exception means "not yet". */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws IOException;
    }

    /** Polls until the condition holds: a real process, so no fixed wait tells when it is there. */
    private void await(String what, Condition condition) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
                last = "not yet";
            } catch (InterruptedIOException interrupted) {
                throw interrupted;
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("prometheus did not " + what
                        + (process.isAlive() ? " within " + STARTUP.toSeconds() + " s" : ": it exited") + " (last: "
                        + last + "); its log:\n" + log());
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Whether the newest {@code up} of every target of the job is 1, read from the query API's JSON. */
    private boolean targetIsUp() throws IOException {
        String query = URLEncoder.encode("min(up{job=\"" + JOB + "\"})", StandardCharsets.UTF_8);
        HttpResponse<String> response = get("/api/v1/query?query=" + query);
        if (response.statusCode() != 200) {
            throw new IOException("the query API answered " + response.statusCode());
        }
        try {
            Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
            List<?> result = (List<?>) ((Map<?, ?>) body.get("data")).get("result");
            return !result.isEmpty() && "1".equals(((List<?>) ((Map<?, ?>) result.get(0)).get("value")).get(1));
        } catch (Json.MalformedException | ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            throw new IOException("unexpected answer to the up query: " + response.body(), e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for prometheus");
        }
    }

    private synchronized void remember(String line) {
        logTail.addLast(line);
        if (logTail.size() > LOG_LINES) {
            logTail.removeFirst();
        }
    }

    private synchronized String log() {
        return String.join("\n", logTail);
    }

    /** Stops the process (politely, then by force) and deletes the temporary folder. */
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
        delete(folder);
    }

    private static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + folder, e);
        }
    }
}
