package io.mlrollout.core.rollout;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.MetricsUnansweredException;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries out a rollout's actions through the ports and feeds the results back to the {@link RolloutEngine}.
 *
 * <p>The driver never waits on a thread: when the engine says {@link Action.Wait}, it asks its {@link Scheduler} to
 * call {@link #run()} again at the due time and returns. People's requests ({@link #submit}) are applied at once and the
 * follow-up work is handed to the scheduler, so a web request never performs traffic shifts itself.
 *
 * <p>Timer ticks and people's requests may arrive on different threads: the state is guarded by the driver's lock, which
 * is never held while a port is called.
 */
public final class RolloutDriver {

    /** Runs a task at a time; in Jenkins, {@code jenkins.util.Timer}; in tests, a virtual clock. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, Instant due);
    }

    /** Receives each step's events (the build log, the evidence file) and then its state (to persist). */
    public interface Listener {
        void recorded(RolloutEvent event);

        void saved(RolloutState state);

        /** The rollout came to rest (see {@link Phase#isResting()}). */
        default void rested(RolloutState state) {}

        /**
         * {@code listener}, also recording the event {@code after} makes of the rollout's start event, right after it,
         * before the driver moves anything: what the caller knows of the rollout and the engine does not (the
         * attachments, the tier, the kept policy).
         */
        static Listener recordingAfterStart(
                Listener listener, Function<RolloutEvent.Started, ? extends RolloutEvent> after) {
            return new Listener() {
                @Override
                public void recorded(RolloutEvent event) {
                    listener.recorded(event);
                    if (event instanceof RolloutEvent.Started started) {
                        listener.recorded(after.apply(started));
                    }
                }

                @Override
                public void saved(RolloutState state) {
                    listener.saved(state);
                }

                @Override
                public void rested(RolloutState state) {
                    listener.rested(state);
                }
            };
        }
    }

    /** A safety net against a transition loop: no rollout needs this many actions without waiting. */
    private static final int MAX_ACTIONS_PER_RUN = 10_000;

    private final RolloutEngine engine;
    private final TrafficRouter router;
    private final MetricsSource metrics;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Listener listener;
    private RolloutState state;
    private Instant scheduledFor;
    /** A {@link #run()} is working; another call only asks it to look again. */
    private boolean running;

    private boolean runAgain;

    public RolloutDriver(
            RolloutEngine engine,
            TrafficRouter router,
            MetricsSource metrics,
            Clock clock,
            Scheduler scheduler,
            Listener listener,
            RolloutState state) {
        this.engine = engine;
        this.router = router;
        this.metrics = metrics;
        this.clock = clock;
        this.scheduler = scheduler;
        this.listener = listener;
        this.state = state;
    }

    /**
     * Starts a new rollout whose judge first learns from the baseline's history ({@link BaselineHistory#none()} without
     * a pre-flight plan), and runs it until it first waits or rests.
     */
    public static RolloutDriver start(
            RolloutEngine engine,
            TrafficRouter router,
            MetricsSource metrics,
            Clock clock,
            Scheduler scheduler,
            Listener listener,
            String rolloutId,
            String endpoint,
            String candidate,
            String startedBy,
            BaselineHistory history) {
        Step first = engine.start(rolloutId, endpoint, candidate, startedBy, clock.instant(), history);
        RolloutDriver driver = new RolloutDriver(engine, router, metrics, clock, scheduler, listener, first.state());
        driver.apply(first);
        driver.run();
        return driver;
    }

    public synchronized RolloutState state() {
        return state;
    }

    /**
     * Does whatever is due now, until the rollout waits or rests. Safe to call at any time and any number of times: a
     * restarted controller simply calls it (see {@code onResume}). One call works at a time; a call that arrives while
     * another works makes that one look again before it returns.
     *
     * <p>The lock is held to decide and to apply, never while a port is called, so a person's request is taken at once
     * even while the router or Prometheus is slow. A port's answer that comes back after a request changed the state is
     * dropped, and the next action is decided again from the new state.
     */
    public void run() {
        synchronized (this) {
            if (running) {
                runAgain = true;
                return;
            }
            running = true;
        }
        boolean again = true;
        try {
            while (again) {
                runOnce();
                synchronized (this) {
                    again = runAgain;
                    runAgain = false;
                    running = again;
                }
            }
        } finally {
            synchronized (this) {
                running = false;
            }
        }
    }

    private void runOnce() {
        synchronized (this) {
            scheduledFor = null;
        }
        for (int done = 0; done < MAX_ACTIONS_PER_RUN; done++) {
            RolloutState before;
            Action action;
            synchronized (this) {
                Instant now = clock.instant();
                before = state;
                action = engine.next(state, now);
                if (action instanceof Action.Rest) {
                    listener.rested(state);
                    return;
                }
                if (action instanceof Action.Wait wait) {
                    if (wait.until().isAfter(now)) {
                        scheduleRun(wait.until());
                        return;
                    }
                    apply(engine.on(state, new Input.Tick(now)));
                    if (engine.next(state, clock.instant()).equals(action)) {
                        scheduleRun(clock.instant().plusSeconds(1)); // nothing changed: try again later, never spin
                        return;
                    }
                    continue;
                }
            }
            Input result = carryOut(action, before);
            synchronized (this) {
                if (state == before) {
                    apply(engine.on(state, result));
                }
            }
        }
        RolloutState now = state();
        throw new IllegalStateException("rollout " + now.subject().rolloutId() + " did not settle after "
                + MAX_ACTIONS_PER_RUN + " actions in phase " + now.phase());
    }

    /**
     * Applies a person's request (sign-off, promote, rollback, abort) and schedules whatever it sets off.
     *
     * @return the refusal reason when the request does not apply, for the person who made it
     */
    public synchronized Optional<String> submit(Input input) {
        Step step = engine.on(state, input);
        apply(step);
        scheduleRun(clock.instant());
        return step.refusal();
    }

    /** Carries out an action that does I/O and says what happened; called without the lock. */
    private Input carryOut(Action action, RolloutState from) {
        if (action instanceof Action.Inspect) {
            return routerCall(() -> new Input.Inspected(router.current(), clock.instant()));
        }
        if (action instanceof Action.Shift shift) {
            return routerCall(() -> {
                TrafficSplit now = router.current();
                if (now.canaryWeight() != from.canaryWeight() && now.canaryWeight() != shift.canaryWeight()) {
                    // Someone moved the router outside this rollout (a rollback without the state file, say): going
                    // on from there would undo what they did. The failed shift leads to the rollback.
                    return new Input.RouterFailed(
                            router.describe() + ": the router reports " + now + " where this rollout left "
                                    + from.canaryWeight() + "%; it was moved outside this rollout",
                            clock.instant());
                }
                return new Input.Shifted(
                        shift.mirrorPercent() > 0
                                ? router.mirror(shift.candidate(), shift.mirrorPercent())
                                : router.shift(shift.candidate(), shift.canaryWeight()),
                        clock.instant());
            });
        }
        if (action instanceof Action.RollBack rollBack) {
            return routerCall(() -> new Input.Shifted(router.shift(rollBack.candidate(), 0), clock.instant()));
        }
        if (action instanceof Action.Read read) {
            return new Input.MetricsRead(read.window(), readAll(read, from), clock.instant());
        }
        throw new IllegalArgumentException("not an I/O action: " + action);
    }

    @FunctionalInterface
    private interface RouterCall {
        Input run() throws TrafficException;
    }

    private Input routerCall(RouterCall call) {
        try {
            return call.run();
        } catch (TrafficException e) {
            return new Input.RouterFailed(router.describe() + ": " + e.getMessage(), clock.instant());
        } catch (RuntimeException e) {
            // A bug or an unexpected answer must still end in a rollback, never in a stuck rollout.
            return new Input.RouterFailed(router.describe() + ": unexpected " + e, clock.instant());
        }
    }

    private Map<String, Readings> readAll(Action.Read read, RolloutState from) {
        Map<String, Readings> readings = new LinkedHashMap<>();
        RolloutState.Subject subject = from.subject();
        Look look = new Look();
        for (MetricSpec metric : engine.policy().metrics()) {
            if (movedOn(from)) {
                break;
            }
            Reading candidate = look.read(metric, subject.endpoint(), subject.candidate(), read.window());
            Reading baseline = read.candidateOnly() || movedOn(from)
                    ? null
                    : look.read(metric, subject.endpoint(), subject.baseline(), read.window());
            readings.put(metric.name(), new Readings(candidate, baseline));
        }
        return readings;
    }

    /**
     * A request changed the rollout since {@code from}: what is still being read would be dropped, and each query to a
     * Prometheus that hangs costs its timeouts and retries, which would hold up e.g. an abort's rollback.
     */
    private synchronized boolean movedOn(RolloutState from) {
        return state != from;
    }

    /**
     * The reads of one look. Once the source has not answered a query in time, the look asks it nothing more: a
     * Prometheus that hangs would otherwise cost every query's timeouts and retries (minutes per look), keeping the
     * canary unwatched that long before the no-data rules can act.
     */
    private final class Look {
        private String unanswered;

        Reading read(MetricSpec metric, String endpoint, String version, Window window) {
            if (unanswered != null) {
                return new Reading.NoData("not asked, since this look's earlier query went unanswered: " + unanswered);
            }
            try {
                return metrics.read(metric, endpoint, version, window);
            } catch (MetricsUnansweredException e) {
                unanswered = e.getMessage();
                return new Reading.NoData(e.getMessage());
            } catch (MetricsException e) {
                return new Reading.NoData(e.getMessage());
            } catch (RuntimeException e) {
                // No data is never a pass, so an unexpected failure is safe to treat as no data.
                return new Reading.NoData("unexpected error reading " + metric.name() + ": " + e);
            }
        }
    }

    private void apply(Step step) {
        step.events().forEach(listener::recorded);
        state = step.state();
        listener.saved(state);
    }

    private void scheduleRun(Instant due) {
        if (scheduledFor != null && !due.isBefore(scheduledFor)) {
            return; // an earlier run is already booked; it will book the next one
        }
        scheduledFor = due;
        scheduler.schedule(this::run, due);
    }

    /** Convenience for listeners that only care about events. */
    public static Listener eventsTo(Consumer<RolloutEvent> events) {
        return new Listener() {
            @Override
            public void recorded(RolloutEvent event) {
                events.accept(event);
            }

            @Override
            public void saved(RolloutState state) {}
        };
    }
}
