package io.mlrollout.core.rollout;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.SignOffPolicy;
import io.mlrollout.core.rollout.RolloutState.GateAlerts;
import io.mlrollout.core.signoff.SignOffGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reminders an open sign-off gate sends, each once: an escalation after {@code signOff.escalateAfter}, and a warning
 * shortly before it expires. They are events like any other; notifications carry them to people.
 */
final class GateReminders {

    /** A gate warns a quarter of its lifetime before it expires, at most an hour before. */
    static final Duration LONGEST_WARNING = Duration.ofHours(1);

    private GateReminders() {}

    /** When the next reminder is due; {@link Instant#MAX} when none is left. */
    static Instant nextAt(RolloutState s, Policy policy) {
        GateAlerts sent = s.alerts();
        Instant next = Instant.MAX;
        Optional<Instant> escalation = escalateAt(s.gate(), policy);
        if (!sent.escalated() && escalation.isPresent()) {
            next = escalation.get();
        }
        Instant warning = warnAt(s.gate());
        return !sent.expiryWarned() && warning.isBefore(next) ? warning : next;
    }

    /** The reminders due at {@code now}, recorded as sent. */
    /** @param roleContacts the escalation contacts of the roles the gate still lacks */
    static Step due(RolloutState s, Policy policy, List<String> roleContacts, Instant now) {
        SignOffGate gate = s.gate();
        GateAlerts sent = s.alerts();
        List<RolloutEvent> events = new ArrayList<>();
        boolean escalate = !sent.escalated()
                && escalateAt(gate, policy).filter(at -> !now.isBefore(at)).isPresent();
        if (escalate) {
            events.add(new RolloutEvent.GateEscalated(
                    now, gate.purpose(), gate.openedAt(), gate.expiresAt(), roleContacts));
        }
        boolean warn = !sent.expiryWarned() && !now.isBefore(warnAt(gate));
        if (warn) {
            events.add(new RolloutEvent.GateExpiring(now, gate.purpose(), gate.expiresAt()));
        }
        if (events.isEmpty()) {
            return Step.of(s, events);
        }
        GateAlerts updated = new GateAlerts(sent.escalated() || escalate, sent.expiryWarned() || warn);
        return Step.of(s.withGateAlerts(updated), events);
    }

    private static Optional<Instant> escalateAt(SignOffGate gate, Policy policy) {
        return policy.signOff().flatMap(SignOffPolicy::escalateAfter).map(gate.openedAt()::plus);
    }

    private static Instant warnAt(SignOffGate gate) {
        Duration quarter = Duration.between(gate.openedAt(), gate.expiresAt()).dividedBy(4);
        return gate.expiresAt().minus(quarter.compareTo(LONGEST_WARNING) > 0 ? LONGEST_WARNING : quarter);
    }
}
