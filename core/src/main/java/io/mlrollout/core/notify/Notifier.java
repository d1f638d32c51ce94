package io.mlrollout.core.notify;

import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.http.OkHttpClients;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Sends notifications to their sinks in the background: a rollout hands them over and goes on at once, whatever the
 * receivers do. Failures are retried with a doubling pause (timeouts, connection errors, 429 and 5xx), scheduled on the
 * executor rather than slept, so no thread waits. A redirect is not followed: it fails like a 4xx. At most
 * {@code capacity} deliveries are pending; beyond, new ones are dropped and said so. Nothing about a failure names a
 * URL: sinks are logged by name, failures by kind.
 */
public final class Notifier {

    /** How many deliveries may be pending (queued or waiting to retry) before new ones are dropped. */
    public static final int DEFAULT_CAPACITY = 100;

    private final List<NotificationSink> sinks;
    private final HttpSettings http;
    private final OkHttpClient client;
    private final ScheduledExecutorService executor;
    private final Consumer<String> log;
    private final int capacity;
    private final AtomicInteger pending = new AtomicInteger();
    /** Notified when nothing is pending any more; see {@link #awaitDelivered}. */
    private final Object idle = new Object();

    /**
     * @param http timeouts, attempts and the first pause between them, and how to reach the network (e.g. a proxy)
     * @param executor runs deliveries; a small one, shared or this notifier's own
     * @param log where dropped and failed deliveries are told (the build log, the console)
     */
    public Notifier(
            List<NotificationSink> sinks,
            HttpSettings http,
            ScheduledExecutorService executor,
            Consumer<String> log,
            int capacity) {
        this.sinks = List.copyOf(sinks);
        this.http = http;
        // A redirect is not followed: OkHttp would turn the POST into a GET without the notification, and count the
        // GET's answer as delivered.
        this.client = OkHttpClients.create(http, Credential.NONE)
                .newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
        this.executor = executor;
        this.log = log;
        this.capacity = capacity;
    }

    /** Hands the notification to every sink subscribed to its type; returns at once. */
    public void send(Notification notification) {
        for (NotificationSink sink : sinks) {
            if (!sink.events().contains(notification.type())) {
                continue;
            }
            if (pending.incrementAndGet() > capacity) {
                try {
                    log.accept("notification " + notification.type().word() + " to " + sink + " dropped: " + capacity
                            + " deliveries are already pending");
                } finally {
                    settled();
                }
                continue;
            }
            schedule(new Delivery(sink, notification), 1, Duration.ZERO);
        }
    }

    /** How many deliveries are queued or waiting to retry. */
    public int pending() {
        return pending.get();
    }

    /**
     * Waits, at most {@code timeout}, until every delivery handed over is delivered or given up, retries included; for
     * a process that is about to end (the command line), never for a rollout.
     *
     * @return whether nothing is pending any more
     */
    public boolean awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (pending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** One delivery is delivered, given up or dropped; wakes {@link #awaitDelivered} when it was the last. */
    private void settled() {
        if (pending.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private record Delivery(NotificationSink sink, Notification notification) {}

    private void schedule(Delivery delivery, int attempt, Duration delay) {
        try {
            executor.schedule(() -> attempt(delivery, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            try {
                log.accept("notification " + delivery.notification().type().word() + " to " + delivery.sink()
                        + " dropped: the notifier has stopped");
            } finally {
                settled();
            }
        }
    }

    private void attempt(Delivery delivery, int attempt) {
        String failure;
        boolean retry;
        try {
            Request request = new Request.Builder()
                    .url(delivery.sink().url().get())
                    .post(RequestBody.create(
                            delivery.sink().format().body(delivery.notification()),
                            MediaType.get(delivery.sink().format().contentType())))
                    .build();
            try (Response response = client.newCall(request).execute()) {
                if (response.isSuccessful()) {
                    settled();
                    return;
                }
                failure = "HTTP " + response.code();
                retry = response.code() == 429 || response.code() >= 500;
            }
        } catch (InterruptedIOException timeout) {
            failure = "timed out after " + http.callTimeout().toMillis() + " ms";
            retry = true;
        } catch (ConnectException refused) {
            failure = "could not connect";
            retry = true;
        } catch (IOException e) {
            // The message may carry the host or the URL: only the kind of failure is told.
            failure = "failed (" + e.getClass().getSimpleName() + ")";
            retry = true;
        } catch (IllegalArgumentException badUrl) {
            failure = "its URL is not an http(s) URL";
            retry = false;
        } catch (RuntimeException e) {
            failure = "failed (" + e.getClass().getSimpleName() + ")";
            retry = false;
        }
        if (retry && attempt < http.attempts()) {
            schedule(delivery, attempt + 1, http.firstBackoff().multipliedBy(1L << Math.min(attempt - 1, 16)));
            return;
        }
        try {
            log.accept("notification " + delivery.notification().type().word() + " to " + delivery.sink()
                    + " was not delivered: " + failure + " (attempt " + attempt + " of " + http.attempts() + ")");
        } finally {
            settled(); // after the line, so that whoever awaits it sees the line first
        }
    }
}
