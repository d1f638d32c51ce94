package io.mlrollout.cli.bench;

import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;

/**
 * One endpoint in memory for the overhead measurement: a router that keeps its split and a metrics source that answers
 * each read with fresh, seeded, healthy readings at 20 requests a second to the canary (the benchmark's medium
 * traffic), so the rollouts driven against it bake as real ones do.
 */
final class SimulatedEndpoint implements TrafficRouter, MetricsSource {

    /** The endpoint's requests per second: 20 to the canary at the benchmark's 25%. */
    private static final double REQUESTS_PER_SECOND = 80;

    private static final String BASELINE = "v1";

    /** Draws a minute's latency buckets as the benchmark does (p99 about 160 ms, Istio's buckets). */
    private static final RolloutGenerator LATENCIES =
            new RolloutGenerator(TrafficModel.named("poisson"), 1, 250, LatencyLayout.ISTIO);

    private final SplittableRandom random;
    private final UniformRandomProvider rng;
    private String canary = "v2";
    private int weight;

    SimulatedEndpoint(long seed, int weight) {
        this.random = new SplittableRandom(seed);
        this.rng = random::nextLong;
        this.weight = weight;
    }

    @Override
    public TrafficSplit current() {
        return new TrafficSplit(BASELINE, canary, weight, true);
    }

    @Override
    public TrafficSplit shift(String candidate, int canaryWeight) {
        canary = candidate;
        weight = canaryWeight;
        return current();
    }

    @Override
    public String describe() {
        return "simulated endpoint";
    }

    @Override
    public Reading read(MetricSpec metric, String endpoint, String version, Window window) {
        double share = version.equals(canary) ? weight / 100.0 : 1 - weight / 100.0;
        double requests = poisson(REQUESTS_PER_SECOND * window.length().toSeconds() * share);
        return switch (metric.kind()) {
            case RATIO ->
                new Reading.Counts(Math.min(requests, poisson(requests * BenchSetup.BASELINE_ERROR_RATE)), requests);
            case QUANTILE ->
                new Reading.Histogram(
                        LATENCIES.layout().boundsMs(),
                        LATENCIES
                                .minute(rng, requests, 0, Math.exp(0.05 * random.nextGaussian()))
                                .buckets());
            case VALUE -> new Reading.Scalar(0.9 + 0.01 * random.nextGaussian());
            case DISTRIBUTION -> histogram(requests);
        };
    }

    private Reading histogram(double requests) {
        double[] bounds = {0.2, 0.4, 0.6, 0.8, Double.POSITIVE_INFINITY};
        double[] shape = {0.1, 0.2, 0.4, 0.2, 0.1};
        double[] counts = new double[shape.length];
        for (int i = 0; i < shape.length; i++) {
            counts[i] = poisson(requests * shape[i]);
        }
        return new Reading.Histogram(bounds, counts);
    }

    private double poisson(double mean) {
        return mean <= 0 ? 0 : PoissonSampler.of(rng, mean).sample();
    }
}
