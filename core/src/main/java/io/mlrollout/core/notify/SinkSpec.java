package io.mlrollout.core.notify;

import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import okhttp3.HttpUrl;

/**
 * A sink as an administrator describes it: its URL is named, never written (an environment variable or a file for the
 * CLI, a credential in Jenkins), and resolved only when the rollout starts.
 *
 * @param name how logs and policies call it
 * @param format webhook (CloudEvents), slack or teams
 * @param secretKey which kind of reference names the URL, e.g. {@code urlEnv} or {@code credentialsId}
 * @param secretRef the reference itself (a variable name, a path, a credential id)
 * @param events what it subscribes to
 */
public record SinkSpec(
        String name, SinkFormat format, String secretKey, String secretRef, Set<NotificationType> events) {

    public SinkSpec {
        Objects.requireNonNull(name, "name");
        events = Set.copyOf(events);
    }

    public NotificationSink resolve(Supplier<String> url) {
        return new NotificationSink(name, format, url, events);
    }

    /**
     * Whether a resolved URL can be sent to, checked when a rollout starts so that a bad one stops it before anything
     * moves instead of failing every delivery. The URL is a secret: callers say which reference failed, never what
     * it holds.
     */
    public static boolean isHttpUrl(String url) {
        return url != null && HttpUrl.parse(url) != null;
    }
}
