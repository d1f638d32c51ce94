package io.mlrollout.core.notify;

import java.util.List;

/**
 * An endpoint's notifications: where they go and whom escalations are for.
 *
 * @param sinks the receivers, by name
 * @param escalationContacts whom a gate unsettled after {@code signOff.escalateAfter} is escalated to (user ids, mail
 *     addresses, chat handles: they are passed on as written)
 */
public record NotificationSettings(List<SinkSpec> sinks, List<String> escalationContacts) {

    public static final NotificationSettings NONE = new NotificationSettings(List.of(), List.of());

    public NotificationSettings {
        sinks = List.copyOf(sinks);
        escalationContacts = List.copyOf(escalationContacts);
    }
}
