package io.mlrollout.cli.bench;

import io.mlrollout.core.metrics.HistogramQuantile;
import io.mlrollout.simulator.traffic.Minutes;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.PoissonSampler;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Generates one rollout's readings at a given canary traffic under a {@link TrafficModel}, seeded: the same seed gives
 * the same readings.
 *
 * <p><b>Histograms.</b> Each minute each version's requests are drawn as bucket counts of a {@link LatencyLayout}: per
 * bucket, independent Poisson counts of failed and of good requests (Poisson thinning of a Poisson request stream), the
 * bucket's share being the probability that a request's log-normal latency, times the minute's load (and the scenario's
 * factor for the candidate), falls into it. Failing and latency are independent. In the canary stage the canary gets
 * {@code canaryPerSecond·60} requests on average and the baseline three times as many; in the watch the candidate gets
 * 90% of the endpoint's requests and the baseline 10%. The baseline fails at {@link BenchSetup#BASELINE_ERROR_RATE},
 * the candidate at that times the scenario's ratio.
 *
 * <p><b>What the judges read.</b> The slow requests are the counts of the buckets above the slow-requests threshold (a
 * bucket bound). The p99 is what Prometheus' {@code histogram_quantile} interpolates from the minute's buckets, as a
 * dashboard and a judge reading the quantile query see it: at 2 requests a second a rank among 120, inside a bucket
 * that may be 150 ms wide.
 *
 * <p><b>Traffic model.</b> The model's factors for the minute multiply each version's error rate and latencies and the
 * endpoint's request volume before the counts are drawn; under {@code poisson} they are all 1.
 */
final class RolloutGenerator {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /** Keeps the traffic model's factors apart from the counts' stream. */
    private static final long FACTOR_STREAM = 0x7AFF1CL;

    /** Keeps the history's counts apart from the rollout's. */
    private static final long HISTORY_STREAM = 0x4157021L;

    /** Below this expected count a bucket is taken as empty (buckets a minute away from the latencies). */
    private static final double NEGLIGIBLE = 1e-9;

    private final TrafficModel model;
    private final double canaryPerSecond;
    private final double slowThresholdMs;
    private final LatencyLayout layout;
    private final double quantile;

    /**
     * @param slowThresholdMs the latency above which a request counts as slow: a bound of {@code layout}
     * @param quantile the latency quantile each minute reports, as {@code histogram_quantile} interpolates it
     */
    RolloutGenerator(
            TrafficModel model, double canaryPerSecond, double slowThresholdMs, LatencyLayout layout, double quantile) {
        this.model = Objects.requireNonNull(model, "model");
        this.layout = Objects.requireNonNull(layout, "layout");
        if (!(canaryPerSecond > 0) || !Double.isFinite(canaryPerSecond)) {
            throw new IllegalArgumentException("canaryPerSecond must be positive, got " + canaryPerSecond);
        }
        if (!layout.hasBound(slowThresholdMs) || !Double.isFinite(slowThresholdMs)) {
            throw new IllegalArgumentException("slowThresholdMs must be a finite bucket bound of the " + layout.name()
                    + " layout, got " + slowThresholdMs);
        }
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        this.canaryPerSecond = canaryPerSecond;
        this.slowThresholdMs = slowThresholdMs;
        this.quantile = quantile;
    }

    /** Reporting the p99. */
    RolloutGenerator(TrafficModel model, double canaryPerSecond, double slowThresholdMs, LatencyLayout layout) {
        this(model, canaryPerSecond, slowThresholdMs, layout, BenchSetup.DEFAULT_QUANTILE);
    }

    /** With Istio's buckets. */
    RolloutGenerator(TrafficModel model, double canaryPerSecond, double slowThresholdMs) {
        this(model, canaryPerSecond, slowThresholdMs, LatencyLayout.ISTIO);
    }

    /** The latency quantile each minute reports. */
    double quantile() {
        return quantile;
    }

    double canaryPerSecond() {
        return canaryPerSecond;
    }

    LatencyLayout layout() {
        return layout;
    }

    /** One version's requests in one minute; {@code buckets} per bucket of the layout, not cumulative. */
    record Minute(double bad, double total, double slow, double quantile, double[] buckets) {}

    /** One rollout of {@link BenchSetup#MINUTES} minutes (canary stage, then watch) under {@code scenario}. */
    Traffic generate(Scenario scenario, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        UniformRandomProvider rng = random::nextLong;
        int minutes = BenchSetup.MINUTES;
        Minutes hourAndRollout =
                model.generateInSegments(Seeds.of(seed, FACTOR_STREAM), BenchSetup.HISTORY_MINUTES, minutes);
        Minutes factors = hourAndRollout.slice(BenchSetup.HISTORY_MINUTES, hourAndRollout.length());
        Minute[] canary = new Minute[minutes];
        Minute[] baseline = new Minute[minutes];
        double endpointRequests = canaryPerSecond * BenchSetup.INTERVAL_SECONDS / BenchSetup.CANARY_SHARE;
        double canaryErrors = BenchSetup.BASELINE_ERROR_RATE * scenario.errorRatio();
        for (int i = 0; i < minutes; i++) {
            double share = i < BenchSetup.CANARY_LOOKS ? BenchSetup.CANARY_SHARE : BenchSetup.WATCH_SHARE;
            double requests = endpointRequests * factors.traffic(i);
            double load = Math.exp(BenchSetup.LOAD_SIGMA * random.nextGaussian());
            canary[i] = minute(
                    rng,
                    requests * share,
                    Math.min(1, canaryErrors * factors.canaryError(i)),
                    load * scenario.latencyFactor() * factors.canaryLatency(i));
            baseline[i] = minute(
                    rng,
                    requests * (1 - share),
                    Math.min(1, BenchSetup.BASELINE_ERROR_RATE * factors.baselineError(i)),
                    load * factors.baselineLatency(i));
        }
        double[][] canaryBuckets = new double[minutes][];
        double[][] baselineBuckets = new double[minutes][];
        for (int i = 0; i < minutes; i++) {
            canaryBuckets[i] = canary[i].buckets();
            baselineBuckets[i] = baseline[i].buckets();
        }
        Minute[] history = history(seed, endpointRequests, hourAndRollout.slice(0, BenchSetup.HISTORY_MINUTES));
        return new Traffic(
                column(canary, Minute::bad),
                column(canary, Minute::total),
                column(baseline, Minute::bad),
                column(baseline, Minute::total),
                column(canary, Minute::slow),
                column(baseline, Minute::slow),
                column(canary, Minute::quantile),
                column(baseline, Minute::quantile),
                layout.boundsMs(),
                canaryBuckets,
                baselineBuckets,
                column(history, Minute::bad),
                column(history, Minute::slow),
                column(history, Minute::total),
                Arrays.stream(history).map(Minute::buckets).toArray(double[][]::new));
    }

    /**
     * The baseline alone, serving all the endpoint's requests, in the {@link BenchSetup#HISTORY_MINUTES} minutes
     * before the rollout: {@code factors} are the first segment of the rollout's own run of the traffic model, so its
     * drifts and daily cycle run on into the rollout and a step in the hour leads up to the rollout's level; the counts
     * are drawn from a stream of their own.
     */
    private Minute[] history(long seed, double endpointRequests, Minutes factors) {
        SplittableRandom random = new SplittableRandom(Seeds.of(seed, HISTORY_STREAM));
        UniformRandomProvider rng = random::nextLong;
        Minute[] minutes = new Minute[BenchSetup.HISTORY_MINUTES];
        for (int i = 0; i < minutes.length; i++) {
            double load = Math.exp(BenchSetup.LOAD_SIGMA * random.nextGaussian());
            minutes[i] = minute(
                    rng,
                    endpointRequests * factors.traffic(i),
                    Math.min(1, BenchSetup.BASELINE_ERROR_RATE * factors.baselineError(i)),
                    load * factors.baselineLatency(i));
        }
        return minutes;
    }

    private static double[] column(Minute[] minutes, ToDoubleFunction<Minute> field) {
        double[] values = new double[minutes.length];
        for (int i = 0; i < minutes.length; i++) {
            values[i] = field.applyAsDouble(minutes[i]);
        }
        return values;
    }

    /**
     * One version's minute: {@code requests} on average, failing at {@code errorRate}, every latency multiplied by
     * {@code scale}.
     */
    Minute minute(UniformRandomProvider rng, double requests, double errorRate, double scale) {
        double[] bounds = layout.boundsMs();
        double[] buckets = new double[bounds.length];
        double bad = 0;
        double total = 0;
        double slow = 0;
        double below = 0;
        for (int i = 0; i < bounds.length; i++) {
            double upTo = i == bounds.length - 1 ? 1 : shareBelow(bounds[i], scale);
            double share = upTo - below;
            below = upTo;
            double failed = poisson(rng, requests * errorRate * share);
            double good = poisson(rng, requests * (1 - errorRate) * share);
            buckets[i] = failed + good;
            bad += failed;
            total += buckets[i];
            if (bounds[i] > slowThresholdMs) {
                slow += buckets[i];
            }
        }
        return new Minute(bad, total, slow, HistogramQuantile.of(quantile, bounds, buckets), buckets);
    }

    /** The share of requests at or below {@code ms} when every latency is multiplied by {@code scale}. */
    static double shareBelow(double ms, double scale) {
        return STANDARD_NORMAL.cumulativeProbability(
                Math.log(ms / (BenchSetup.LATENCY_MEDIAN_MS * scale)) / BenchSetup.LATENCY_SIGMA);
    }

    private static double poisson(UniformRandomProvider rng, double mean) {
        return mean <= NEGLIGIBLE ? 0 : PoissonSampler.of(rng, mean).sample();
    }
}
