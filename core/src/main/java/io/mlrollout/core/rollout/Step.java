package io.mlrollout.core.rollout;

import java.util.List;
import java.util.Optional;

/**
 * The result of one transition: the next state, what happened (for the log and the evidence file), and — when a person's
 * request was refused — why, so the caller can tell them.
 */
public record Step(RolloutState state, List<RolloutEvent> events, Optional<String> refusal) {

    public Step {
        events = List.copyOf(events);
    }

    static Step of(RolloutState state, List<RolloutEvent> events) {
        return new Step(state, events, Optional.empty());
    }

    static Step refused(RolloutState state, RolloutEvent event, String reason) {
        return new Step(state, List.of(event), Optional.of(reason));
    }
}
