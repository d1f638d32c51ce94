package io.mlrollout.cli;

import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.PrometheusClient;
import io.mlrollout.core.metrics.QueryResult;
import io.mlrollout.simulator.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** Waiting for a real Prometheus to hold enough history, for the tests that read the past from it. */
final class PrometheusScrapes {

    private PrometheusScrapes() {}

    /**
     * Waits until Prometheus holds scrapes of every simulator target reaching back {@code span}: a real process, polled.
     */
    static void awaitOver(PrometheusServer prometheus, Duration span) throws MetricsException {
        PrometheusClient client = new PrometheusClient(
                prometheus.url(),
                Credential.NONE,
                new HttpSettings(Duration.ofSeconds(2), 1, Duration.ofMillis(1)),
                Backoff.Sleeper.REAL);
        String oldest = "min_over_time(timestamp(min(up{job=\"" + PrometheusServer.JOB + "\"}))[5m:1s])";
        Instant deadline = Instant.now().plus(span).plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            QueryResult result = client.query(oldest, Instant.now());
            if (!result.series().isEmpty()) {
                double seconds = result.series().get(0).samples().get(0).value();
                if (Duration.between(Instant.ofEpochMilli(Math.round(seconds * 1000)), Instant.now())
                                .compareTo(span)
                        >= 0) {
                    return;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        throw new AssertionError("Prometheus did not gather " + span + " of scrapes");
    }
}
