package io.mlrollout.core.rollout;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.schedule.DeploymentSchedule;
import io.mlrollout.core.signoff.ApproverMatcher;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.testing.FakeServing;
import io.mlrollout.core.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs a rollout with the real engine and driver against {@link FakeServing} in virtual time. */
final class Harness {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    final VirtualTime time;
    final FakeServing serving;
    final List<RolloutEvent> events = new ArrayList<>();
    final List<String> savedStates = new ArrayList<>();
    RolloutEngine engine;
    RolloutDriver driver;
    /** Also told every event, e.g. notifications; set before {@link #start}. */
    RolloutDriver.Listener also = RolloutDriver.eventsTo(event -> {});

    Harness() {
        this(new FakeServing(), T0);
    }

    /** Starting at another time, e.g. to meet a deployment window. */
    Harness(Instant start) {
        this(new FakeServing(), start);
    }

    private Harness(FakeServing serving, Instant start) {
        this.serving = serving;
        this.time = new VirtualTime(start);
    }

    /**
     * What a restarted controller does: a new driver, on a new timer, from the saved state alone. The old driver's
     * timers are gone with the old clock.
     */
    Harness resumeFrom(String savedState) {
        return resumeFrom(savedState, engine);
    }

    /** As {@link #resumeFrom(String)}, under another engine: e.g. the endpoint's calendar was edited meanwhile. */
    Harness resumeFrom(String savedState, RolloutEngine engine) {
        Harness resumed = new Harness(serving, time.instant());
        resumed.engine = engine;
        resumed.driver = new RolloutDriver(
                engine,
                serving,
                serving,
                resumed.time,
                resumed.time,
                resumed.listener(),
                RolloutStateCodec.read(savedState));
        resumed.driver.run();
        return resumed;
    }

    static Policy policy(String yaml) {
        try {
            return PolicyParser.parse(yaml);
        } catch (PolicyException e) {
            throw new AssertionError("test policy does not parse: " + e.getMessage(), e);
        }
    }

    Harness start(String yaml) {
        return start(policy(yaml), Optional.empty(), "alice");
    }

    Harness start(Policy policy, Optional<SignOffRules> rules, String startedBy) {
        return start(policy, rules, startedBy, policy.schedule().with(DeploymentCalendar.ALWAYS_OPEN));
    }

    Harness start(Policy policy, Optional<SignOffRules> rules, String startedBy, DeploymentSchedule schedule) {
        engine = new RolloutEngine(policy, rules, ApproverMatcher.CASE_INSENSITIVE, schedule);
        driver = RolloutDriver.start(
                engine,
                serving,
                serving,
                time,
                time,
                listener(),
                "build-7",
                "fraud-scorer",
                "v2",
                startedBy,
                BaselineHistory.none());
        return this;
    }

    RolloutDriver.Listener listener() {
        return new RolloutDriver.Listener() {
            @Override
            public void recorded(RolloutEvent event) {
                events.add(event);
                also.recorded(event);
            }

            @Override
            public void saved(RolloutState state) {
                savedStates.add(RolloutStateCodec.write(state));
                also.saved(state);
            }
        };
    }

    /** Runs scheduled work for {@code span} of virtual time. */
    Harness runFor(Duration span) {
        time.runUntil(time.instant().plus(span));
        return this;
    }

    /** Runs until the rollout rests or nothing is scheduled. */
    Harness runToRest() {
        while (!state().phase().isResting() && time.runNext()) {
            // each task is a driver run; the loop ends when the rollout rests
        }
        return this;
    }

    RolloutState state() {
        return driver.state();
    }

    Phase phase() {
        return state().phase();
    }

    <E extends RolloutEvent> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
