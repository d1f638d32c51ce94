package io.mlrollout.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * An embedded model-serving simulator: one endpoint served by a baseline and a canary version, a traffic split between
 * them, fault switches, and an HTTP server on loopback with {@code POST /predict}, the webhook traffic API ({@code GET}
 * and {@code PUT /traffic}) and Istio-style {@code GET /metrics}.
 *
 * <p>Traffic is simulated in-process: {@link #serve(int)} and {@link #simulateTraffic(Duration, double)} run
 * synchronously without timers, {@link #startLoad(double)} runs in real time. The same seed and the same calls give
 * the same counters. Latencies are recorded, not waited for.
 */
public final class Simulator implements AutoCloseable {

    private static final double MAX_REQUESTS_PER_SECOND = 100_000;

    private final String endpoint;
    private final Clock clock;
    private final Random random;
    private final Random scrapeRandom;
    private final Duration readinessDelay;
    private final Optional<String> trafficToken;
    private final int requestedPort;
    private final VersionCounters baselineCounters = new VersionCounters();
    private final VersionCounters canaryCounters = new VersionCounters();
    private final Faults faults;

    private VersionProfile baseline;
    private VersionProfile canary;
    private int canaryWeight;
    private Instant readyAt;
    private HttpServer server;
    private ExecutorService httpThreads;
    private ScheduledExecutorService load;

    private Simulator(Builder b) {
        if (b.baseline.name().equals(b.canary.name())) {
            throw new IllegalArgumentException(
                    "baseline and canary must be different versions, both are '" + b.baseline.name() + "'");
        }
        this.endpoint = b.endpoint;
        this.clock = b.clock;
        this.random = new Random(b.seed);
        this.scrapeRandom = new Random(b.seed ^ 0x5DEECE66DL);
        this.readinessDelay = b.readinessDelay;
        this.trafficToken = b.trafficToken;
        this.requestedPort = b.port;
        this.baseline = b.baseline;
        this.canary = b.canary;
        this.canaryWeight = b.canaryWeight;
        this.readyAt = clock.instant();
        this.faults = new Faults(Set.of(baseline.name(), canary.name()), clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the HTTP server on 127.0.0.1 and the configured port (0: a free one). */
    public synchronized Simulator start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the simulator is already started");
        }
        // The JDK server leaves Nagle's algorithm on by default, which stalls every small response by the peer's
        // delayed ACK (about 40 ms); the property is read once, when the first server of the JVM is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
        httpThreads = Executors.newFixedThreadPool(4, daemon("simulator-http"));
        http.setExecutor(httpThreads);
        new HttpApi(this, trafficToken).register(http);
        http.start();
        server = http;
        return this;
    }

    /** The port the HTTP server listens on. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the simulator is not started");
        }
        return server.getAddress().getPort();
    }

    /** The base URL of the HTTP server, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public String endpoint() {
        return endpoint;
    }

    public synchronized VersionProfile baseline() {
        return baseline;
    }

    public synchronized VersionProfile canary() {
        return canary;
    }

    /** Changes how the baseline behaves from now on; its name cannot change (it labels the series). */
    public synchronized void setBaseline(VersionProfile profile) {
        requireSameName(baseline, profile);
        baseline = profile;
    }

    /** Changes how the canary behaves from now on; its name cannot change (it labels the series). */
    public synchronized void setCanary(VersionProfile profile) {
        requireSameName(canary, profile);
        canary = profile;
    }

    public Faults faults() {
        return faults;
    }

    /** The current split; {@code ready} is false until the readiness delay after the last change has passed. */
    public synchronized Split split() {
        return new Split(
                baseline.name(), canary.name(), canaryWeight, !clock.instant().isBefore(readyAt));
    }

    /** Routes {@code weight} percent of requests to the canary from now on, and returns the realised split. */
    public synchronized Split setSplit(int weight) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("canaryWeight must be an integer 0..100, got " + weight);
        }
        canaryWeight = weight;
        readyAt = clock.instant().plus(readinessDelay);
        return split();
    }

    /** Routes and serves one request. */
    public synchronized Outcome request() {
        VersionProfile profile = random.nextInt(100) < canaryWeight ? canary : baseline;
        VersionCounters counters = profile == canary ? canaryCounters : baselineCounters;
        double latencyMs = Sampling.latencyMs(random, profile) + faults.extraLatencyMs(profile.name());
        OptionalDouble burst = faults.takeBurst(profile.name());
        double errorRate = burst.orElse(profile.errorRate());
        boolean modelError = random.nextDouble() < errorRate;
        int status = faults.servingOutage() ? 503 : modelError ? 500 : 200;
        counters.record(status, latencyMs);
        if (status != 200) {
            return new Outcome(profile.name(), status, latencyMs, OptionalDouble.empty());
        }
        double score = Sampling.score(random, profile);
        counters.recordScore(score);
        return new Outcome(profile.name(), status, latencyMs, OptionalDouble.of(score));
    }

    /** Serves {@code requests} requests at once, synchronously. */
    public synchronized void serve(long requests) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must not be negative, got " + requests);
        }
        for (long i = 0; i < requests; i++) {
            request();
        }
    }

    /** Serves the requests that {@code span} of traffic at {@code requestsPerSecond} brings, synchronously. */
    public void simulateTraffic(Duration span, double requestsPerSecond) {
        requireRate(requestsPerSecond);
        if (span.isNegative()) {
            throw new IllegalArgumentException("span must not be negative, got " + span);
        }
        serve(Math.round(requestsPerSecond * span.toNanos() / 1e9));
    }

    /**
     * Generates {@code requestsPerSecond} requests per second in real time, in ticks of 100 ms, until {@link
     * #stopLoad()} or {@link #close()}. Replaces a load already running.
     */
    public synchronized void startLoad(double requestsPerSecond) {
        requireRate(requestsPerSecond);
        stopLoad();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(daemon("simulator-load"));
        double perTick = requestsPerSecond / 10;
        double[] owed = {0};
        ticks.scheduleAtFixedRate(
                () -> {
                    owed[0] += perTick;
                    long now = (long) owed[0];
                    owed[0] -= now;
                    tick(ticks, now);
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
        load = ticks;
    }

    /** Serves one tick's requests unless its load was stopped while the tick waited for the lock. */
    private synchronized void tick(ScheduledExecutorService ticks, long requests) {
        if (load == ticks) {
            serve(requests);
        }
    }

    public synchronized void stopLoad() {
        if (load != null) {
            load.shutdownNow();
            load = null;
        }
    }

    /** Both versions' counters now. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(baselineCounters.snapshot(baseline.name()), canaryCounters.snapshot(canary.name()));
    }

    /** What {@code GET /metrics} answers when it does not fail: the counters in the text exposition format. */
    public String metricsText() {
        Snapshot now = snapshot();
        return Exposition.write(endpoint, List.of(now.baseline(), now.canary()), faults::hidden);
    }

    /** Whether this scrape fails, by the metrics-outage and flaky-metrics switches. */
    boolean scrapeFails() {
        if (faults.metricsOutage()) {
            return true;
        }
        double fraction = faults.flakyMetricsFraction();
        synchronized (scrapeRandom) {
            return fraction > 0 && scrapeRandom.nextDouble() < fraction;
        }
    }

    @Override
    public synchronized void close() {
        stopLoad();
        if (server != null) {
            server.stop(0);
            httpThreads.shutdownNow();
            server = null;
        }
    }

    private static void requireSameName(VersionProfile current, VersionProfile replacement) {
        if (!current.name().equals(replacement.name())) {
            throw new IllegalArgumentException("a profile's name labels its series and cannot change: '"
                    + current.name() + "' cannot become '" + replacement.name() + "'");
        }
    }

    private static void requireRate(double requestsPerSecond) {
        if (!(requestsPerSecond > 0 && requestsPerSecond <= MAX_REQUESTS_PER_SECOND)) {
            throw new IllegalArgumentException("requestsPerSecond must be in (0, " + (long) MAX_REQUESTS_PER_SECOND
                    + "], got " + requestsPerSecond);
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Sets up a simulator; every setting has a default. */
    public static final class Builder {
        private String endpoint = "fraud-scorer";
        private VersionProfile baseline = VersionProfile.named("v1");
        private VersionProfile canary = VersionProfile.named("v2");
        private int canaryWeight;
        private long seed = 1;
        private int port;
        private Optional<String> trafficToken = Optional.empty();
        private Duration readinessDelay = Duration.ZERO;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The endpoint's name in the metrics' labels (default {@code fraud-scorer}). */
        public Builder endpoint(String name) {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException(
                        "endpoint must be letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            this.endpoint = name;
            return this;
        }

        public Builder baseline(VersionProfile profile) {
            this.baseline = Objects.requireNonNull(profile, "baseline");
            return this;
        }

        public Builder canary(VersionProfile profile) {
            this.canary = Objects.requireNonNull(profile, "canary");
            return this;
        }

        /** The initial percent of traffic to the canary (default 0). */
        public Builder canaryWeight(int weight) {
            if (weight < 0 || weight > 100) {
                throw new IllegalArgumentException("canaryWeight must be an integer 0..100, got " + weight);
            }
            this.canaryWeight = weight;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The HTTP port (default 0: a free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} on {@code /traffic}. */
        public Builder trafficToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("trafficToken must not be blank");
            }
            this.trafficToken = Optional.of(token);
            return this;
        }

        /** After each change of the split, {@code ready} stays false for this long (default: ready at once). */
        public Builder readinessDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("readinessDelay must not be negative, got " + delay);
            }
            this.readinessDelay = delay;
            return this;
        }

        /** The clock for readiness and timed error bursts (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A simulator that is not yet serving HTTP; call {@link Simulator#start()} for that. */
        public Simulator build() {
            return new Simulator(this);
        }
    }
}
