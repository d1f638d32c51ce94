package io.mlrollout.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Fault switches of a running simulator: slow responses, bursts of 5xx, a serving outage, a metrics outage, flaky
 * scrapes, and hidden series. All switches are off at first; each can be turned on and off at any time, from any
 * thread.
 */
public final class Faults {

    /** An error-rate override for one version, ending after a number of requests or at an instant. */
    private static final class Burst {
        final double rate;
        long requestsLeft;
        final Instant until;

        Burst(double rate, long requestsLeft, Instant until) {
            this.rate = rate;
            this.requestsLeft = requestsLeft;
            this.until = until;
        }
    }

    private final Set<String> versions;
    private final Clock clock;
    private final Map<String, Double> extraLatencyMs = new HashMap<>();
    private final Map<String, Burst> bursts = new HashMap<>();
    private final Set<String> hidden = new HashSet<>();
    private boolean servingOutage;
    private boolean metricsOutage;
    private double flakyMetricsFraction;

    Faults(Set<String> versions, Clock clock) {
        this.versions = Set.copyOf(versions);
        this.clock = clock;
    }

    /** Adds {@code extra} to every latency of {@code version} (slow responses); zero turns it off. */
    public synchronized Faults slow(String version, Duration extra) {
        requireVersion(version);
        if (extra.isNegative()) {
            throw new IllegalArgumentException("extra latency must not be negative, got " + extra);
        }
        extraLatencyMs.put(version, extra.toNanos() / 1e6);
        return this;
    }

    /** Answers the next {@code requests} requests routed to {@code version} with 5xx at {@code errorRate}. */
    public synchronized Faults errorBurst(String version, double errorRate, long requests) {
        requireVersion(version);
        requireRate(errorRate, "errorRate");
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1, got " + requests);
        }
        bursts.put(version, new Burst(errorRate, requests, Instant.MAX));
        return this;
    }

    /** Answers requests routed to {@code version} with 5xx at {@code errorRate} for {@code span} of the clock. */
    public synchronized Faults errorBurst(String version, double errorRate, Duration span) {
        requireVersion(version);
        requireRate(errorRate, "errorRate");
        if (span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException("span must be positive, got " + span);
        }
        bursts.put(version, new Burst(errorRate, Long.MAX_VALUE, clock.instant().plus(span)));
        return this;
    }

    /** When on, every request fails with 503, whatever the version. */
    public synchronized Faults servingOutage(boolean on) {
        servingOutage = on;
        return this;
    }

    /** When on, {@code /metrics} answers 503. */
    public synchronized Faults metricsOutage(boolean on) {
        metricsOutage = on;
        return this;
    }

    /** {@code /metrics} answers 503 to this fraction of scrapes, at random; 0 turns it off. */
    public synchronized Faults flakyMetrics(double fraction) {
        requireRate(fraction, "fraction");
        flakyMetricsFraction = fraction;
        return this;
    }

    /** When on, {@code /metrics} leaves out every series of {@code version} (absent, not zero). */
    public synchronized Faults hideSeries(String version, boolean on) {
        requireVersion(version);
        if (on) {
            hidden.add(version);
        } else {
            hidden.remove(version);
        }
        return this;
    }

    /** Turns every switch off. */
    public synchronized Faults clear() {
        extraLatencyMs.clear();
        bursts.clear();
        hidden.clear();
        servingOutage = false;
        metricsOutage = false;
        flakyMetricsFraction = 0;
        return this;
    }

    synchronized double extraLatencyMs(String version) {
        return extraLatencyMs.getOrDefault(version, 0.0);
    }

    /** The overriding error rate for one request to {@code version}, counting the request against the burst. */
    synchronized OptionalDouble takeBurst(String version) {
        Burst burst = bursts.get(version);
        if (burst == null) {
            return OptionalDouble.empty();
        }
        if (!clock.instant().isBefore(burst.until)) {
            bursts.remove(version);
            return OptionalDouble.empty();
        }
        if (--burst.requestsLeft <= 0) {
            bursts.remove(version);
        }
        return OptionalDouble.of(burst.rate);
    }

    synchronized boolean servingOutage() {
        return servingOutage;
    }

    synchronized boolean metricsOutage() {
        return metricsOutage;
    }

    synchronized double flakyMetricsFraction() {
        return flakyMetricsFraction;
    }

    synchronized boolean hidden(String version) {
        return hidden.contains(version);
    }

    private void requireVersion(String version) {
        if (!versions.contains(version)) {
            throw new IllegalArgumentException("version '" + version + "' is not served here; versions: " + versions);
        }
    }

    private static void requireRate(double value, String field) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + value);
        }
    }
}
