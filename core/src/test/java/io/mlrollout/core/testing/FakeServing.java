package io.mlrollout.core.testing;

import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
     * When set, counts are drawn (binomially) and values jittered from this generator instead of being exact, for
     * seeded simulations of many rollouts.
     */
    public SplittableRandom noise;
    /** The relative standard deviation of a quantile or value reading when {@link #noise} is set. */
    public double valueJitter = 0.05;

    /** Every weight asked for, in order. */
    public final List<Integer> shifts = new ArrayList<>();

    public int metricReads;

    @Override
    public TrafficSplit current() {
        return new TrafficSplit(baseline, canary, weight, true);
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
        boolean ready = notReadyReads == 0;
        if (!ready) {
            notReadyReads--;
        }
        return new TrafficSplit(baseline, canary, weight, ready);
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
        double share = candidate ? weight / 100.0 : 1 - weight / 100.0;
        double requests = requestsPerSecond * window.length().toSeconds() * share;
        return switch (metric.kind()) {
            case RATIO -> new Reading.Counts(requests * (candidate ? candidateErrorRate : baselineErrorRate), requests);
            case QUANTILE, VALUE ->
                requests == 0
                        ? new Reading.NoData("NaN: no requests to " + version)
                        : new Reading.Scalar(candidate ? candidateLatency : baselineLatency);
            case DISTRIBUTION -> histogram(candidate ? candidateScores : baselineScores, requests);
        };
    }

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
