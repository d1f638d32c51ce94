package io.mlrollout.cli;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.VersionProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * An endpoint for the stateful commands' tests: the simulator behind the webhook router, its traffic served in
 * simulated time that goes on from one command run to the next (with pauses between them, as between CI jobs), and
 * the simulator's in-process metrics standing in for Prometheus.
 */
final class SimulatedEndpoint implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    final Simulator simulator;
    final SimulatedTraffic traffic;
    final SimulatorMetrics metrics;
    final Map<String, String> variables = new HashMap<>();
    /** The credential each metrics source was made with, to check what reached it. */
    final List<Credential> metricsCredentials = new ArrayList<>();

    private Duration pause = Duration.ZERO;
    private boolean history;
    private Instant stopAt;

    SimulatedEndpoint(VersionProfile canary) throws IOException {
        this(Simulator.builder().baseline(Scenario.BASELINE).canary(canary).seed(7));
    }

    SimulatedEndpoint(Simulator.Builder simulator) throws IOException {
        this.simulator = simulator.build().start();
        this.traffic = new SimulatedTraffic(this.simulator, 1000, T0); // enough for a 5% stage to rule out a doubling
        this.metrics = new SimulatorMetrics(traffic, 7);
    }

    /** The next command run starts this much later than the last one ended; traffic goes on meanwhile. */
    SimulatedEndpoint pause(Duration span) {
        pause = span;
        return this;
    }

    /** The next command run is dropped (its driver forgotten, as if the process died) after the clock reaches this. */
    SimulatedEndpoint dropAt(Instant instant) {
        stopAt = instant;
        return this;
    }

    Instant now() {
        return traffic.servedUntil();
    }

    Environment environment() {
        return new Environment(variables, this::nextRun, (prometheus, credential) -> {
            metricsCredentials.add(credential);
            return history ? this::readWithHistory : metrics;
        });
    }

    /**
     * From now on, the baseline also served traffic before {@link #T0}, as a real Prometheus would show it: 1000
     * requests/s whose errors drift between 0.8% and 1.2% in spells of five minutes.
     */
    SimulatedEndpoint withHistoryBeforeT0() {
        history = true;
        return this;
    }

    private Reading readWithHistory(MetricSpec metric, String endpoint, String version, Window window)
            throws MetricsException {
        if (window.end().isAfter(T0) || !version.equals("v1")) {
            return metrics.read(metric, endpoint, version, window);
        }
        long minute = Duration.between(window.start(), T0).toMinutes();
        double requests = window.length().toSeconds() * 1000.0;
        return new Reading.Counts(requests * ((minute / 5) % 2 == 0 ? 0.012 : 0.008), requests);
    }

    private RolloutTime nextRun() {
        SimulatedTime time = new SimulatedTime(traffic, traffic.servedUntil().plus(pause), 0);
        pause = Duration.ZERO;
        Instant drop = stopAt;
        stopAt = null;
        if (drop == null) {
            return time;
        }
        return new RolloutTime() {
            @Override
            public Clock clock() {
                return time.clock();
            }

            @Override
            public RolloutDriver.Scheduler scheduler() {
                return time.scheduler();
            }

            @Override
            public boolean runUntil(BooleanSupplier done) throws InterruptedException {
                return time.runUntil(
                        () -> done.getAsBoolean() || !time.clock().instant().isBefore(drop));
            }

            @Override
            public void changed() {}

            @Override
            public void close() {}
        };
    }

    /** Writes an endpoint file for this simulator with the given extra YAML (sign-off bounds, credentials). */
    Path endpointFile(Path dir, String routerExtra, String rest) throws IOException {
        Path file = dir.resolve("endpoint.yaml");
        Files.writeString(
                file,
                "name: fraud-scorer\n"
                        + "router:\n"
                        + "  type: webhook\n"
                        + "  url: " + simulator.url() + "\n"
                        + routerExtra
                        + "prometheus:\n"
                        + "  url: http://127.0.0.1:9/\n"
                        + rest);
        return file;
    }

    @Override
    public void close() {
        simulator.close();
    }
}
