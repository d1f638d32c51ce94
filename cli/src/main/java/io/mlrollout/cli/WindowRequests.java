package io.mlrollout.cli;

import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.signoff.ApproverMatcher;
import io.mlrollout.core.signoff.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Requests to open the deployment window early ({@code mlrollout open-window}) for a rollout that another process
 * drives. That process holds the state file's lock, so the command leaves its request beside the state file, {@code
 * rollout.open-window.json}; the process picks it up at its next check ({@link Pickup}, every {@link #POLL}) and
 * submits it to the engine as {@link Input.OpenWindow}, as Jenkins' "Open the window now" does.
 *
 * <p>One request is queued at a time: a second is refused while one waits. A request names the wait it is for (the
 * rollout, and when its wait began), so a request that was applied can never open a later wait, and one that comes too
 * late is discarded. The evidence records what became of every request: the window opened by its author, or an {@code
 * ignored} event with the reason.
 */
final class WindowRequests {

    /** How often the process that drives a rollout looks for a queued request. */
    static final Duration POLL = Duration.ofSeconds(1);

    private WindowRequests() {}

    /**
     * A request, as {@code open-window} writes it.
     *
     * @param id tells this request from a later one in the same file
     * @param by who asks ({@code --user})
     * @param groups their groups ({@code --group})
     * @param comment why the window opens early
     * @param at when the request was made, by the command's clock
     * @param rolloutId the rollout it is for
     * @param waitingSince when the wait it is for began
     * @param move what waits, e.g. {@code stage 2/2 (50%)}, for messages
     */
    record Request(
            String id,
            String by,
            List<String> groups,
            String comment,
            Instant at,
            String rolloutId,
            Instant waitingSince,
            String move) {

        Request {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        Identity identity() {
            return new Identity(by, Set.copyOf(groups), false);
        }
    }

    /** A request is queued already; it is the one that will be taken. */
    static final class AlreadyQueued extends Exception {

        private static final long serialVersionUID = 1L;

        private final transient Optional<Request> queued;

        AlreadyQueued(Optional<Request> queued) {
            super("a request to open the window is queued already");
            this.queued = queued;
        }

        Optional<Request> queued() {
            return queued;
        }
    }

    /** What the evidence's {@code ignored} events name, as the engine names a refused request. */
    static String requestText(String by) {
        return "open the window by " + by;
    }

    /**
     * Why {@code who} may not open the deployment window of {@code endpoint} early, if they may not: only the users and
     * groups its endpoint file lists under {@code schedule.overriders} may.
     */
    static Optional<String> refusal(EndpointFile endpoint, Identity who) {
        List<String> overriders = endpoint.windowOverriders();
        if (overriders.isEmpty()) {
            return Optional.of("nobody may open the deployment window of '" + endpoint.name() + "' early from the"
                    + " command line: its endpoint file lists no schedule.overriders (the users and groups who may)");
        }
        if (!ApproverMatcher.CASE_INSENSITIVE.isApprover(overriders, who)) {
            return Optional.of(who.userId()
                    + (who.groups().isEmpty()
                            ? ""
                            : " (groups "
                                    + String.join(
                                            ", ", who.groups().stream().sorted().toList()) + ")")
                    + " may not open the deployment window of '" + endpoint.name() + "' early; its endpoint file's"
                    + " schedule.overriders are " + String.join(", ", overriders));
        }
        return Optional.empty();
    }

    /** Why the rollout as it is now does not wait for the window {@code request} was made for, if it does not. */
    static Optional<String> stale(Request request, RolloutState now) {
        if (!now.subject().rolloutId().equals(request.rolloutId())) {
            return Optional.of("it was made for rollout " + request.rolloutId() + ", and the state file holds rollout "
                    + now.subject().rolloutId());
        }
        if (now.phase() != Phase.WAITING_FOR_WINDOW) {
            return Optional.of("the rollout no longer waits for the deployment window (it is "
                    + now.phase().inWords() + " since " + now.phaseSince()
                    + ")");
        }
        if (!now.window().since().equals(request.waitingSince())) {
            return Optional.of("it was made for the wait that began at " + request.waitingSince()
                    + (request.move() == null ? "" : " (" + request.move() + ")")
                    + ", and the rollout now waits since "
                    + Format.moment(now.window().since()));
        }
        return Optional.empty();
    }

    /**
     * Queues {@code request} in {@code file}, atomically: the process that reads it sees all of it or nothing.
     *
     * @throws AlreadyQueued when a request is queued already (it is left as it is)
     */
    static void queue(Path file, Request request) throws IOException, AlreadyQueued {
        Path folder = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, Json.mapper().writeValueAsString(request) + "\n", StandardCharsets.UTF_8);
            try {
                // A link is made whole at once, and never over a file that exists: no request replaces another.
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException queued) {
                throw new AlreadyQueued(readQuietly(file));
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                if (Files.exists(file)) {
                    throw new AlreadyQueued(readQuietly(file));
                }
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notHere) {
                    Files.move(temporary, file);
                }
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The request queued in {@code file}, if there is one.
     *
     * @throws IOException when the file cannot be read or is not a request
     */
    static Optional<Request> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        Request request = Json.mapper().readValue(text, Request.class);
        if (request.id() == null || request.by() == null || request.by().isBlank() || request.at() == null) {
            throw new IOException("it lacks the request's id, author or time");
        }
        return Optional.of(request);
    }

    private static Optional<Request> readQuietly(Path file) {
        try {
            return read(file);
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Looks for a queued request while a command drives the rollout: once when it starts, then every {@link #POLL}
     * when the endpoint names people who may open its window (otherwise nobody can queue one, and the first look only
     * discards a request left from before). It runs on the rollout's scheduler, as the driver's own runs do.
     *
     * <p>A request is checked again here, with the endpoint file this process read: who asks, the comment, and that
     * the rollout still waits for the same window. One that passes is submitted to the engine as {@link
     * Input.OpenWindow}; one that does not is recorded as ignored, with the reason. Either way the file is then
     * removed. A process that dies in between leaves the file, and the next command finds the wait it was for over.
     */
    static final class Pickup implements Runnable {

        private final Path file;
        private final EndpointFile endpoint;
        private final RolloutDriver driver;
        private final RolloutDriver.Listener listener;
        private final RolloutTime time;
        private final boolean repeat;
        private volatile boolean active = true;

        Pickup(
                Path file,
                EndpointFile endpoint,
                RolloutDriver driver,
                RolloutDriver.Listener listener,
                RolloutTime time) {
            this.file = file;
            this.endpoint = endpoint;
            this.driver = driver;
            this.listener = listener;
            this.time = time;
            this.repeat = !endpoint.windowOverriders().isEmpty();
        }

        void start() {
            time.scheduler().schedule(this, time.clock().instant());
        }

        /** No more looks: the command stops driving the rollout. */
        void stop() {
            active = false;
        }

        @Override
        public void run() {
            if (!active) {
                return;
            }
            check();
            if (repeat && active) {
                time.scheduler().schedule(this, time.clock().instant().plus(POLL));
            }
        }

        private void check() {
            Instant now = time.clock().instant();
            Optional<Request> queued;
            try {
                queued = read(file);
            } catch (IOException unreadable) {
                discard(new RolloutEvent.Ignored(
                        now,
                        "open the window",
                        file + " is not a request to open the window (" + unreadable.getMessage()
                                + "); it is discarded"));
                return;
            }
            if (queued.isEmpty()) {
                return;
            }
            Request request = queued.get();
            Optional<String> refused = refusal(endpoint, request.identity())
                    .or(() -> request.comment() == null || request.comment().isBlank()
                            ? Optional.of("it has no comment")
                            : Optional.empty())
                    .or(() -> stale(request, driver.state()));
            if (refused.isPresent()) {
                discard(new RolloutEvent.Ignored(
                        now,
                        requestText(request.by()),
                        "the request queued at " + Format.moment(request.at()) + " is discarded: " + refused.get()));
                return;
            }
            // The engine records the window opened by its author, with the comment (or why it does not apply).
            driver.submit(new Input.OpenWindow(request.by(), request.comment().trim(), now));
            delete();
        }

        private void discard(RolloutEvent.Ignored why) {
            listener.recorded(why);
            // The state file names the evidence's head: saved again, it names the line just added.
            listener.saved(driver.state());
            delete();
        }

        private void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the request " + file + " once taken", e);
            }
        }
    }
}
