package io.mlrollout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.Judge;
import io.mlrollout.core.analysis.JudgeState;
import io.mlrollout.core.analysis.LookContext;
import io.mlrollout.core.analysis.LookResult;
import io.mlrollout.core.analysis.SliceLook;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.TrafficSlices;
import io.mlrollout.simulator.VersionProfile;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A candidate that regresses in one region only, served by the simulator and read back through a real Prometheus: the
 * sliced metric fails and names the region, while the very same readings judged over all traffic do not fail. Errors
 * are read as counts grouped by {@code region}, the p99 as the latency histogram's buckets grouped by
 * {@code (le, region)}.
 */
class SlicesAgainstRealPrometheusTest {

    private static final String POLICY = """
            stages:
              - {weight: 50, bake: 10m, maxBake: 30m}
            analysis: {interval: 1m, minRequests: 1000}
            metrics:
              - METRIC
            """;
    private static final String SLICES = ", slices: {label: region, minRequests: 500, max: 4}";
    private static final String ALIVE = "istio_requests_total{destination_version=\"v1\"}";

    private static Simulator simulator;
    private static PrometheusServer prometheus;
    private static PrometheusMetricsSource source;
    private static PrometheusClient client;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = PrometheusServer.findBinary(
                Objects.requireNonNullElse(System.getenv("PATH"), "") + File.pathSeparator + "/usr/bin");
        if (binary.isEmpty() && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("no prometheus binary on the PATH: " + PrometheusServer.INSTALL_HINT);
        }
        // in eu-west, a tenth of the traffic, the candidate has 3% errors and is 1.5 times slower; elsewhere it serves
        // as
        // the baseline does: 1% errors, a median of 50 ms
        simulator = Simulator.builder()
                .baseline(VersionProfile.named("v1").withErrorRate(0.01).withLatency(50, 0.5))
                .canary(VersionProfile.named("v2").withErrorRate(0.03).withLatency(75, 0.5))
                .canaryWeight(50)
                .slices(TrafficSlices.parse("region=us-east:8,eu-west:1,ap-south:1", Optional.of("eu-west")))
                .seed(13)
                .build()
                .start();
        prometheus = PrometheusServer.start(binary.orElseThrow(), "127.0.0.1:" + simulator.port());
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(5), 2, Duration.ofMillis(50));
        source = new PrometheusMetricsSource(prometheus.url(), Credential.NONE, settings, "");
        client = new PrometheusClient(prometheus.url(), Credential.NONE, settings, d -> {});
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** A regressed metric: how the policy writes it, and how its readings lose their slices. */
    enum Regressed {
        ERRORS("{name: errors, kind: ratio, preset: istio-errors, maxIncrease: 30%SLICES}", "region=eu-west: "),
        P99_LATENCY(
                "{name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 10%SLICES}",
                "region=eu-west: p99 ");

        final String metric;
        final String failureAfterName;

        Regressed(String metric, String failureAfterName) {
            this.metric = metric;
            this.failureAfterName = failureAfterName;
        }

        Policy policy(boolean sliced) throws PolicyException {
            return PolicyParser.parse(POLICY.replace("METRIC", metric).replace("SLICES", sliced ? SLICES : ""));
        }
    }

    @ParameterizedTest
    @EnumSource(Regressed.class)
    void aRegressionInOneRegionIsCaughtAndNamedWhileTheAggregateAloneIsNot(Regressed regressed) throws Exception {
        Policy sliced = regressed.policy(true);
        Judge judge = new Judge(sliced);
        MetricSpec metric = sliced.metrics().get(0);
        JudgeState state = judge.beginStage(judge.begin());
        List<Readings> read = new ArrayList<>();
        LookResult result = null;
        for (int look = 1; look <= 10 && (result == null || result.verdict().isEmpty()); look++) {
            Window window = measure(() -> simulator.serve(60_000));
            Readings readings = new Readings(
                    source.read(metric, "fraud-scorer", "v2", window),
                    source.read(metric, "fraud-scorer", "v1", window));
            read.add(readings);
            result = judge.look(state, Map.of(metric.name(), readings), LookContext.canary(0, look == 10));
            state = result.state();
        }

        assertThat(slices(read.get(0).candidate())).containsOnlyKeys("us-east", "eu-west", "ap-south");
        assertThat(result.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(v.reasons().get(0))
                    .startsWith(metric.name() + " FAIL: " + metric.name() + " in " + regressed.failureAfterName);
        });
        assertThat(result.metrics().get(0).slices())
                .filteredOn(s -> s.verdict() == SliceLook.Verdict.FAIL)
                .extracting(SliceLook::slice)
                .containsExactly("eu-west");

        // the same readings over all traffic, through a whole bake and as long as it may run on: never a failure
        Judge aggregate = new Judge(regressed.policy(false));
        JudgeState overall = aggregate.beginStage(aggregate.begin());
        LookResult end = null;
        for (int look = 1; look <= 30 && (end == null || end.verdict().isEmpty()); look++) {
            Readings again = read.get((look - 1) % read.size());
            Readings unsliced = new Readings(withoutSlices(again.candidate()), withoutSlices(again.baseline()));
            end = aggregate.look(
                    overall, Map.of(metric.name(), unsliced), LookContext.canary(0, look >= 10, look == 30));
            overall = end.state();
        }
        assertThat(end.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isIn(Verdict.PASS, Verdict.INCONCLUSIVE));
    }

    private static Map<String, ?> slices(Reading reading) {
        return reading instanceof Reading.Counts counts ? counts.slices() : ((Reading.Histogram) reading).slices();
    }

    private static Reading withoutSlices(Reading reading) {
        if (reading instanceof Reading.Counts counts) {
            return new Reading.Counts(counts.bad(), counts.total(), counts.extrapolated());
        }
        Reading.Histogram h = (Reading.Histogram) reading;
        return new Reading.Histogram(h.upperBounds(), h.counts(), h.extrapolated());
    }

    /** The timestamp of the newest stored sample of the baseline's requests. */
    private static Instant newestScrape() throws MetricsException {
        QueryResult result = client.query("max(timestamp(" + ALIVE + "))", Instant.now());
        if (result.series().isEmpty()) {
            return Instant.EPOCH;
        }
        return Instant.ofEpochMilli(
                Math.round(result.series().get(0).samples().get(0).value() * 1000));
    }

    private static Instant awaitScrapeAfter(Instant instant) {
        Instant[] newest = new Instant[1];
        Poll.until("for a scrape after " + instant, Duration.ofSeconds(15), () -> {
            newest[0] = newestScrape();
            return newest[0].isAfter(instant);
        });
        return newest[0];
    }

    /** A window of whole seconds that holds exactly {@code traffic}: it opens after a scrape and closes after one. */
    private static Window measure(Runnable traffic) {
        awaitScrapeAfter(Instant.now());
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        awaitScrapeAfter(start);
        traffic.run();
        Instant after = awaitScrapeAfter(Instant.now());
        long seconds = Math.max(1, (Duration.between(start, after).toMillis() + 999) / 1000);
        Instant end = start.plusSeconds(seconds);
        Poll.until(
                "for the window to close",
                Duration.ofSeconds(5),
                () -> !Instant.now().isBefore(end));
        return new Window(start, end);
    }
}
