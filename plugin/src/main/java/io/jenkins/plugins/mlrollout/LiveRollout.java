package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.audit.Attachments;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.Step;
import io.mlrollout.core.tier.TierRecording;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A rollout under way in this controller: its driver, whose listener this is (the build logs, the evidence file, the
 * report and the build-page action's saved state), and the steps waiting for it to come to rest. It lives in memory
 * only; everything needed to make it again after a restart is the state the {@link RolloutAction} saves and the audit
 * trail.
 */
final class LiveRollout implements RolloutDriver.Listener {

    private static final Logger LOGGER = Logger.getLogger(LiveRollout.class.getName());

    /** Rests after which nothing more happens: the endpoint is free again. */
    static final Set<Phase> FINISHED =
            EnumSet.of(Phase.PROMOTED, Phase.ROLLED_BACK, Phase.HALTED, Phase.DRY_RUN_COMPLETE);

    /** A step waiting for the rollout. */
    interface Waiter {
        /**
         * The rollout is resting in {@code state}.
         *
         * @return true when the step is done waiting
         */
        boolean settle(RolloutState state);

        /** The rollout cannot go on: an error no rollout should meet (a bug, a full disk). */
        void broke(Throwable error);

        /** The rollout moved on to {@code state} (resting or not); e.g. a sign-off gate opened or settled. */
        default void observed(RolloutState state) {}
    }

    private final RolloutAction action;
    private final RolloutPlan plan;
    private final AuditTrail audit;
    private final RolloutDriver driver;
    private final List<TaskListener> logs = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Waiter> waiters = new CopyOnWriteArrayList<>();
    private volatile RolloutState latest;
    /** Router writes under way: a restart now would leave the router's state unknown to the saved rollout. */
    private final AtomicInteger routerWrites = new AtomicInteger();
    /** The rest last reported, so that a rest is summarised once however often the driver finds it. */
    private String lastRest;
    /** Tells people outside Jenkins (webhooks, Slack, Teams); does nothing when the endpoint has no sinks. */
    private volatile RolloutDriver.Listener notifications = RolloutDriver.eventsTo(event -> {});

    private LiveRollout(
            RolloutAction action,
            RolloutPlan plan,
            RolloutEngine engine,
            RolloutServices services,
            TrafficRouter router,
            MetricsSource metrics,
            AuditTrail audit,
            RolloutState state) {
        this.action = action;
        this.plan = plan;
        this.audit = audit;
        this.latest = state;
        RolloutDriver.Scheduler guarded = (task, due) -> services.scheduler().schedule(() -> guarded(task), due);
        this.driver =
                new RolloutDriver(engine, new CountedWrites(router), metrics, services.clock(), guarded, this, state);
    }

    /**
     * Starts a rollout: records its start at once and leaves everything that talks to the router or the metrics
     * source to the scheduler.
     */
    static LiveRollout begin(
            RolloutAction action,
            RolloutPlan plan,
            RolloutServices services,
            TrafficRouter router,
            MetricsSource metrics,
            String candidate,
            @CheckForNull String startedBy,
            AttachedEvidence evidence,
            BaselineHistory history,
            TaskListener log)
            throws IOException {
        RolloutEngine engine = plan.engine();
        Run<?, ?> run = action.getRun();
        Step first = engine.start(
                run.getExternalizableId(),
                plan.endpointName(),
                candidate,
                startedBy,
                services.clock().instant(),
                history);
        AuditTrail audit = AuditTrail.open(action.directory());
        LiveRollout live = new LiveRollout(action, plan, engine, services, router, metrics, audit, first.state());
        // Before anything is recorded or moves: a missing credential or an unknown sink stops the step here.
        live.notifications =
                RolloutNotifications.listener(plan, run, run.getUrl() + action.getUrlName() + "/", null, live::say);
        live.attach(log);
        plan.note().ifPresent(live::say);
        // the tier right after the start, as the command line records it
        RolloutDriver.Listener recording = TierRecording.recordedAfterStart(live, plan.tier());
        first.events().forEach(recording::recorded);
        if (!evidence.isEmpty()) {
            // Recorded before anything moves, so the chain vouches for the files as they were at the start.
            audit.keep(evidence.attachments());
            live.recorded(Attachments.event(first.events().get(0).at(), evidence.lineage(), evidence.attachments()));
        }
        live.saved(first.state());
        live.runSoon(services);
        return live;
    }

    /** Picks a rollout up again from its saved state, e.g. after a restart; a rollout under way carries on. */
    static LiveRollout resume(
            RolloutAction action,
            RolloutPlan plan,
            RolloutServices services,
            TrafficRouter router,
            MetricsSource metrics,
            RolloutState saved)
            throws IOException {
        AuditTrail audit = AuditTrail.open(action.directory());
        LiveRollout live = new LiveRollout(action, plan, plan.engine(), services, router, metrics, audit, saved);
        Run<?, ?> run = action.getRun();
        try {
            live.notifications = RolloutNotifications.listener(
                    plan, run, run.getUrl() + action.getUrlName() + "/", saved.subject(), live::say);
        } catch (AbortException e) {
            // A resumed rollout goes on; only its notifications are lost, and the log says why.
            live.say("notifications are off for this rollout after the restart: " + e.getMessage());
        }
        if (!saved.phase().isResting()) {
            live.runSoon(services);
        }
        return live;
    }

    private void runSoon(RolloutServices services) {
        services.scheduler()
                .schedule(() -> guarded(driver::run), services.clock().instant());
    }

    RolloutState state() {
        return latest;
    }

    /** The build's record of this rollout, where its sign-offs are taken. */
    RolloutAction action() {
        return action;
    }

    /** Whether a shift or rollback is being written to the router now; a step's {@code blocksRestart()}. */
    boolean writingToRouter() {
        return routerWrites.get() > 0;
    }

    /** The router, counting the writes under way. */
    private final class CountedWrites implements TrafficRouter {
        private final TrafficRouter router;

        CountedWrites(TrafficRouter router) {
            this.router = router;
        }

        @Override
        public TrafficSplit current() throws TrafficException {
            return router.current();
        }

        @Override
        public TrafficSplit shift(String candidate, int canaryWeight) throws TrafficException {
            routerWrites.incrementAndGet();
            try {
                return router.shift(candidate, canaryWeight);
            } finally {
                routerWrites.decrementAndGet();
            }
        }

        @Override
        public TrafficSplit mirror(String candidate, int mirrorPercent) throws TrafficException {
            routerWrites.incrementAndGet();
            try {
                return router.mirror(candidate, mirrorPercent);
            } finally {
                routerWrites.decrementAndGet();
            }
        }

        @Override
        public boolean canMirror() {
            return router.canMirror();
        }

        @Override
        public String describe() {
            return router.describe();
        }
    }

    RolloutPlan plan() {
        return plan;
    }

    Report report() {
        return audit.report();
    }

    /** Where the rollout is, in words; what the steps' {@code getStatus()} say. */
    String status(RolloutServices services) {
        int quorum = plan.rules().map(r -> r.quorum()).orElse(0);
        return StatusText.of(
                latest,
                plan.policy().stageCount(),
                quorum,
                plan.rules(),
                services.clock().instant());
    }

    /** The full report's address, for a step's result. */
    String reportUrl() {
        return action.reportUrl();
    }

    /** Prints the rollout's lines to this build log too (a step's, while it waits). */
    void attach(TaskListener log) {
        if (!logs.contains(log)) {
            logs.add(log);
        }
    }

    void detach(TaskListener log) {
        logs.remove(log);
    }

    /** A person's or a step's request; see {@link RolloutDriver#submit}. */
    Optional<String> submit(Input input) {
        return driver.submit(input);
    }

    /** Tells {@code waiter} of every rest from now on, and at once if the rollout is resting already. */
    void await(Waiter waiter) {
        waiters.addIfAbsent(waiter);
        RolloutState now = latest;
        if (now.phase().isResting() && waiter.settle(now)) {
            waiters.remove(waiter);
        }
    }

    /** Prints a line that is not an event (a note about the plan, a released hold) to the attached logs. */
    void say(String text) {
        print(LogLines.note(text));
    }

    @Override
    public void recorded(RolloutEvent event) {
        print(LogLines.format(event));
        notifications.recorded(event);
        if (event instanceof RolloutEvent.GateOpened gate) {
            linkToSignOff(gate);
        }
        try {
            audit.append(event);
        } catch (IOException e) {
            // The move already happened; the rollout must go on, and people must know the record has a gap.
            warn("could not write the evidence file: " + e.getMessage(), e);
        }
    }

    @Override
    public void saved(RolloutState state) {
        latest = state;
        waiters.forEach(waiter -> waiter.observed(state));
        notifications.saved(state);
        try {
            action.persist(state, audit.head());
        } catch (IOException e) {
            warn("could not save the rollout's state with the build: " + e.getMessage(), e);
        }
        try {
            audit.writeReport();
        } catch (IOException e) {
            warn("could not write the report: " + e.getMessage(), e);
        }
    }

    @Override
    public void rested(RolloutState state) {
        latest = state;
        if (!audit.sealed()) {
            seal(state);
        }
        if (firstTimeAt(state)) {
            if (FINISHED.contains(state.phase())) {
                EndpointLocks.get().release(plan.endpointName(), action.getRun());
            }
        }
        for (Waiter waiter : waiters) {
            if (waiter.settle(state)) {
                waiters.remove(waiter);
            }
        }
    }

    /**
     * At rest: writes the evidence pack, whose manifest's digest goes into the evidence, closes the evidence with a seal
     * (keyed with the configured seal key, if any), keeps its head with the build and in the report, and tells the log.
     * A seal key that cannot be used does not stop the seal: the file is sealed without a key and the log says why,
     * naming the credential, never its secret. A pack that cannot be written does not stop it either.
     */
    private void seal(RolloutState state) {
        Optional<SealKey> key = CredentialResolver.configuredSealKey(this::say);
        try {
            audit.pack(state.phaseSince(), key, action.policyText(), PackEndpointSettings.of(plan.endpoint()))
                    .ifPresent(packed -> print(LogLines.format(packed)));
        } catch (IOException | RuntimeException e) {
            warn("could not write the evidence pack: " + e.getMessage(), e);
        }
        try {
            action.persist(state, audit.seal(state.phaseSince(), key));
            say(audit.headLine());
        } catch (IOException e) {
            warn("could not seal the evidence file: " + e.getMessage(), e);
        }
        try {
            audit.writeReport();
        } catch (IOException e) {
            warn("could not write the report: " + e.getMessage(), e);
        }
    }

    private synchronized boolean firstTimeAt(RolloutState state) {
        String rest = state.phase() + "@" + state.phaseSince();
        if (rest.equals(lastRest)) {
            return false;
        }
        lastRest = rest;
        return true;
    }

    /**
     * Runs a driver task; an error no rollout should meet fails the waiting steps instead of vanishing in the timer. An
     * {@code Error} (out of memory, a linkage problem) fails them too, and is then thrown on.
     */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            broke(e);
        } catch (Error e) {
            broke(e);
            throw e;
        }
    }

    private void broke(Throwable e) {
        warn("the rollout stopped on an internal error: " + e, e);
        for (Waiter waiter : waiters) {
            waiter.broke(e);
            waiters.remove(waiter);
        }
    }

    /** As the input step does: a link in the console to where people decide. */
    private void linkToSignOff(RolloutEvent.GateOpened gate) {
        String url = "/" + action.getRun().getUrl() + action.getUrlName() + "/";
        for (TaskListener log : logs) {
            try {
                log.getLogger().print(LogLines.PREFIX);
                log.hyperlink(url, "Approve or reject: " + gate.purpose());
                log.getLogger().println();
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.FINE, "a build log no longer takes lines", e);
            }
        }
    }

    private void warn(String text, Throwable e) {
        LOGGER.log(Level.WARNING, "ML Rollout on " + plan.endpointName() + ": " + text, e);
        say("WARNING: " + text);
    }

    private void print(String line) {
        for (TaskListener log : logs) {
            try {
                log.getLogger().println(line);
            } catch (RuntimeException e) {
                // A log whose build has ended; the evidence file still has the line.
                LOGGER.log(Level.FINE, "a build log no longer takes lines", e);
            }
        }
    }
}
