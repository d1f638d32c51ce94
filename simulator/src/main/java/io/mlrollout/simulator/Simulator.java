package io.mlrollout.simulator;

import com.sun.net.httpserver.HttpServer;
import io.mlrollout.simulator.traffic.Minutes;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Under a {@link TrafficModel} ({@link Builder#traffic}, {@code poisson} by default, which changes nothing) each
 * model minute (one {@link Builder#trafficMinute} of the clock from {@link Builder#trafficStart}) multiplies each
 * version's error rate and latencies, and the request volume of {@link #simulateTraffic}, {@link #startLoad} and
 * {@link #trafficFactor}, by that minute's factors. The factors are drawn from the seed for {@value #TRAFFIC_MINUTES}
 * minutes, then repeat.
 */
public final class Simulator implements AutoCloseable {

    private static final double MAX_REQUESTS_PER_SECOND = 100_000;

    /** Model minutes drawn ahead: an hour, the length of a demo rollout; later minutes repeat them. */
    static final int TRAFFIC_MINUTES = 60;

    /** Keeps the traffic model's stream apart from the requests' one. */
    static final long TRAFFIC_STREAM = 0x7A4FF1CL;

    private final String endpoint;
    private final Clock clock;
    private final Random random;
    private final Random scrapeRandom;
    private final Duration readinessDelay;
    private final Optional<String> trafficToken;
    private final int requestedPort;
    private final VersionCounters baselineCounters = new VersionCounters();
    private final VersionCounters canaryCounters = new VersionCounters();
    /** Each version's requests spread over its pods, for the per-pod scrapes; drawn apart from the requests' stream. */
    private final int podsPerVersion;

    private final Random podRandom;
    /** By pod name, the baseline's pods first. */
    private final Map<String, VersionCounters> podCounters = new LinkedHashMap<>();

    private final Map<String, String> podVersions = new LinkedHashMap<>();
    private final Faults faults;
    private final TrafficModel trafficModel;
    private final Minutes trafficFactors;
    private final Instant trafficStart;
    private final Duration trafficMinute;
    private final Optional<TrafficSlices> slices;
    private final SliceCounters baselineSlices;
    private final SliceCounters canarySlices;

    private VersionProfile baseline;
    private VersionProfile canary;
    private int canaryWeight;
    private int mirrorPercent;
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
        this.trafficModel = b.trafficModel;
        this.trafficFactors = b.trafficModel.generate(b.seed ^ TRAFFIC_STREAM, TRAFFIC_MINUTES);
        this.trafficStart = b.trafficStart != null ? b.trafficStart : clock.instant();
        this.trafficMinute = b.trafficMinute;
        this.slices = b.slices;
        this.baselineSlices = new SliceCounters(b.slices);
        this.canarySlices = new SliceCounters(b.slices);
        this.podsPerVersion = b.podsPerVersion;
        this.podRandom = new Random(b.seed ^ POD_STREAM);
        for (VersionProfile version : List.of(baseline, canary)) {
            for (int i = 0; i < podsPerVersion; i++) {
                podCounters.put(podName(version.name(), i), new VersionCounters());
                podVersions.put(podName(version.name(), i), version.name());
            }
        }
    }

    /** Keeps the pods' draws apart from the requests' stream, so adding pods changes no other number. */
    static final long POD_STREAM = 0x9D0C5L;

    private String podName(String version, int index) {
        return endpoint + "-" + version + "-" + index;
    }

    /** Every pod's name, the baseline's first: {@code <endpoint>-<version>-<i>}. */
    public List<String> pods() {
        return List.copyOf(podCounters.keySet());
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
                baseline.name(), canary.name(), canaryWeight, !clock.instant().isBefore(readyAt), mirrorPercent);
    }

    /** Routes {@code weight} percent of requests to the canary from now on, mirroring none; returns the split. */
    public synchronized Split setSplit(int weight) {
        return setSplit(weight, 0);
    }

    /**
     * Routes {@code weight} percent of requests to the canary and mirrors {@code mirror} percent of the baseline's
     * requests to it from now on (the canary's answers to the copies are thrown away, as a mesh's mirror does), and
     * returns the realised split.
     */
    public synchronized Split setSplit(int weight, int mirror) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("canaryWeight must be an integer 0..100, got " + weight);
        }
        if (mirror < 0 || mirror > 100) {
            throw new IllegalArgumentException("mirrorPercent must be an integer 0..100, got " + mirror);
        }
        canaryWeight = weight;
        mirrorPercent = mirror;
        readyAt = clock.instant().plus(readinessDelay);
        return split();
    }

    public TrafficModel trafficModel() {
        return trafficModel;
    }

    /**
     * The traffic model's factor on the request volume in the minute holding {@code at}: what a caller that paces its
     * own requests multiplies its rate by.
     */
    public double trafficFactor(Instant at) {
        return trafficFactors.traffic(minuteOf(at));
    }

    /** Routes and serves one request, in the traffic model's minute of the clock's instant. */
    public synchronized Outcome request() {
        return request(minuteOf(clock.instant()));
    }

    private Outcome request(int minute) {
        VersionProfile profile = random.nextInt(100) < canaryWeight ? canary : baseline;
        if (profile == baseline && mirrorPercent > 0 && random.nextInt(100) < mirrorPercent) {
            answer(canary, minute); // the mirrored copy: counted in the canary's metrics, its answer dropped
        }
        return answer(profile, minute);
    }

    /** Serves one request on {@code profile} and counts it in that version's metrics. */
    private Outcome answer(VersionProfile profile, int minute) {
        boolean isCanary = profile == canary;
        int slice = slices.isPresent() ? slices.get().pick(random) : -1;
        VersionCounters counters = isCanary ? canaryCounters : baselineCounters;
        double latencyFactor = isCanary ? trafficFactors.canaryLatency(minute) : trafficFactors.baselineLatency(minute);
        double errorFactor = isCanary ? trafficFactors.canaryError(minute) : trafficFactors.baselineError(minute);
        // the candidate's regression, errors and latency alike, shows in one slice only: elsewhere it serves as the
        // baseline does
        VersionProfile serves = isCanary && slice >= 0 && !slices.get().canaryRegressesIn(slice) ? baseline : profile;
        double latencyMs = Sampling.latencyMs(random, serves) * latencyFactor + faults.extraLatencyMs(profile.name());
        OptionalDouble burst = faults.takeBurst(profile.name());
        double profileErrorRate = serves.errorRate();
        double errorRate = burst.orElse(Math.min(1, profileErrorRate * errorFactor));
        boolean modelError = random.nextDouble() < errorRate;
        int status = faults.servingOutage() ? 503 : modelError ? 500 : 200;
        VersionCounters pod = podCounters.get(podName(profile.name(), podRandom.nextInt(podsPerVersion)));
        counters.record(status, latencyMs);
        pod.record(status, latencyMs);
        if (slice >= 0) {
            (isCanary ? canarySlices : baselineSlices).record(slice, status, latencyMs);
        }
        if (status != 200) {
            return new Outcome(profile.name(), status, latencyMs, OptionalDouble.empty());
        }
        double score = Sampling.score(random, profile);
        counters.recordScore(score);
        pod.recordScore(score);
        return new Outcome(profile.name(), status, latencyMs, OptionalDouble.of(score));
    }

    /** Serves {@code requests} requests at once, synchronously, in the traffic model's minute of the clock. */
    public synchronized void serve(long requests) {
        serve(requests, clock.instant());
    }

    /**
     * Serves {@code requests} requests at once, synchronously, as in the traffic model's minute holding {@code at}: for
     * callers that keep their own simulated time.
     */
    public synchronized void serve(long requests, Instant at) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must not be negative, got " + requests);
        }
        int minute = minuteOf(at);
        for (long i = 0; i < requests; i++) {
            request(minute);
        }
    }

    /**
     * Serves the requests that {@code span} of traffic at {@code requestsPerSecond}, times the traffic model's volume
     * factor now, brings, synchronously.
     */
    public void simulateTraffic(Duration span, double requestsPerSecond) {
        requireRate(requestsPerSecond);
        if (span.isNegative()) {
            throw new IllegalArgumentException("span must not be negative, got " + span);
        }
        Instant now = clock.instant();
        serve(Math.round(requestsPerSecond * trafficFactor(now) * span.toNanos() / 1e9), now);
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
                    owed[0] += perTick * trafficFactor(clock.instant());
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
        Snapshot now;
        java.util.Map<String, java.util.Map<String, VersionStats>> bySlice = new java.util.HashMap<>();
        synchronized (this) {
            now = snapshot();
            if (slices.isPresent()) {
                bySlice.put(baseline.name(), baselineSlices.stats(baseline.name()));
                bySlice.put(canary.name(), canarySlices.stats(canary.name()));
            }
        }
        return Exposition.write(
                endpoint,
                List.of(now.baseline(), now.canary()),
                faults::hidden,
                slices.map(TrafficSlices::label),
                bySlice);
    }

    /** How the traffic is sliced, if it is. */
    public Optional<TrafficSlices> slices() {
        return slices;
    }

    /** Requests per slice and status code that {@code version} has served; empty without slices. */
    public synchronized java.util.Map<String, java.util.SortedMap<Integer, Long>> sliceResponses(String version) {
        if (version.equals(canary.name())) {
            return canarySlices.snapshot();
        }
        if (version.equals(baseline.name())) {
            return baselineSlices.snapshot();
        }
        throw new IllegalArgumentException("no version " + version);
    }

    /**
     * Latency per slice that {@code version} has served: requests per bucket of {@link Buckets#LATENCY_MS} and the +Inf
     * bucket (not cumulative); empty without slices.
     */
    public synchronized java.util.Map<String, java.util.List<Long>> sliceLatencyBuckets(String version) {
        SliceCounters counters;
        if (version.equals(canary.name())) {
            counters = canarySlices;
        } else if (version.equals(baseline.name())) {
            counters = baselineSlices;
        } else {
            throw new IllegalArgumentException("no version " + version);
        }
        java.util.Map<String, java.util.List<Long>> buckets = new java.util.LinkedHashMap<>();
        counters.stats(version).forEach((slice, stats) -> buckets.put(slice, stats.latencyBuckets()));
        return buckets;
    }

    /**
     * What {@code GET /metrics?pod=NAME} answers: that pod's share of its version's counters, with the same names and
     * labels, as a scrape of one pod's sidecar gives them (Prometheus adds the pod's name as a target label).
     *
     * @throws IllegalArgumentException for a pod the simulator does not have
     */
    public synchronized String metricsText(String pod) {
        VersionCounters counters = podCounters.get(pod);
        if (counters == null) {
            throw new IllegalArgumentException("no such pod: " + pod + "; pods: " + pods());
        }
        return Exposition.write(endpoint, List.of(counters.snapshot(podVersions.get(pod))), faults::hidden);
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

    /** The traffic model's minute holding {@code at}; instants before the start count as its first minute. */
    private int minuteOf(Instant at) {
        long elapsed = Math.max(0, Duration.between(trafficStart, at).toNanos());
        return (int) ((elapsed / trafficMinute.toNanos()) % TRAFFIC_MINUTES);
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
        private TrafficModel trafficModel = TrafficModel.named("poisson");
        private Instant trafficStart;
        private Duration trafficMinute = Duration.ofMinutes(1);
        private int podsPerVersion = 1;
        private Optional<TrafficSlices> slices = Optional.empty();

        private Builder() {}

        /** Splits the traffic into slices by a label, optionally with the canary's regression in one slice only. */
        public Builder slices(TrafficSlices slices) {
            this.slices = Optional.of(Objects.requireNonNull(slices, "slices"));
            return this;
        }

        /** How traffic varies from minute to minute (default {@code poisson}: it does not). */
        /** How many pods serve each version (1 by default); each request goes to one of its version's at random. */
        public Builder podsPerVersion(int pods) {
            if (pods < 1 || pods > 100) {
                throw new IllegalArgumentException("podsPerVersion must be 1..100, got " + pods);
            }
            this.podsPerVersion = pods;
            return this;
        }

        public Builder traffic(TrafficModel model) {
            this.trafficModel = Objects.requireNonNull(model, "traffic");
            return this;
        }

        /** Where the traffic model's minute 0 begins (default: the clock's instant when built). */
        public Builder trafficStart(Instant start) {
            this.trafficStart = Objects.requireNonNull(start, "trafficStart");
            return this;
        }

        /**
         * How long one of the traffic model's minutes lasts (default a minute): a demo that looks every 5 s in real time
         * gives 5 s, so its short rollout sees the model's variation.
         */
        public Builder trafficMinute(Duration minute) {
            if (minute == null || minute.isNegative() || minute.isZero()) {
                throw new IllegalArgumentException("trafficMinute must be a positive duration, got " + minute);
            }
            this.trafficMinute = minute;
            return this;
        }

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
