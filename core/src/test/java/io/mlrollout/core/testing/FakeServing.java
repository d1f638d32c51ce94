package io.mlrollout.core.testing;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Presets;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * An endpoint in memory for engine and plugin tests: a router that remembers its split and a metrics source that
 * reports the expected counts and values of each version's traffic share (no noise, so outcomes are exact). Public
 * knobs turn on the failures the engine must handle. Shared with other modules through core's test jar.
 */
public final class FakeServing implements TrafficRouter, MetricsSource {

    public final String baseline = "v1";
    public String canary = "v2";
    public int weight;
    /** Enough traffic that each stage of the test policies shows its evidence (rules out a doubling) within its bake. */
    public double requestsPerSecond = 1000;

    public double baselineErrorRate = 0.01;
    public double candidateErrorRate = 0.01;
    public double baselineLatency = 200;
    public double candidateLatency = 200;
    public double[] baselineScores = {0.1, 0.2, 0.4, 0.2, 0.1};
    public double[] candidateScores = {0.1, 0.2, 0.4, 0.2, 0.1};

    /** Shift calls that fail before one succeeds. */
    public int shiftFailures;
    /** Every shift to 0 fails. */
    public boolean rollbackBroken;
    /** The router reports this weight whatever is asked (null: what was asked). */
    public Integer stuckAt;
    /** Reads that report the split as not ready after a shift. */
    public int notReadyReads;
    /** The metrics source is down. */
    public boolean metricsDown;

    /**
     * When set, counts are drawn (Poisson) and values jittered from this generator instead of being exact, for seeded
     * simulations of many rollouts.
     */
    public SplittableRandom noise;

    /**
     * With {@link #noise}: per minute of the rollout, factors on each version's bad rate and on the endpoint's traffic,
     * e.g. a traffic model's wandering rates, bursts and empty minutes; none when null.
     */
    public MinuteFactors factors;

    /** Multiplicative factors for one minute of the rollout. */
    public interface MinuteFactors {
        double error(long minute, boolean candidate);

        double traffic(long minute);
    }

    /** When the simulated rollout began, for the minute numbers of {@link #factors}. */
    public Instant start;
    /** The relative standard deviation of a quantile or value reading when {@link #noise} is set. */
    public double valueJitter = 0.05;

    /** Every weight asked for, in order. */
    public final List<Integer> shifts = new ArrayList<>();

    public int metricReads;

    /** The share of requests mirrored to the candidate (a shadow stage). */
    public int mirror;
    /** Mirror requests asked for, in order. */
    public final List<Integer> mirrors = new ArrayList<>();
    /** A router that takes a mirror request but never sets the mirror up. */
    public boolean ignoresMirror;
    /** A router that keeps mirroring whatever it is asked. */
    public boolean mirrorStuck;

    @Override
    public TrafficSplit current() {
        return new TrafficSplit(baseline, canary, weight, true, mirror);
    }

    @Override
    public TrafficSplit mirror(String candidate, int mirrorPercent) {
        mirrors.add(mirrorPercent);
        canary = candidate;
        weight = 0;
        mirror = ignoresMirror ? 0 : mirrorPercent;
        return current();
    }

    @Override
    public boolean canMirror() {
        return true;
    }

    @Override
    public TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
        shifts.add(canaryWeight);
        if (canaryWeight == 0 && rollbackBroken) {
            throw new TrafficException(TrafficException.Kind.TRANSIENT, "503 Service Unavailable");
        }
        if (shiftFailures > 0) {
            shiftFailures--;
            throw new TrafficException(TrafficException.Kind.TRANSIENT, "connection refused");
        }
        canary = candidate;
        weight = stuckAt != null ? stuckAt : canaryWeight;
        mirror = mirrorStuck ? mirror : 0;
        boolean ready = notReadyReads == 0;
        if (!ready) {
            notReadyReads--;
        }
        return new TrafficSplit(baseline, canary, weight, ready, mirror);
    }

    @Override
    public String describe() {
        return "fake router";
    }

    @Override
    public Reading read(MetricSpec metric, String endpoint, String version, Window window) throws MetricsException {
        metricReads++;
        if (metricsDown) {
            throw new MetricsException("connection refused (fake metrics source is down)");
        }
        boolean candidate = version.equals(canary);
        // A mirrored request reaches the candidate as a copy: the baseline still serves it.
        double share = candidate ? (weight > 0 ? weight : mirror) / 100.0 : 1 - weight / 100.0;
        double requests = requestsPerSecond * window.length().toSeconds() * share * trafficFactor(window);
        return switch (metric.kind()) {
            case RATIO -> counts(requests, candidate ? candidateErrorRate : baselineErrorRate, candidate, window);
            case QUANTILE, VALUE -> {
                double value = jittered(candidate ? candidateLatency : baselineLatency);
                if (metric.kind() == MetricSpec.Kind.QUANTILE && readsBuckets(metric)) {
                    yield latencies(value, requests);
                }
                yield requests == 0 ? new Reading.NoData("NaN: no requests to " + version) : new Reading.Scalar(value);
            }
            case DISTRIBUTION -> histogram(candidate ? candidateScores : baselineScores, requests);
        };
    }

    private Reading counts(double requests, double rate, boolean candidate, Window window) {
        if (noise == null) {
            return new Reading.Counts(requests * rate, requests);
        }
        double factor = factors == null ? 1 : factors.error(minuteOf(window), candidate);
        double total = poisson(requests);
        double bad = Math.min(total, poisson(requests * Math.min(1, rate * factor)));
        return new Reading.Counts(bad, total);
    }

    /** A Poisson draw: by multiplying uniforms for small means, by its normal approximation for large ones. */
    private long minuteOf(Window window) {
        return start == null ? 0 : Duration.between(start, window.start()).toMinutes();
    }

    private double trafficFactor(Window window) {
        return noise == null || factors == null ? 1 : factors.traffic(minuteOf(window));
    }

    private double poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 50) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * noise.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = noise.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= noise.nextDouble();
            count++;
        }
        return count;
    }

    private double jittered(double value) {
        return noise == null ? value : value * Math.exp(valueJitter * noise.nextGaussian());
    }

    /** Istio's bucket bounds for istio_request_duration_milliseconds, up to 10 s. */
    private static final double[] LATENCY_BOUNDS_MS = {
        0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, Double.POSITIVE_INFINITY
    };

    /** The log-normal's σ; its p99 is the median times e^(2.326σ). */
    private static final double LATENCY_SIGMA = 0.5;

    private static boolean readsBuckets(MetricSpec metric) {
        try {
            return Presets.resolve(metric).histogram().isPresent();
        } catch (IllegalArgumentException unresolvable) {
            return false;
        }
    }

    /**
     * The bucket counts of {@code requests} log-normal latencies whose p99 is {@code p99}: expected counts, or Poisson
     * draws with {@link #noise}.
     */
    private Reading latencies(double p99, double requests) {
        double median = p99 / Math.exp(LATENCY_SIGMA * 2.3263478740);
        double[] counts = new double[LATENCY_BOUNDS_MS.length];
        double below = 0;
        for (int i = 0; i < counts.length; i++) {
            double upTo = i == counts.length - 1
                    ? 1
                    : NORMAL.cumulativeProbability(Math.log(LATENCY_BOUNDS_MS[i] / median) / LATENCY_SIGMA);
            double expected = requests * (upTo - below);
            counts[i] = noise == null ? expected : poisson(expected);
            below = upTo;
        }
        return new Reading.Histogram(LATENCY_BOUNDS_MS, counts);
    }

    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    private static Reading histogram(double[] shape, double requests) {
        double[] bounds = new double[shape.length];
        double[] counts = new double[shape.length];
        for (int i = 0; i < shape.length; i++) {
            bounds[i] = i == shape.length - 1 ? Double.POSITIVE_INFINITY : (i + 1.0) / shape.length;
            counts[i] = shape[i] * requests;
        }
        return new Reading.Histogram(bounds, counts);
    }
}
