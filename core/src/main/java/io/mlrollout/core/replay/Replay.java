package io.mlrollout.core.replay;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.time.VirtualTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a policy over recorded metrics: the real engine and judge, in simulated time from {@code from}, reading each
 * look's window from what the metrics source recorded then, with a router that moves nothing. What it answers is what
 * the policy would have decided on that traffic. Nobody signs in a replay: sign-offs are taken away, and the canary is
 * promoted as soon as every stage passed, so the promotion watch is judged too.
 */
public final class Replay {

    /**
     * How a replay ended.
     *
     * @param phase where the rollout came to rest, or where it was when the recording ended
     * @param endedAt the simulated time of the last event
     * @param recordingEnded the recording ended before the rollout came to rest: undecided
     * @param events everything the rollout recorded, as a real one writes it to its log and evidence
     */
    public record Result(Phase phase, Instant endedAt, boolean recordingEnded, List<RolloutEvent> events) {
        public Result {
            events = List.copyOf(events);
        }

        public boolean rolledBack() {
            return !recordingEnded && (phase == Phase.ROLLED_BACK || phase == Phase.ROLLBACK_FAILED);
        }

        /**
         * Whether a stage (or the watch) failed: the judge showed a regression. A rollback without it came from an
         * inconclusive stage under {@code onInconclusive: rollback}: too little evidence, not a verdict.
         */
        public boolean failed() {
            return events.stream()
                    .anyMatch(e -> e instanceof RolloutEvent.StageConcluded c && c.verdict() == Verdict.FAIL);
        }

        public boolean promoted() {
            return !recordingEnded && phase == Phase.PROMOTED;
        }

        /** What the replayed rollout came to, in one line: rolled back (and why), promoted, or undecided. */
        public String describe() {
            String last = events.isEmpty()
                    ? ""
                    : ": " + LogLines.format(events.get(events.size() - 1)).substring(LogLines.PREFIX.length());
            if (recordingEnded) {
                return "undecided, the recording ended in phase " + phase + last;
            }
            String reason = events.stream()
                    .filter(e -> e instanceof RolloutEvent.RollbackStarted)
                    .map(e -> ": " + ((RolloutEvent.RollbackStarted) e).reason())
                    .findFirst()
                    .orElse("");
            return switch (phase) {
                case ROLLED_BACK, ROLLBACK_FAILED -> "rolled back at " + endedAt + reason;
                case PROMOTED -> "promoted at " + endedAt;
                default -> phase + " at " + endedAt + last;
            };
        }
    }

    /**
     * An instant as a replay's {@code from} or {@code to} may be written: ISO-8601 ({@code 2026-12-01T10:00:00Z}), a
     * duration ago ({@code 2h}), or {@code now}.
     *
     * @throws IllegalArgumentException saying which forms are understood
     */
    public static Instant instant(String text, Instant now) {
        if (text.equals("now")) {
            return now;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return now.minus(Durations.parse(text));
            } catch (IllegalArgumentException notADuration) {
                throw new IllegalArgumentException("'" + text
                        + "' is neither an ISO-8601 instant (2026-12-01T10:00:00Z), a duration ago (2h), nor now");
            }
        }
    }

    /** What a replay says of a policy with risk tiers: it runs the policy's own stages, since it states no facts. */
    public static final String TIERS_NOT_APPLIED =
            "the policy's own stages and bounds; its tiers are not applied: a replay states no facts";

    /** Why {@code to} cannot end a replay, if it cannot: looks past now read what is not recorded yet. */
    public static Optional<String> futureEnd(Instant to, Instant now) {
        return to.isAfter(now)
                ? Optional.of(to + " is after now (" + now + "): nothing is recorded there yet")
                : Optional.empty();
    }

    /**
     * Why {@code version} cannot be replayed, if it cannot: Prometheus has no series of it in the window, through the
     * policy's first metric. Misnamed, or older than what Prometheus keeps, it would be judged as no data and reported
     * as an inconclusive rollback. Empty too when the source is not Prometheus, or the query names no version.
     */
    public static Optional<String> unrecorded(
            MetricsSource metrics, Policy policy, String endpoint, String version, Instant from, Instant to)
            throws MetricsException {
        if (!(metrics instanceof PrometheusMetricsSource prometheus)) {
            return Optional.empty();
        }
        MetricSpec first = policy.metrics().get(0);
        if (prometheus.hasSeries(first, endpoint, version, new Window(from, to)).orElse(true)) {
            return Optional.empty();
        }
        return Optional.of(version + " has no series of " + first.name() + " between " + from + " and " + to
                + ": Prometheus did not see that version then, or no longer keeps that window");
    }

    private Replay() {}

    /**
     * @param metrics reads the recorded metrics, asked for {@code baseline} and {@code candidate} by those names
     * @param from where the replayed rollout starts
     * @param to where the recording ends: no look reads past it
     */
    public static Result run(
            Policy policy,
            MetricsSource metrics,
            String endpoint,
            String baseline,
            String candidate,
            Instant from,
            Instant to) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("a replay must end after it starts: " + from + " .. " + to);
        }
        RolloutEngine engine = new RolloutEngine(policy.withoutSignOffs().withDryRun(false), Optional.empty());
        VirtualTime time = new VirtualTime(from);
        List<RolloutEvent> events = new ArrayList<>();
        RolloutDriver driver = RolloutDriver.start(
                engine,
                new RecordedRouter(baseline, candidate),
                metrics,
                time,
                time,
                RolloutDriver.eventsTo(events::add),
                "replay",
                endpoint,
                candidate,
                "replay",
                BaselineHistory.none());
        while (true) {
            Phase phase = driver.state().phase();
            if (phase == Phase.CANARY_PASSED
                    && driver.submit(new Input.PromoteRequested("replay", time.instant()))
                            .isEmpty()) {
                continue; // promoted at once, so the watch reads the minutes right after the canary's
            }
            Instant next = time.nextDue();
            boolean recordingEnded = !phase.isResting() && (next == null || next.isAfter(to));
            if (phase.isResting() || recordingEnded) {
                Instant last =
                        events.isEmpty() ? from : events.get(events.size() - 1).at();
                return new Result(phase, last, recordingEnded, events);
            }
            time.runNext();
        }
    }
}
