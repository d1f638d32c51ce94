package io.mlrollout.core.http;

import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * Timeouts and retries for one connector's HTTP calls, and how its client reaches the network.
 *
 * @param callTimeout the whole call, connection to last byte
 * @param attempts total attempts for a transient failure (5xx, connection error, timeout), at least 1
 * @param firstBackoff the pause after the first failure; doubled after each further one
 * @param network makes the builder of every client from the shared one, e.g. with a host's proxy settings
 */
public record HttpSettings(Duration callTimeout, int attempts, Duration firstBackoff, Network network) {

    /**
     * How clients reach the network: a builder from the shared client, to which {@link OkHttpClients} adds timeouts and
     * the credential. In Jenkins it applies Jenkins' proxy configuration; the CLI connects directly.
     */
    @FunctionalInterface
    public interface Network {
        /** Straight to the server: no proxy unless the JVM's own proxy settings say so. */
        Network DIRECT = OkHttpClient::newBuilder;

        OkHttpClient.Builder newBuilder(OkHttpClient shared);
    }

    public static final HttpSettings DEFAULT = new HttpSettings(Duration.ofSeconds(10), 3, Duration.ofMillis(250));

    public HttpSettings {
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(network, "network");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    /** Settings that connect directly. */
    public HttpSettings(Duration callTimeout, int attempts, Duration firstBackoff) {
        this(callTimeout, attempts, firstBackoff, Network.DIRECT);
    }

    /** The same timeouts and retries, reaching the network through {@code network}. */
    public HttpSettings through(Network network) {
        return new HttpSettings(callTimeout, attempts, firstBackoff, network);
    }
}
