package io.mlrollout.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final List<Duration> pauses = new ArrayList<>();
    private final Backoff backoff =
            new Backoff(new HttpSettings(Duration.ofSeconds(1), 4, Duration.ofMillis(100)), pauses::add);

    @Test
    void retriesTransientFailuresWithDoublingPauses() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        String result = backoff.call(
                () -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IOException("connection refused");
                    }
                    return "ok";
                },
                e -> true);

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> backoff.call(
                        () -> {
                            throw new IOException("attempt " + calls.incrementAndGet());
                        },
                        e -> true))
                .isInstanceOf(IOException.class)
                .hasMessage("attempt 4");
        assertThat(pauses).hasSize(3);
    }

    @Test
    void doesNotRetryAFailureThatIsNotTransient() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> backoff.call(
                        () -> {
                            calls.incrementAndGet();
                            throw new IOException("401 unauthorized");
                        },
                        e -> !e.getMessage().startsWith("401")))
                .hasMessage("401 unauthorized");
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void anUncheckedFailureIsThrownAsItIsWithoutRetrying() {
        AtomicInteger calls = new AtomicInteger();
        // A test that takes only the checked type, as every router's and the Prometheus client's does.
        Backoff.Transient<IOException> anyIoFailure = failure -> true;

        assertThatThrownBy(() -> backoff.call(
                        () -> {
                            calls.incrementAndGet();
                            throw new IllegalArgumentException("Unexpected char 0x0a in Authorization value");
                        },
                        anyIoFailure))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unexpected char 0x0a in Authorization value");
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void credentialsNeverShowTheirSecretInText() {
        Credential bearer = new Credential.Bearer("s3cr3t-token");
        Credential basic = new Credential.Basic("prom", "hunter2");

        assertThat(bearer.toString()).doesNotContain("s3cr3t-token");
        assertThat(basic.toString()).doesNotContain("hunter2").contains("prom");
        assertThat(bearer.authorizationHeader()).contains("Bearer s3cr3t-token");
        assertThat(basic.authorizationHeader()).contains("Basic cHJvbTpodW50ZXIy");
    }
}
