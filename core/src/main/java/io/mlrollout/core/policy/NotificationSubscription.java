package io.mlrollout.core.policy;

import io.mlrollout.core.notify.NotificationType;
import java.util.Set;

/**
 * A policy's addition to an endpoint's notifications: one of the endpoint's sinks hears of more events. A policy names
 * sinks, never URLs: those are the administrator's secrets.
 *
 * @param sink the name of one of the endpoint's sinks
 * @param events what it hears of in addition
 */
public record NotificationSubscription(String sink, Set<NotificationType> events) {

    public NotificationSubscription {
        events = Set.copyOf(events);
    }
}
