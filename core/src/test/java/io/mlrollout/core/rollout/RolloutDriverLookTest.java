package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.MetricsUnansweredException;
import io.mlrollout.core.testing.FakeServing;
import io.mlrollout.core.time.VirtualTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What one look asks the metrics source when the source fails. */
class RolloutDriverLookTest {

    private static final String POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
            analysis: {interval: 1m, falseRollbackRate: 1%, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, max: 5%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 15%}
            """;

    private final VirtualTime time = new VirtualTime(Harness.T0);
    private final List<String> asked = new ArrayList<>();
    private final List<RolloutEvent> events = new ArrayList<>();

    private RolloutEvent.Looked firstLook(MetricsSource metrics) {
        FakeServing serving = new FakeServing();
        RolloutEngine engine = new RolloutEngine(Harness.policy(POLICY), Optional.empty());
        Step first = engine.start("build-7", "fraud-scorer", "v2", "alice", time.instant(), BaselineHistory.none());
        RolloutDriver driver = new RolloutDriver(
                engine, serving, metrics, time, time, RolloutDriver.eventsTo(events::add), first.state());
        driver.run();
        while (events.stream().noneMatch(RolloutEvent.Looked.class::isInstance) && time.runNext()) {
            // up to the first look
        }
        return events.stream()
                .filter(RolloutEvent.Looked.class::isInstance)
                .map(RolloutEvent.Looked.class::cast)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aSourceThatDidNotAnswerInTimeIsNotAskedAgainInTheSameLook() {
        RolloutEvent.Looked look = firstLook((metric, endpoint, version, window) -> {
            asked.add(metric.name() + " of " + version);
            throw new MetricsUnansweredException("Prometheus at prom:9090 did not answer query 'x' within 10000 ms");
        });

        assertThat(asked).containsExactly("error-rate of v2");
        assertThat(look.metrics()).extracting(MetricLook::metric).containsExactly("error-rate", "p99-latency");
        assertThat(look.metrics()).extracting(MetricLook::outcome).containsOnly(Outcome.NODATA);
        assertThat(look.metrics().get(1).explanation())
                .contains("not asked, since this look's earlier query went unanswered: Prometheus at prom:9090");
    }

    @Test
    void aSourceThatAnsweredWithAnErrorIsAskedForEveryMetric() {
        firstLook((metric, endpoint, version, window) -> {
            asked.add(metric.name() + " of " + version);
            throw new MetricsException("Prometheus at prom:9090 answered HTTP 503 (gave up after 3 attempts)");
        });

        assertThat(asked)
                .containsExactly("error-rate of v2", "error-rate of v1", "p99-latency of v2", "p99-latency of v1");
    }
}
