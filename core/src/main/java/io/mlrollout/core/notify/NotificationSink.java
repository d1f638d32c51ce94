package io.mlrollout.core.notify;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One receiver of notifications and what it subscribes to.
 *
 * @param name how logs and settings call it, e.g. {@code team-ml}; never its URL
 * @param format how it wants notifications written
 * @param url where to POST; a secret (Slack's and Teams' URLs carry their credential), read only to send
 * @param events what it is told about
 */
public record NotificationSink(String name, SinkFormat format, Supplier<String> url, Set<NotificationType> events) {

    public NotificationSink {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(url, "url");
        events = events.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(events));
    }

    /** The same sink told about {@code more} too (a policy's additions). */
    public NotificationSink plus(Set<NotificationType> more) {
        Set<NotificationType> all = EnumSet.noneOf(NotificationType.class);
        all.addAll(events);
        all.addAll(more);
        return new NotificationSink(name, format, url, all);
    }

    /** Without the URL, so a sink can be logged or shown. */
    @Override
    public String toString() {
        return format.word() + " '" + name + "'";
    }
}
