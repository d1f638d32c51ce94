package io.mlrollout.core.notify;

import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import java.util.List;
import java.util.Optional;

/**
 * Tells the notifier about a rollout's events as the driver records them, and returns at once. Which rollout it is
 * comes from the {@code started} event, or, for a resumed rollout, from its saved state.
 */
public final class NotificationListener implements RolloutDriver.Listener {

    private final Notifier notifier;
    private final Optional<String> link;
    private final List<String> escalationContacts;
    private RolloutState.Subject subject;

    /**
     * @param resumed the rollout's subject when it resumes from a saved state; null for a new one
     * @param link the rollout's page, where people sign, when there is one
     * @param escalationContacts whom a gate unsettled after {@code signOff.escalateAfter} is escalated to
     */
    public NotificationListener(
            Notifier notifier, RolloutState.Subject resumed, Optional<String> link, List<String> escalationContacts) {
        this.notifier = notifier;
        this.subject = resumed;
        this.link = link;
        this.escalationContacts = List.copyOf(escalationContacts);
    }

    @Override
    public synchronized void recorded(RolloutEvent event) {
        if (event instanceof RolloutEvent.Started started) {
            notifier.send(Notifications.of(
                            event,
                            started.endpoint(),
                            started.rolloutId(),
                            started.candidate(),
                            link,
                            escalationContacts)
                    .orElseThrow());
            return;
        }
        if (subject != null) {
            Notifications.of(
                            event,
                            subject.endpoint(),
                            subject.rolloutId(),
                            subject.candidate(),
                            link,
                            escalationContacts)
                    .ifPresent(notifier::send);
        }
    }

    @Override
    public synchronized void saved(RolloutState state) {
        subject = state.subject();
    }
}
