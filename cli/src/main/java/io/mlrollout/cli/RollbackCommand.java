package io.mlrollout.cli;

import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.http.Backoff;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mlrollout rollback}: all traffic back to the baseline now. With a state file the rollout rolls back through
 * the engine (recorded in its evidence); without one the endpoint's router is set to 0% directly. Both are idempotent.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "rollback",
        description = {
            "Returns all traffic to the baseline now, idempotently.",
            "With --state (and --policy) the rollout in the state file rolls back and the evidence records it; without"
                    + " --state the endpoint's router is read, set to 0%% to the canary and read back.",
            "Exit 0 when all traffic is on the baseline, 3 when the router could not be moved."
        })
final class RollbackCommand extends CommandBase {

    /** How often a split that is not ready yet is read again. */
    private static final Duration READINESS_POLL = Duration.ofSeconds(5);

    @Option(names = "--endpoint", required = true, paramLabel = "FILE", description = "the endpoint file")
    Path endpoint;

    @Option(names = "--state", paramLabel = "FILE", description = "the rollout's state file, if there is a rollout")
    Path state;

    @Option(names = "--policy", paramLabel = "FILE", description = "the rollout policy; required with --state")
    Path policy;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            defaultValue = "requested from the command line",
            description = "why, for the evidence and the log (default: ${DEFAULT-VALUE})")
    String reason;

    @Option(
            names = "--by",
            paramLabel = "USER",
            description = "who asks for the rollback; default: the CI's actor, else $USER")
    String by;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            description = "without a state file: how long the split may take to become ready (default 5m)")
    String timeout;

    @Mixin
    SealKeyOption sealKey = new SealKeyOption();

    /** A bad key file is refused before any traffic moves, not when the rollout comes to rest. */
    @Override
    void checkInputs() throws InputException {
        sealKey.key(env);
    }

    private final Backoff.Sleeper sleeper;

    RollbackCommand(Environment env, Backoff.Sleeper sleeper) {
        super(env);
        this.sleeper = sleeper;
    }

    @Override
    int run() throws InputException, IOException, TrafficException, InterruptedException {
        if (state != null) {
            if (policy == null) {
                throw new InputException("", "--policy", "is required with --state (the rollout runs under it)");
            }
            return rollBackRollout();
        }
        return rollBackEndpoint();
    }

    private int rollBackRollout() throws InputException, IOException, InterruptedException {
        try {
            return rollBackRecorded();
        } catch (HeldLock.Busy inUse) {
            throw inUse; // a command drives the rollout: stop it instead (it rolls back on Ctrl-C or SIGTERM)
        } catch (IOException unrecordable) {
            // The rollout's files cannot be continued; the router can still be moved, and that comes first.
            throw new IOException(unrecordable.getMessage() + ". To move all traffic back to the baseline now, without"
                    + " the rollout's files: mlrollout rollback --endpoint " + endpoint);
        }
    }

    private int rollBackRecorded() throws InputException, IOException, InterruptedException {
        try (Session session = Session.open(policy, endpoint, state, err())) {
            RolloutState saved = session.requireState();
            var router = Connectors.router(session.endpoint, env, endpoint.toString());
            var metrics = Connectors.metrics(session.endpoint, env, endpoint.toString());
            RolloutState end;
            try (RolloutTime time = env.time().get()) {
                RolloutDriver.Listener listener = session.listener(new FileRecorder(session.files), out(), time, env);
                RolloutDriver driver = new RolloutDriver(
                        session.engine, router, metrics, time.clock(), time.scheduler(), listener, saved);
                driver.submit(new Input.RollbackRequested(
                        by != null ? by : env.actor(), reason, time.clock().instant()));
                end = session.runUntil(driver, time, s -> s.phase().isResting(), false, env.actor());
            }
            int code = new Wrapup(out(), policy, state, endpoint, sealKey.key(env)).report(session, end);
            // The rollback asked for is done: that is success for this command.
            return end.phase() == Phase.ROLLED_BACK ? ExitCodes.OK : code;
        }
    }

    private int rollBackEndpoint() throws InputException, TrafficException, InterruptedException {
        Duration limit;
        try {
            limit = Durations.parse(timeout);
        } catch (IllegalArgumentException bad) {
            throw new InputException("", "--timeout", bad.getMessage());
        }
        EndpointFile file = Inputs.endpoint(endpoint, err());
        TrafficRouter router = Connectors.router(file, env, endpoint.toString());
        TrafficSplit before = router.current();
        out().println(LogLines.note("router " + router.describe() + " reports " + before));
        TrafficSplit now = before;
        try {
            if (before.canaryWeight() != 0 || before.mirrorPercent() != 0) {
                // 0% with no mirror: a rollback also ends a shadow stage's mirror
                now = router.shift(before.canary(), 0);
                out().println(LogLines.note("asked for 0% to " + before.canary() + "; router reports " + now));
            }
            long deadline = System.nanoTime() + limit.toNanos();
            while (now.canaryWeight() == 0 && !now.ready() && System.nanoTime() < deadline) {
                sleeper.sleep(READINESS_POLL);
                now = router.current();
            }
        } catch (TrafficException failed) {
            // The traffic may still reach the canary: say it as loudly as a rollback that did not take.
            out().println(LogLines.note(
                    "ROLLBACK FAILED: " + failed.getMessage() + "; the router last reported " + now));
            return ExitCodes.INFRASTRUCTURE;
        }
        if (now.canaryWeight() != 0 || now.mirrorPercent() != 0 || !now.ready()) {
            out().println(LogLines.note("ROLLBACK FAILED: the router reports " + now + " after asking for 0%"));
            return ExitCodes.INFRASTRUCTURE;
        }
        out().println(LogLines.note(
                before.canaryWeight() == 0 && before.mirrorPercent() == 0 && before.ready()
                        ? "already rolled back: all traffic is on " + now.baseline()
                        : "ROLLED BACK: traffic now " + now + " (requested by " + (by != null ? by : env.actor()) + ": "
                                + reason + ")"));
        return ExitCodes.OK;
    }
}
