package io.mlrollout.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.metrics.RealPrometheus;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.StageSummary;
import io.mlrollout.core.time.ExecutorScheduler;
import io.mlrollout.core.traffic.WebhookRouter;
import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.VersionProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole rollouts in real time with real parts: the simulator serving both versions under load, a real Prometheus
 * scraping it every second, the webhook router moving the simulator's split over HTTP, the Prometheus source reading
 * the presets, and the engine and driver on the system clock with a scheduled executor. The policy is the design's in
 * miniature: looks every 3 s, three stages of 9 s and a 9 s watch after promotion. The test thread waits for the
 * rollout to come to rest on a latch that the driver's {@code rested} callback releases.
 *
 * <p>Why 3 s: the latency preset's rate() needs two samples inside its range, and a look at a window's end may come
 * before Prometheus has stored a scrape taken just before it; with three 1 s scrapes in the range, one in flight still
 * leaves two. Three looks per stage are also what the quantile metric needs to pass.
 *
 * <p>The simulator draws Poisson traffic (its default traffic model), and the policy says so with {@code maxDispersion:
 * 0%}: with the default allowance for wandering rates, three-second stages could not rule out a doubled error rate.
 */
@RealPrometheus
class RolloutEndToEndTest {

    private static final String POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 10, bake: 9s}
              - {weight: 30, bake: 9s}
              - {weight: 50, bake: 9s}
            analysis: {interval: 3s, falseRollbackRate: 1%, minRequests: 300, maxDispersion: 0%}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 50%}
              - {name: score-drift, kind: distribution, preset: model-score, maxPsi: 0.2}
            promote: {bake: 9s, signOff: false}
            """;

    /** Requests per second: 10% of it gives the candidate 900 requests per look, three times minRequests. */
    private static final double LOAD = 3000;

    private static final Duration REST_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpSettings HTTP = new HttpSettings(Duration.ofSeconds(5), 3, Duration.ofMillis(100));
    private static final VersionProfile BASELINE =
            VersionProfile.named("v1").withErrorRate(0.02).withLatency(50, 0.4).withScores(2, 5);

    private final Clock clock = Clock.systemUTC();
    private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    private final List<Throwable> listenerFailures = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService executor;
    private EvidenceLog evidence;
    private volatile RestLatch nextRest;

    @BeforeEach
    void setUp(Simulator simulator, @TempDir Path dir) throws IOException {
        simulator.setSplit(0);
        simulator.faults().clear();
        simulator.setBaseline(BASELINE);
        simulator.startLoad(LOAD);
        executor = Executors.newSingleThreadScheduledExecutor();
        evidence = EvidenceLog.open(dir.resolve("evidence.jsonl"));
    }

    @AfterEach
    void tearDown(Simulator simulator) throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        simulator.stopLoad();
    }

    @Test
    void aHealthyCandidatePassesEveryStageAndIsPromoted(Simulator simulator, PrometheusServer prometheus)
            throws Exception {
        simulator.setCanary(BASELINE.withName("v2"));

        RolloutDriver driver = start(simulator, prometheus, "e2e-healthy");
        RolloutState passed = awaitRest();

        assertThat(passed.phase()).as(passed.reason()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(passed.stages())
                .extracting(StageSummary::verdict)
                .containsExactly(Verdict.PASS, Verdict.PASS, Verdict.PASS);
        assertThat(simulator.split().canaryWeight()).isEqualTo(50);

        nextRest = new RestLatch(Phase.CANARY_PASSED);
        assertThat(driver.submit(new Input.PromoteRequested("alice", clock.instant())))
                .isEmpty();
        RolloutState promoted = awaitRest();

        assertThat(promoted.phase()).as(promoted.reason()).isEqualTo(Phase.PROMOTED);
        assertThat(simulator.split().canaryWeight()).isEqualTo(100);
        assertThat(events(RolloutEvent.TrafficShifted.class))
                .extracting(shifted -> shifted.split().canaryWeight())
                .containsExactly(10, 30, 50, 90, 100);
        assertEvidenceIntact();
        String html = HtmlReport.render(ReportBuilder.of(events));
        assertThat(html)
                .contains("<span class=\"outcome")
                .contains("promoted</span>")
                .containsSubsequence(
                        "<td class=\"pass\">PASS</td>", "<td class=\"pass\">PASS</td>", "<td class=\"pass\">PASS</td>");
    }

    @Test
    void aCandidateWithThreeTimesTheErrorsIsRolledBack(Simulator simulator, PrometheusServer prometheus)
            throws Exception {
        simulator.setCanary(BASELINE.withName("v2").withErrorRate(3 * BASELINE.errorRate()));

        start(simulator, prometheus, "e2e-regression");
        RolloutState rolledBack = awaitRest();

        assertThat(rolledBack.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(rolledBack.reason()).startsWith("stage 1 failed: error-rate FAIL");
        assertThat(rolledBack.stages()).extracting(StageSummary::verdict).containsExactly(Verdict.FAIL);
        assertThat(simulator.split().canaryWeight()).isZero();
        assertEvidenceIntact();
        String html = HtmlReport.render(ReportBuilder.of(events));
        assertThat(html)
                .contains("rolled back</span>")
                .contains("<td class=\"fail\">FAIL</td>")
                .contains("error-rate FAIL");
    }

    private RolloutDriver start(Simulator simulator, PrometheusServer prometheus, String rolloutId) throws Exception {
        RolloutEngine engine = new RolloutEngine(PolicyParser.parse(POLICY), Optional.empty());
        nextRest = new RestLatch(null);
        return RolloutDriver.start(
                engine,
                new WebhookRouter(simulator.url(), Credential.NONE, HTTP),
                new PrometheusMetricsSource(prometheus.url(), Credential.NONE, HTTP, ""),
                clock,
                new ExecutorScheduler(executor, clock),
                listener(),
                rolloutId,
                simulator.endpoint(),
                simulator.canary().name(),
                "alice",
                BaselineHistory.none());
    }

    private RolloutDriver.Listener listener() {
        return new RolloutDriver.Listener() {
            @Override
            public void recorded(RolloutEvent event) {
                events.add(event);
                try {
                    evidence.append(event);
                } catch (IOException | RuntimeException e) {
                    listenerFailures.add(e);
                }
            }

            @Override
            public void saved(RolloutState state) {}

            @Override
            public void rested(RolloutState state) {
                nextRest.release(state);
            }
        };
    }

    /** Waits until the driver's rested callback releases the current latch, and returns the state it rested in. */
    private RolloutState awaitRest() throws InterruptedException {
        RestLatch latch = nextRest;
        boolean rested = latch.latch.await(REST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(listenerFailures).isEmpty();
        assertThat(rested)
                .as("the rollout came to rest within %s; so far:%n%s", REST_TIMEOUT, log())
                .isTrue();
        return latch.state;
    }

    private String log() {
        return events.stream().map(LogLines::format).collect(Collectors.joining("\n"));
    }

    private void assertEvidenceIntact() throws IOException {
        EvidenceVerifier.Result verified = EvidenceVerifier.verify(evidence.file());
        assertThat(verified.problem()).isEmpty();
        assertThat(verified.lines()).isEqualTo(events.size());
        assertThat(verified.head()).isEqualTo(evidence.head());
    }

    private <E extends RolloutEvent> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Released once, by the first rest in a phase other than {@code ignored}: the driver reports a rest each time it
     * runs and finds nothing to do, so the rest before a promotion may be reported again after it was requested.
     */
    private static final class RestLatch {
        private final Phase ignored;
        private final CountDownLatch latch = new CountDownLatch(1);
        private volatile RolloutState state;

        /** @param ignored a phase whose rests do not release this latch; null for none */
        RestLatch(Phase ignored) {
            this.ignored = ignored;
        }

        synchronized void release(RolloutState rested) {
            if (state == null && rested.phase() != ignored) {
                state = rested;
                latch.countDown();
            }
        }
    }
}
