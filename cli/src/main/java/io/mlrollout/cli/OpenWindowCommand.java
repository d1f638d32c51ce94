package io.mlrollout.cli;

import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.signoff.Identity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlrollout open-window}: an administrator's override of the deployment window, the command line's "Open the
 * window now". The move that waits for the window (the next stage's shift, or the promotion) goes ahead now, and the
 * log and the evidence record who opened it and why.
 *
 * <p>Who may is the endpoint file's {@code schedule.overriders} (users or groups); like {@code approve}, the command
 * trusts {@code --user} and {@code --group}, so the CI must decide who may run it.
 *
 * <p>With the state file free, the command takes it, catches up with the looks that fell due, opens the window and
 * carries out the move up to the next wait, as {@code approve} carries out what a quorum sets off. While another
 * process drives the rollout (a {@code canary} or {@code promote} that waits for the window holds the state file), the
 * request is queued beside the state file for that process, which takes it at its next check; the command waits up to
 * {@code --wait} for the evidence to show what became of it.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "open-window",
        description = {
            "Opens the deployment window now for the move the rollout waits for (the next stage, or the promotion), as"
                    + " --user with --comment as the reason; only the endpoint file's schedule.overriders may. Recorded"
                    + " in the log and the evidence.",
            "When a canary or promote process drives the rollout, the request is queued for it and this command waits"
                    + " up to --wait for it to be taken.",
            "Exit 0 when the window opened, 2 when the request is refused (with the reason), 3 when the running"
                    + " process did not take it within --wait (it stays queued)."
        })
final class OpenWindowCommand extends StatefulCommand {

    /** How often a queued request is looked at while the command waits for the running process to take it. */
    static final Duration CHECK = Duration.ofMillis(250);

    @Option(names = "--user", required = true, paramLabel = "ID", description = "who opens the window")
    String user;

    @Option(names = "--group", paramLabel = "GROUP", description = "a group they belong to; repeatable")
    List<String> groups = new ArrayList<>();

    @Option(
            names = "--comment",
            paramLabel = "TEXT",
            defaultValue = "",
            description = "why the window opens early: the decision record (required)")
    String comment;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            defaultValue = "1m",
            description = "when another process drives the rollout: how long to wait for it to take the request"
                    + " (default 1m)")
    String waitText;

    private Duration wait;

    OpenWindowCommand(Environment env) {
        super(env);
    }

    @Override
    void checkInputs() throws InputException {
        super.checkInputs();
        Inputs.requirePerson("--user", user, "who opens the window");
        if (comment == null || comment.isBlank()) {
            throw new InputException(
                    "", "--comment", "is required: say why the window opens early; it is recorded in the evidence");
        }
        try {
            wait = Durations.parse(waitText);
        } catch (IllegalArgumentException bad) {
            throw new InputException("", "--wait", bad.getMessage());
        }
    }

    private Identity identity() {
        return new Identity(user, Set.copyOf(groups), false);
    }

    @Override
    int run() throws InputException, IOException, InterruptedException {
        Session session;
        try {
            session = Session.open(policy, endpoint, state, err());
        } catch (HeldLock.Busy busy) {
            if (!busy.file().equals(Session.stateLockFile(state))) {
                throw busy; // another state file of this endpoint is in use: nothing drives this one
            }
            return queueForRunningProcess(busy);
        }
        try (session) {
            return openHere(session);
        }
    }

    /** No other process drives the rollout: open the window here, and carry out the move up to the next wait. */
    private int openHere(Session session) throws InputException, IOException, InterruptedException {
        authorize(session.endpoint);
        RolloutState saved = session.requireState();
        requireWaiting(saved);
        var router = Connectors.router(session.endpoint, env, endpoint.toString());
        var metrics = Connectors.metrics(session.endpoint, env, endpoint.toString());
        RolloutState end;
        try (RolloutTime time = env.time().get()) {
            RolloutDriver.Listener listener = session.listener(new FileRecorder(session.files), out(), time, env);
            RolloutDriver driver =
                    new RolloutDriver(session.engine, router, metrics, time.clock(), time.scheduler(), listener, saved);
            // First the looks that fell due while no process ran: a regression rolls back, a window that opened on
            // time lets the move go ahead by itself.
            RolloutState caughtUp = session.runUntil(driver, time, s -> true, true, user);
            if (caughtUp.phase() != Phase.WAITING_FOR_WINDOW) {
                out().println(LogLines.note("open the window by " + user
                        + " not applied: while no mlrollout process ran, the rollout moved on; it is now "
                        + caughtUp.phase().inWords()));
                end = caughtUp;
            } else {
                Optional<String> refused = driver.submit(
                        new Input.OpenWindow(user, comment.trim(), time.clock().instant()));
                if (refused.isPresent()) {
                    throw new InputException("", "open-window", refused.get());
                }
                // The move goes ahead now (a shift, the promotion), up to the next wait.
                end = session.runUntil(driver, time, OpenWindowCommand::waitingOrResting, false, user);
            }
        }
        int code = finish(session, end);
        return end.phase() == Phase.BAKING || end.phase() == Phase.WATCHING ? ExitCodes.OK : code;
    }

    private static boolean waitingOrResting(RolloutState state) {
        return state.phase().isResting()
                || state.phase() == Phase.BAKING
                || state.phase() == Phase.WATCHING
                || state.phase() == Phase.AWAITING_SIGNOFF
                || state.phase() == Phase.WAITING_FOR_WINDOW;
    }

    /**
     * A canary or promote holds the state file: the request is checked here, queued beside the state file, and taken
     * by that process at its next check. Waits up to --wait for the evidence to show the outcome.
     */
    private int queueForRunningProcess(HeldLock.Busy busy) throws InputException, IOException, InterruptedException {
        // Read again only to check who asks; the session that failed printed the file's notes already.
        EndpointFile endpointFile = Inputs.endpoint(endpoint, new PrintWriter(new StringWriter()));
        authorize(endpointFile);
        RolloutFiles files = RolloutFiles.beside(state);
        RolloutState saved;
        try {
            saved = files.readState()
                    .orElseThrow(() -> new InputException(
                            "", "--state", "no rollout in " + state + "; start one with mlrollout canary"));
        } catch (IllegalArgumentException notAState) {
            throw new InputException("", "--state", state + ": " + notAState.getMessage());
        }
        if (!saved.subject().endpoint().equals(endpointFile.name())) {
            throw new InputException(
                    "",
                    "--state",
                    state + " holds a rollout on '" + saved.subject().endpoint() + "', not on the endpoint file's '"
                            + endpointFile.name() + "'");
        }
        requireWaiting(saved);
        Path file = files.windowRequest();
        int eventsBefore = files.eventsWrittenSoFar().size();
        try (RolloutTime time = env.time().get()) {
            Instant now = time.clock().instant();
            WindowRequests.Request request = new WindowRequests.Request(
                    UUID.randomUUID().toString(),
                    user,
                    groups,
                    comment.trim(),
                    now,
                    saved.subject().rolloutId(),
                    saved.window().since(),
                    waitingMove(files).orElse(null));
            try {
                WindowRequests.queue(file, request);
            } catch (WindowRequests.AlreadyQueued queued) {
                throw new InputException(
                        "",
                        "open-window",
                        queued.queued()
                                        .map(other -> "a request to open the window by " + other.by() + " (queued at "
                                                + Format.moment(other.at()) + ") waits in " + file)
                                        .orElse("a request to open the window waits in " + file)
                                + " for the process that drives the rollout; it takes one request at a time");
            }
            out().println(LogLines.note("another mlrollout process drives the rollout in " + state + " (it holds "
                    + busy.file() + "); the request to open the window is queued for it in " + file));
            out().flush();
            Optional<RolloutEvent> outcome = awaitOutcome(time, files, request, eventsBefore, now.plus(wait));
            if (outcome.isEmpty()) {
                err().println("mlrollout open-window: the running process did not take the request within "
                        + Durations.format(wait) + ". It stays queued in " + file + ": that process takes it at its"
                        + " next check, or the next command on " + state + " does while the rollout still waits for"
                        + " the same window (otherwise it is discarded, and the evidence says why). See where it"
                        + " stands with: mlrollout status --state " + state);
                return ExitCodes.INFRASTRUCTURE;
            }
            out().println(LogLines.format(outcome.get()));
            if (outcome.get() instanceof RolloutEvent.Ignored ignored) {
                throw new InputException("", "open-window", "the running process refused it: " + ignored.reason());
            }
            out().println("The deployment window is open: the process that drives the rollout goes on with "
                    + ((RolloutEvent.WindowOpened) outcome.get()).move() + ". Follow it in that process's log, or"
                    + " with: mlrollout status --state " + state);
            return ExitCodes.OK;
        }
    }

    /**
     * Waits until the running process has taken the request (the file is gone or holds another one) and the evidence
     * shows what became of it, or until {@code deadline}: checks every {@link #CHECK} on the command's own clock.
     */
    private static Optional<RolloutEvent> awaitOutcome(
            RolloutTime time, RolloutFiles files, WindowRequests.Request request, int eventsBefore, Instant deadline)
            throws InterruptedException {
        AtomicReference<RolloutEvent> outcome = new AtomicReference<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (taken(files.windowRequest(), request)) {
                    try {
                        outcomeIn(files.eventsWrittenSoFar(), eventsBefore, request)
                                .ifPresent(outcome::set);
                    } catch (IOException | RuntimeException beingWritten) {
                        // Read again at the next check.
                    }
                }
                if (outcome.get() == null && time.clock().instant().isBefore(deadline)) {
                    time.scheduler().schedule(this, time.clock().instant().plus(CHECK));
                }
            }
        };
        time.scheduler().schedule(check, time.clock().instant());
        time.runUntil(() -> outcome.get() != null || !time.clock().instant().isBefore(deadline));
        return Optional.ofNullable(outcome.get());
    }

    private static boolean taken(Path file, WindowRequests.Request request) {
        try {
            return WindowRequests.read(file)
                    .map(queued -> !queued.id().equals(request.id()))
                    .orElse(true);
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** The event that settled the request: the window opened by its author, or its refusal. */
    static Optional<RolloutEvent> outcomeIn(
            List<RolloutEvent> events, int eventsBefore, WindowRequests.Request request) {
        for (RolloutEvent event : events.subList(Math.min(eventsBefore, events.size()), events.size())) {
            if (event instanceof RolloutEvent.WindowOpened opened
                    && request.by().equals(opened.openedBy())
                    && request.comment().equals(opened.comment())) {
                return Optional.of(event);
            }
            if (event instanceof RolloutEvent.Ignored ignored
                    && ignored.request().equals(WindowRequests.requestText(request.by()))) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    private void authorize(EndpointFile endpointFile) throws InputException {
        Optional<String> refused = WindowRequests.refusal(endpointFile, identity());
        if (refused.isPresent()) {
            throw new InputException("", "--user", refused.get());
        }
    }

    private void requireWaiting(RolloutState saved) throws InputException {
        if (saved.phase() != Phase.WAITING_FOR_WINDOW) {
            throw new InputException(
                    "",
                    "open-window",
                    "nothing waits for the deployment window: the rollout in " + state + " is "
                            + saved.phase().inWords()
                            + (saved.stageIndex() >= 0 && !saved.phase().isResting()
                                    ? " at stage " + (saved.stageIndex() + 1) + " (" + saved.canaryWeight() + "%)"
                                    : "")
                            + "; open-window applies only while a move waits for the window");
        }
    }

    /** What waits, as the last window-waiting event says, e.g. {@code stage 2/2 (50%)}. */
    private static Optional<String> waitingMove(RolloutFiles files) throws IOException {
        String move = null;
        for (RolloutEvent event : files.eventsWrittenSoFar()) {
            if (event instanceof RolloutEvent.WindowWaiting waiting) {
                move = waiting.move();
            }
        }
        return Optional.ofNullable(move);
    }
}
