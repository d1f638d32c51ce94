package io.mlrollout.core.notify;

import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import java.util.List;
import java.util.Optional;

/** Which rollout events people are told about, as which {@link NotificationType}, and in what words. */
public final class Notifications {

    private Notifications() {}

    /**
     * The notification an event gives, if any.
     *
     * @param link the rollout's page (where people sign), when there is one
     * @param escalationContacts whom an escalation is for
     */
    public static Optional<Notification> of(
            RolloutEvent event,
            String endpoint,
            String rolloutId,
            String candidate,
            Optional<String> link,
            List<String> escalationContacts) {
        return typeOf(event)
                .map(type -> new Notification(
                        type,
                        idOf(event, type, rolloutId),
                        event.at(),
                        endpoint,
                        rolloutId,
                        candidate,
                        LogLines.format(event).substring(LogLines.PREFIX.length()),
                        link,
                        type == NotificationType.ESCALATED ? escalated(event, escalationContacts) : List.of()));
    }

    /**
     * Unique per rollout and event: two people may sign in the same millisecond (REST calls do), so a signature's id
     * names its signer. No other event of one type can happen twice at one instant.
     */
    private static String idOf(RolloutEvent event, NotificationType type, String rolloutId) {
        String signer = event instanceof RolloutEvent.Signed signed ? signed.userId() + "/" : "";
        return rolloutId + "/" + type.word() + "/" + signer + event.at().toEpochMilli();
    }

    /** The endpoint's escalation contacts, and those of the roles the gate still lacks, each once. */
    private static List<String> escalated(RolloutEvent event, List<String> endpointContacts) {
        java.util.Set<String> contacts = new java.util.LinkedHashSet<>(endpointContacts);
        if (event instanceof RolloutEvent.GateEscalated escalated) {
            contacts.addAll(escalated.roleContacts());
        }
        return List.copyOf(contacts);
    }

    static Optional<NotificationType> typeOf(RolloutEvent event) {
        if (event instanceof RolloutEvent.Started) {
            return Optional.of(NotificationType.STARTED);
        }
        if (event instanceof RolloutEvent.GateOpened) {
            return Optional.of(NotificationType.SIGN_OFF_NEEDED);
        }
        if (event instanceof RolloutEvent.Signed signed) {
            return Optional.of(
                    signed.decision() == Decision.REJECT ? NotificationType.REFUSED : NotificationType.SIGNED);
        }
        if (event instanceof RolloutEvent.GateExpiring) {
            return Optional.of(NotificationType.GATE_EXPIRING);
        }
        if (event instanceof RolloutEvent.GateEscalated) {
            return Optional.of(NotificationType.ESCALATED);
        }
        if (event instanceof RolloutEvent.StageConcluded concluded && concluded.verdict() == Verdict.FAIL) {
            return Optional.of(NotificationType.STAGE_FAILED);
        }
        if (event instanceof RolloutEvent.RolledBack) {
            return Optional.of(NotificationType.ROLLED_BACK);
        }
        if (event instanceof RolloutEvent.RollbackFailed) {
            return Optional.of(NotificationType.ROLLBACK_FAILED);
        }
        if (event instanceof RolloutEvent.Promoted) {
            return Optional.of(NotificationType.PROMOTED);
        }
        return Optional.empty();
    }
}
