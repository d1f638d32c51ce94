package io.mlrollout.core.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routers that close the connection after each answer are valid HTTP; every shift's read-back and a rollback after it
 * must work against them without spending a retry of our own.
 */
class ClosingRouterTest {

    /** One attempt only: a stale pooled connection must not need our Backoff to be survived. */
    private static final HttpSettings ONE_ATTEMPT = new HttpSettings(Duration.ofSeconds(5), 1, Duration.ofMillis(1));

    @ParameterizedTest
    @EnumSource(ClosingWebhookServer.Dialect.class)
    void shiftsReadBackAndRollsBackAgainstARouterThatClosesEveryConnection(ClosingWebhookServer.Dialect dialect)
            throws Exception {
        try (ClosingWebhookServer server = new ClosingWebhookServer(dialect)) {
            RecordingSleeper sleeper = new RecordingSleeper();
            WebhookRouter router = new WebhookRouter(server.url(), Credential.NONE, ONE_ATTEMPT, sleeper);

            assertThat(router.current().canaryWeight()).isZero();
            assertThat(router.shift("v2", 10)).isEqualTo(new TrafficSplit("v1", "v2", 10, true));
            assertThat(router.current().canaryWeight()).isEqualTo(10);
            assertThat(router.shift("v2", 0)).isEqualTo(new TrafficSplit("v1", "v2", 0, true));

            assertThat(server.weight()).isZero();
            assertThat(server.connections()).as("one connection per call").isGreaterThanOrEqualTo(5);
            assertThat(sleeper.pauses).as("no backoff was needed").isEmpty();
        }
    }
}
