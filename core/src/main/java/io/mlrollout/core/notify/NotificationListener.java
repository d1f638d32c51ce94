package io.mlrollout.core.notify;

import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import java.util.List;
import java.util.Optional;

/** Tells the notifier about a rollout's events as the driver records them; never throws into the rollout. */
public final class NotificationListener implements RolloutDriver.Listener {

    private final Notifier notifier;
    private final Optional<String> link;
    private final List<String> escalationContacts;
    private final String endpoint;
    private final String rolloutId;
    private final String candidate;

    /**
     * @param link the rollout's page, where people sign, when there is one
     * @param escalationContacts whom a gate unsettled after {@code signOff.escalateAfter} is escalated to
     */
    public NotificationListener(
            Notifier notifier,
            String endpoint,
            String rolloutId,
            String candidate,
            Optional<String> link,
            List<String> escalationContacts) {
        this.notifier = notifier;
        this.endpoint = endpoint;
        this.rolloutId = rolloutId;
        this.candidate = candidate;
        this.link = link;
        this.escalationContacts = List.copyOf(escalationContacts);
    }

    @Override
    public void recorded(RolloutEvent event) {
        Notifications.of(event, endpoint, rolloutId, candidate, link, escalationContacts)
                .ifPresent(notifier::send);
    }

    @Override
    public void saved(RolloutState state) {}
}
