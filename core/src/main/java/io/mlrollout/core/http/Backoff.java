package io.mlrollout.core.http;

import java.time.Duration;

/**
 * Retries a call with exponential backoff. Connectors use it for transient failures only; the caller decides which
 * failures are transient. The pause is injected so tests run without waiting.
 */
public final class Backoff {

    /** Pauses the calling thread; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    /** One attempt of a call. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    /** Tells whether a failure is worth another attempt. */
    @FunctionalInterface
    public interface Transient<E extends Exception> {
        boolean test(E failure);
    }

    private final HttpSettings settings;
    private final Sleeper sleeper;

    public Backoff(HttpSettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
    }

    /**
     * Runs {@code attempt} up to {@code settings.attempts()} times while it fails transiently, pausing
     * {@code firstBackoff}, then twice as long, and so on. The last failure is thrown as it is. An unchecked exception
     * (a bug, or a request that cannot even be built) is thrown at once, as it is, and never retried.
     */
    public <T, E extends Exception> T call(Attempt<T, E> attempt, Transient<E> isTransient) throws E {
        Duration pause = settings.firstBackoff();
        for (int tried = 1; ; tried++) {
            try {
                return attempt.run();
            } catch (RuntimeException unchecked) {
                // Not an E: handing it to isTransient, which takes only E, would throw a ClassCastException instead.
                throw unchecked;
            } catch (Exception e) {
                @SuppressWarnings("unchecked")
                E failure = (E) e;
                if (tried >= settings.attempts() || !isTransient.test(failure)) {
                    throw failure;
                }
            }
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while backing off", interrupted);
            }
            pause = pause.multipliedBy(2);
        }
    }
}
