package io.jenkins.plugins.mlrollout;

import hudson.model.TaskListener;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code mlRollback} when no rollout of the endpoint is under way (e.g. in another build's {@code post { failure }}):
 * reads the router's split, asks for 0% to the candidate, and reads it back. Each step is a line in the build log and
 * in the evidence file of the build that asked, with who asked and why; its outcome is told to the endpoint's
 * notification sinks. Asking when all traffic is already on the baseline changes nothing, tells no one and succeeds.
 */
final class DirectRollback {

    private final TrafficRouter router;
    private final AuditTrail audit;
    private final TaskListener log;
    private final Clock clock;
    private final Notify notify;

    /** Tells people outside Jenkins of an event, with the candidate it is about. */
    @FunctionalInterface
    interface Notify {
        Notify NONE = (event, candidate) -> {};

        void event(RolloutEvent event, String candidate);
    }

    DirectRollback(TrafficRouter router, AuditTrail audit, TaskListener log, Clock clock, Notify notify) {
        this.router = router;
        this.audit = audit;
        this.log = log;
        this.clock = clock;
        this.notify = notify;
    }

    /** Carries it out; talks to the router, so it runs on the timer. */
    RolloutStepExecution.Outcome run(String endpoint, String by, String reason) throws IOException {
        record(new RolloutEvent.RollbackStarted(clock.instant(), reason + " (requested by " + by + ")", by));
        TrafficSplit before;
        try {
            before = router.current();
        } catch (TrafficException e) {
            return failed(
                    endpoint, "could not read the router (" + router.describe() + "): " + e.getMessage(), null, null);
        }
        record(new RolloutEvent.Inspected(clock.instant(), before));
        if (before.canaryWeight() == 0 && before.mirrorPercent() == 0) {
            say("the router already sends all traffic of " + endpoint + " to the baseline; nothing to do");
            // recorded, but nobody is told: every failing build's post { failure } would announce a rollback
            record(new RolloutEvent.RolledBack(clock.instant(), before));
            return concluded(endpoint, before);
        }
        TrafficSplit after;
        try {
            router.shift(before.canary(), 0);
            after = router.current();
        } catch (TrafficException e) {
            return failed(endpoint, router.describe() + ": " + e.getMessage(), before, before);
        }
        if (after.canaryWeight() != 0 || after.mirrorPercent() != 0) {
            return failed(
                    endpoint, "the router reports " + after + " after asking for 0% and no mirror", after, before);
        }
        return rolledBack(endpoint, after, before);
    }

    /** @param before the split read first, which names the candidate; null when it could not be read */
    private RolloutStepExecution.Outcome rolledBack(String endpoint, TrafficSplit split, TrafficSplit before)
            throws IOException {
        notified(new RolloutEvent.RolledBack(clock.instant(), split), before);
        return concluded(endpoint, split);
    }

    private RolloutStepExecution.Outcome concluded(String endpoint, TrafficSplit split) throws IOException {
        seal();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("outcome", "ROLLED_BACK");
        result.put("endpoint", endpoint);
        result.put("split", split.toString());
        return RolloutStepExecution.Outcome.success(result);
    }

    private RolloutStepExecution.Outcome failed(
            String endpoint, String reason, TrafficSplit lastKnown, TrafficSplit before) throws IOException {
        notified(new RolloutEvent.RollbackFailed(clock.instant(), reason, lastKnown), before);
        seal();
        return RolloutStepExecution.Outcome.failed("mlRollback: ROLLBACK FAILED on endpoint " + endpoint + ": " + reason
                + "; last known split " + (lastKnown == null ? "unknown" : lastKnown.toString())
                + ". Fix the router, then run mlRollback again");
    }

    /** Closes this rollback's evidence with a seal, as a rollout's at rest (see {@link LiveRollout}). */
    private void seal() throws IOException {
        Optional<SealKey> key = CredentialResolver.configuredSealKey(this::say);
        audit.seal(clock.instant(), key);
        say(audit.headLine());
    }

    /** Records the outcome and tells the endpoint's sinks, as a rollout's rollback does. */
    private void notified(RolloutEvent event, TrafficSplit before) throws IOException {
        record(event);
        notify.event(event, before == null ? "unknown" : before.canary());
    }

    private void record(RolloutEvent event) throws IOException {
        log.getLogger().println(LogLines.format(event));
        audit.append(event);
    }

    private void say(String text) {
        log.getLogger().println(LogLines.note(text));
    }
}
