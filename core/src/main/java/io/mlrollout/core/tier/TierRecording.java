package io.mlrollout.core.tier;

import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import java.time.Instant;
import java.util.Optional;

/** Puts the tier decision into the audit trail, as the event right after the rollout's start. */
public final class TierRecording {

    private TierRecording() {}

    public static RolloutEvent.TierChosen event(Instant at, TierDecision decision) {
        return new RolloutEvent.TierChosen(
                at, decision.tier(), decision.rule(), decision.facts(), decision.autoApproved(), decision.summary());
    }

    /** {@code listener}, recording {@code decision} (if any) right after the start event, before anything moves. */
    public static RolloutDriver.Listener recordedAfterStart(
            RolloutDriver.Listener listener, Optional<TierDecision> decision) {
        if (decision.isEmpty()) {
            return listener;
        }
        return RolloutDriver.Listener.recordingAfterStart(listener, started -> event(started.at(), decision.get()));
    }
}
