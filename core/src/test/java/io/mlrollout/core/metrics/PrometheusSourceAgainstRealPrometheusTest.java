package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.policy.MetricSpec.Kind;
import io.mlrollout.simulator.Buckets;
import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.Snapshot;
import io.mlrollout.simulator.VersionProfile;
import io.mlrollout.simulator.VersionStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus source against a real Prometheus scraping the simulator every second. Each test serves a burst of
 * simulated traffic between two scrapes and reads a window that opens after the scrape before it and closes after the
 * scrape after it, so the simulator's own counters say exactly what the window holds.
 */
@RealPrometheus
class PrometheusSourceAgainstRealPrometheusTest {

    private static final String BASELINE_ALIVE = "istio_requests_total{destination_version=\"v1\"}";
    private static final VersionProfile BASELINE =
            VersionProfile.named("v1").withErrorRate(0.02).withLatency(50, 0.5).withScores(2, 5);
    private static final VersionProfile CANARY =
            VersionProfile.named("v2").withErrorRate(0.06).withLatency(300, 0.3).withScores(5, 2);

    private static PrometheusMetricsSource source;
    private static PrometheusClient client;

    @BeforeAll
    static void connect(Simulator simulator, PrometheusServer prometheus) {
        simulator.setBaseline(BASELINE);
        simulator.setCanary(CANARY);
        source = new PrometheusMetricsSource(
                prometheus.url(),
                Credential.NONE,
                new HttpSettings(Duration.ofSeconds(5), 2, Duration.ofMillis(50)),
                "");
        client = new PrometheusClient(
                prometheus.url(),
                Credential.NONE,
                new HttpSettings(Duration.ofSeconds(5), 1, Duration.ofMillis(1)),
                d -> {});
    }

    /** The timestamp of the newest stored sample of {@code selector}, if there is one. */
    private static Optional<Instant> newestSample(String selector) throws MetricsException {
        QueryResult result = client.query("max(timestamp(" + selector + "))", Instant.now());
        if (result.series().isEmpty()) {
            return Optional.empty();
        }
        double seconds = result.series().get(0).samples().get(0).value();
        return Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)));
    }

    /** Waits until Prometheus has stored a scrape of {@code selector} taken after {@code instant}. */
    private static Instant awaitScrapeAfter(String selector, Instant instant) {
        Instant[] newest = new Instant[1];
        Poll.until("for a scrape of " + selector + " after " + instant, Duration.ofSeconds(15), () -> {
            newest[0] = newestSample(selector).orElse(Instant.EPOCH);
            return newest[0].isAfter(instant);
        });
        return newest[0];
    }

    /**
     * A window of a whole number of seconds that holds exactly {@code traffic}: it opens after Prometheus has scraped
     * everything served before, and closes after it has scraped the traffic. A scrape inside the window precedes the
     * traffic, so that rate() (which sees only what changes between the samples inside its range) sees it too.
     */
    private static Window measure(Runnable traffic) {
        awaitScrapeAfter(BASELINE_ALIVE, Instant.now());
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        awaitScrapeAfter(BASELINE_ALIVE, start);
        traffic.run();
        Instant after = awaitScrapeAfter(BASELINE_ALIVE, Instant.now());
        long seconds = Math.max(1, (Duration.between(start, after).toMillis() + 999) / 1000);
        Instant end = start.plusSeconds(seconds);
        Poll.until(
                "for the window to close",
                Duration.ofSeconds(5),
                () -> !Instant.now().isBefore(end));
        return new Window(start, end);
    }

    /** A burst of traffic inside a window, and the simulator's counters just before and after it. */
    private record Burst(Window window, Snapshot before, Snapshot after) {
        /** What {@code version} served during the burst, by the simulator's own count. */
        VersionStats served(String version) {
            VersionStats b = before.of(version);
            VersionStats a = after.of(version);
            TreeMap<Integer, Long> responses = new TreeMap<>();
            a.responses()
                    .forEach((code, count) ->
                            responses.put(code, count - b.responses().getOrDefault(code, 0L)));
            return new VersionStats(
                    version,
                    responses,
                    minus(a.latencyBuckets(), b.latencyBuckets()),
                    a.latencySumMs() - b.latencySumMs(),
                    minus(a.scoreBuckets(), b.scoreBuckets()),
                    a.scoreSum() - b.scoreSum());
        }
    }

    private static Burst burst(Simulator simulator, int canaryWeight, long requests) {
        return burst(simulator, canaryWeight, 0, requests);
    }

    private static Burst burst(Simulator simulator, int canaryWeight, int mirrorPercent, long requests) {
        simulator.setSplit(canaryWeight, mirrorPercent);
        Snapshot[] around = new Snapshot[2];
        Window window = measure(() -> {
            around[0] = simulator.snapshot();
            simulator.serve(requests);
            around[1] = simulator.snapshot();
        });
        return new Burst(window, around[0], around[1]);
    }

    private static List<Long> minus(List<Long> a, List<Long> b) {
        return IntStream.range(0, a.size()).mapToObj(i -> a.get(i) - b.get(i)).toList();
    }

    @Test
    void readsErrorRatiosLatencyQuantilesAndScoreHistogramsOfBothVersions(Simulator simulator) throws Exception {
        Burst burst = burst(simulator, 50, 20_000);
        Window window = burst.window();

        for (VersionProfile profile : List.of(BASELINE, CANARY)) {
            String v = profile.name();
            VersionStats served = burst.served(v);
            long n = served.requests();

            Reading.Counts errors = (Reading.Counts)
                    source.read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"), "fraud-scorer", v, window);
            // Counter differences: exactly what the simulator served in the window, not extrapolated.
            assertThat(errors).isEqualTo(new Reading.Counts(served.errors(), n));
            // And the true rate, within 5 binomial standard deviations of the requests served.
            double p = profile.errorRate();
            assertThat(errors.ratio()).as(v + " error ratio").isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));

            // The quantile preset reads the window's bucket counts (counter differences, exactly what was served);
            // the judge tests on them and prints the quantile histogram_quantile would give.
            Reading.Histogram latency =
                    (Reading.Histogram) source.read(Specs.latency("istio-latency", 0.99), "fraud-scorer", v, window);
            assertThat(latency.extrapolated()).isFalse();
            assertThat(latency.counts())
                    .as(v + " latency buckets")
                    .containsExactly(served.latencyBuckets().stream()
                            .mapToDouble(Long::doubleValue)
                            .toArray());
            double p99 = HistogramQuantile.of(0.99, latency.upperBounds(), latency.counts());
            assertThat(p99)
                    .as(v + " p99")
                    .isCloseTo(histogramQuantile(0.99, served.latencyBuckets()), within(1e-6 * p99));
            double trueP99 = profile.latencyMedianMs() * Math.exp(profile.latencySigma() * 2.3263478740);
            assertThat(bucketOf(p99)).as(v + " p99 bucket").isEqualTo(bucketOf(trueP99));

            Reading.Histogram scores = (Reading.Histogram)
                    source.read(Specs.preset("drift", Kind.DISTRIBUTION, "model-score"), "fraud-scorer", v, window);
            assertScoresFollowBeta(scores, (int) profile.scoreAlpha(), (int) profile.scoreBeta(), served);
        }
    }

    @Test
    void inAShadowStageThePresetsSelectTheMirroredCopiesByVersion(Simulator simulator) throws Exception {
        Burst burst = burst(simulator, 0, 20, 10_000);
        Window window = burst.window();

        Reading.Counts baseline = (Reading.Counts)
                source.read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"), "fraud-scorer", "v1", window);
        Reading.Counts candidate = (Reading.Counts)
                source.read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"), "fraud-scorer", "v2", window);

        assertThat(baseline.total()).as("the baseline answered every request").isEqualTo(10_000.0);
        assertThat(candidate)
                .isEqualTo(new Reading.Counts(
                        burst.served("v2").errors(), burst.served("v2").requests()));
        assertThat(candidate.total())
                .as("a copy of about 20%")
                .isCloseTo(2_000.0, within(5 * Math.sqrt(10_000 * 0.16)));
        Reading.Histogram scores = (Reading.Histogram)
                source.read(Specs.preset("drift", Kind.DISTRIBUTION, "model-score"), "fraud-scorer", "v2", window);
        assertScoresFollowBeta(scores, 5, 2, burst.served("v2"));
    }

    @Test
    void aVersionWithoutTrafficHasNanQuantilesAndZeroCounts(Simulator simulator) throws Exception {
        Window window = burst(simulator, 0, 5_000).window();

        Reading p99 = source.read(Specs.latency("istio-latency", 0.99), "fraud-scorer", "v2", window);
        Reading errors =
                source.read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"), "fraud-scorer", "v2", window);

        // every bucket counted zero: the judge sees no requests (and prints no quantile), not a reading of 0 ms
        assertThat(p99)
                .isInstanceOfSatisfying(
                        Reading.Histogram.class, h -> assertThat(h.total()).isZero());
        assertThat(HistogramQuantile.of(
                        0.99, ((Reading.Histogram) p99).upperBounds(), ((Reading.Histogram) p99).counts()))
                .isNaN();
        assertThat(errors).isEqualTo(new Reading.Counts(0, 0));
        assertThat(source.read(Specs.latency("istio-latency", 0.99), "fraud-scorer", "v1", window))
                .isInstanceOfSatisfying(
                        Reading.Histogram.class, h -> assertThat(h.total()).isEqualTo(5_000));
    }

    @Test
    void hiddenAndUnknownVersionsHaveAbsentSeries(Simulator simulator) throws Exception {
        String canarySeries = "istio_requests_total{destination_version=\"v2\"}";
        simulator.faults().hideSeries("v2", true);
        try {
            // Hidden series go stale at the next scrape; the window opens once Prometheus no longer has them.
            Poll.until(
                    "for the canary's series to go stale",
                    Duration.ofSeconds(15),
                    () -> client.query(canarySeries, Instant.now()).series().isEmpty());
            Window window = burst(simulator, 50, 5_000).window();

            for (String version : List.of("v2", "v9")) {
                assertThat(source.read(
                                Specs.preset("error-rate", Kind.RATIO, "istio-errors"),
                                "fraud-scorer",
                                version,
                                window))
                        .isEqualTo(new Reading.NoData(
                                "error-rate for " + version + ": the total query returned no series (absent)"));
                assertThat(source.read(
                                Specs.preset("drift", Kind.DISTRIBUTION, "model-score"),
                                "fraud-scorer",
                                version,
                                window))
                        .isEqualTo(new Reading.NoData(
                                "drift for " + version + ": the histogram query returned no series (absent)"));
            }
            assertThat(source.read(
                            Specs.preset("error-rate", Kind.RATIO, "istio-errors"), "fraud-scorer", "v1", window))
                    .isInstanceOf(Reading.Counts.class);
        } finally {
            simulator.faults().hideSeries("v2", false);
        }
    }

    @Test
    void seriesThatBeginInsideTheWindowAreCountedWithIncrease(Simulator simulator) throws Exception {
        String canarySeries = "istio_requests_total{destination_version=\"v2\"}";
        simulator.setSplit(50);
        simulator.faults().hideSeries("v2", true);
        Snapshot[] around = new Snapshot[2];
        Window window;
        try {
            Poll.until(
                    "for the canary's series to go stale",
                    Duration.ofSeconds(15),
                    () -> client.query(canarySeries, Instant.now()).series().isEmpty());
            // The canary's series come back inside the window: there is no sample at its start to subtract from.
            window = measure(() -> {
                simulator.faults().hideSeries("v2", false);
                awaitScrapeAfter(canarySeries, Instant.now());
                around[0] = simulator.snapshot();
                simulator.serve(5_000);
                around[1] = simulator.snapshot();
            });
        } finally {
            simulator.faults().hideSeries("v2", false);
        }
        VersionStats served = new Burst(window, around[0], around[1]).served("v2");
        long n = served.requests();

        Reading.Counts errors = (Reading.Counts)
                source.read(Specs.preset("error-rate", Kind.RATIO, "istio-errors"), "fraud-scorer", "v2", window);

        // increase() scales bad and total alike, so the ratio is the burst's; the counts are stretched towards the
        // window's edges by at most the window over the one second between the first and last samples in it.
        assertThat(errors.ratio()).isCloseTo((double) served.errors() / n, within(1e-9));
        assertThat(errors.total())
                .isBetween(n * 0.999, n * (double) window.length().toSeconds());
    }

    @Test
    void latencyOverAThresholdCountsTheRequestsAboveIt(Simulator simulator) throws Exception {
        Burst burst = burst(simulator, 50, 10_000);

        VersionStats served = burst.served("v2");
        Reading.Counts slow = (Reading.Counts) source.read(
                Specs.latencyOver("istio-latency-over", Duration.ofMillis(500)), "fraud-scorer", "v2", burst.window());

        int upTo500 = Buckets.LATENCY_MS.indexOf(500d);
        long atOrBelow = served.latencyBuckets().subList(0, upTo500 + 1).stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat(slow).isEqualTo(new Reading.Counts(served.requests() - atOrBelow, served.requests()));
        // P(latency > 500) for median 300, sigma 0.3: 1 - Phi(ln(500/300) / 0.3) = 1 - Phi(1.7027) = 0.0443.
        double p = 0.04431;
        assertThat(slow.ratio()).isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / served.requests())));
    }

    /** histogram_quantile's rule: linear interpolation inside the bucket where the rank falls. */
    private static double histogramQuantile(double q, List<Long> perBucket) {
        double total = perBucket.stream().mapToLong(Long::longValue).sum();
        double rank = q * total;
        double cumulative = 0;
        for (int i = 0; i < Buckets.LATENCY_MS.size(); i++) {
            double inBucket = perBucket.get(i);
            if (cumulative + inBucket >= rank) {
                double lower = i == 0 ? 0 : Buckets.LATENCY_MS.get(i - 1);
                return lower + (Buckets.LATENCY_MS.get(i) - lower) * (rank - cumulative) / inBucket;
            }
            cumulative += inBucket;
        }
        return Buckets.LATENCY_MS.get(Buckets.LATENCY_MS.size() - 1);
    }

    private static int bucketOf(double ms) {
        int i = 0;
        while (i < Buckets.LATENCY_MS.size() && ms > Buckets.LATENCY_MS.get(i)) {
            i++;
        }
        return i;
    }

    /**
     * Each score bucket's share is within 5 binomial standard deviations of the Beta(a, b) mass in it, computed
     * independently: for integer shapes P(X <= x) = P(Binomial(a + b - 1, x) >= a).
     */
    private static void assertScoresFollowBeta(Reading.Histogram scores, int a, int b, VersionStats served) {
        double[] bounds = scores.upperBounds();
        double[] counts = scores.counts();
        List<Double> expectedBounds = new ArrayList<>(Buckets.SCORE);
        expectedBounds.add(Double.POSITIVE_INFINITY);
        assertThat(bounds)
                .containsExactly(
                        expectedBounds.stream().mapToDouble(Double::doubleValue).toArray());
        long n = served.predictions();
        double previousCdf = 0;
        for (int i = 0; i < bounds.length; i++) {
            double cdf = Double.isInfinite(bounds[i]) ? 1 : betaCdf(Math.min(bounds[i], 1), a, b);
            double mass = cdf - previousCdf;
            previousCdf = cdf;
            double share = counts[i] / scores.total();
            assertThat(share)
                    .as("score bucket le=" + bounds[i])
                    .isCloseTo(mass, within(5 * Math.sqrt(mass * (1 - mass) / n) + 1e-9));
            assertThat(counts[i]).isEqualTo((double) served.scoreBuckets().get(i));
        }
    }

    private static double betaCdf(double x, int a, int b) {
        int trials = a + b - 1;
        double atLeastA = 0;
        for (int k = a; k <= trials; k++) {
            atLeastA += binomial(trials, k) * Math.pow(x, k) * Math.pow(1 - x, trials - k);
        }
        return atLeastA;
    }

    private static double binomial(int n, int k) {
        double result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }
}
