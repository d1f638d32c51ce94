package io.mlrollout.core.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts and retries for one connector's HTTP calls.
 *
 * @param callTimeout the whole call, connection to last byte
 * @param attempts total attempts for a transient failure (5xx, connection error, timeout), at least 1
 * @param firstBackoff the pause after the first failure; doubled after each further one
 */
public record HttpSettings(Duration callTimeout, int attempts, Duration firstBackoff) {

    public static final HttpSettings DEFAULT = new HttpSettings(Duration.ofSeconds(10), 3, Duration.ofMillis(250));

    public HttpSettings {
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }
}
