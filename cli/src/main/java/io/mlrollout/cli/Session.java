package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.Sha256;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.notify.NotificationListener;
import io.mlrollout.core.notify.NotificationSink;
import io.mlrollout.core.notify.Notifier;
import io.mlrollout.core.notify.SinkSpec;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.NotificationsSection;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.RollbackSettings;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.signoff.ApproverMatcher;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.traffic.TrafficRouter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * One command's hold on a rollout kept in a state file: the policy and the endpoint it runs under, its files, and
 * exclusive use of them while the command runs (a second process on the same state file is refused).
 */
final class Session implements AutoCloseable {

    final Policy policy;
    /** The tier the facts chose when the rollout started; empty when neither the policy nor the endpoint has tiers. */
    final Optional<TierDecision> tier;

    final EndpointFile endpoint;
    final RolloutEngine engine;
    final RolloutFiles files;
    final Path policyFile;
    final Path endpointFile;
    private final HeldLock stateLock;
    private final HeldLock endpointLock;
    private volatile boolean stoppedBySignal;
    /** How long a closing command lets queued notifications go out. */
    private static final Duration NOTIFICATION_FLUSH = Duration.ofSeconds(10);
    /** Sends this command's notifications, when the endpoint has sinks. */
    private ScheduledExecutorService notifications;
    /** This command's notifier, whose deliveries (retries included) {@link #close} lets finish. */
    private Notifier notifier;
    /** Listened to from the start, so a signal during the first shift is not missed. */
    private final StopSignal stopSignal;
    /**
     * The files, the console and the sinks of this command's {@link #listener}: where a queued request to open the
     * window that is discarded is recorded. Null until the listener is made.
     */
    private volatile RolloutDriver.Listener recording;

    private Session(
            Policy policy,
            Optional<TierDecision> tier,
            Path policyFile,
            EndpointFile endpoint,
            Path endpointFile,
            Optional<SignOffRules> rules,
            RolloutFiles files)
            throws IOException {
        this.policy = policy;
        this.tier = tier;
        this.policyFile = policyFile;
        this.endpoint = endpoint;
        this.endpointFile = endpointFile;
        this.engine = new RolloutEngine(
                policy,
                rules,
                ApproverMatcher.CASE_INSENSITIVE,
                policy.schedule().with(endpoint.calendar()));
        this.files = files;
        this.stateLock =
                HeldLock.take(stateLockFile(files.state()), files.state() + " is in use by another mlrollout process");
        try {
            this.endpointLock = HeldLock.take(
                    endpointLockFile(files.state(), endpoint.name()),
                    "endpoint '" + endpoint.name() + "' is in use by another mlrollout process on another state file"
                            + " in " + files.state().toAbsolutePath().getParent()
                            + "; one rollout per endpoint at a time");
        } catch (IOException | RuntimeException e) {
            stateLock.close();
            throw e;
        }
        this.stopSignal = StopSignal.listen();
    }

    /** The lock the command that drives the rollout in {@code stateFile} holds. */
    static Path stateLockFile(Path stateFile) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".lock");
    }

    /**
     * The lock every command on a rollout of {@code endpoint} holds, beside its state files, so two rollouts of one
     * endpoint kept in one folder never run at once (the router check in {@code canary} covers other folders).
     */
    static Path endpointLockFile(Path stateFile, String endpoint) {
        String safe = endpoint.replaceAll("[^A-Za-z0-9._-]", "_");
        return stateFile.toAbsolutePath().resolveSibling("mlrollout-endpoint-" + safe + ".lock");
    }

    /** Reads and combines the inputs, then takes the state file. */
    static Session open(Path policyFile, Path endpointFile, Path stateFile, PrintWriter notes)
            throws InputException, IOException {
        return open(Inputs.policy(policyFile), policyFile, endpointFile, stateFile, notes);
    }

    /** As {@link #open(Path, Path, Path, PrintWriter)}, for a policy already read (a template's, kept in the file). */
    static Session open(Policy policy, Path policyFile, Path endpointFile, Path stateFile, PrintWriter notes)
            throws InputException, IOException {
        return open(policy, policyFile, endpointFile, stateFile, notes, Map.of());
    }

    /**
     * As above, with the facts a starting rollout states ({@code canary --fact}). The tier is chosen from them, or,
     * for a rollout that has started, from the facts its evidence recorded, so every later command applies the same
     * tier.
     */
    static Session open(
            Policy written,
            Path policyFile,
            Path endpointFile,
            Path stateFile,
            PrintWriter notes,
            Map<String, ?> stated)
            throws InputException, IOException {
        EndpointFile endpoint = Inputs.endpoint(endpointFile, notes);
        RolloutFiles files = RolloutFiles.beside(stateFile);
        Optional<TierDecision> tier =
                Inputs.tier(written, policyFile, endpoint, recordedFacts(files).orElse(stated));
        Policy policy =
                tier.map(decision -> TierChooser.apply(written, decision)).orElse(written);
        Optional<SignOffRules> rules = Inputs.combine(policy, policyFile, endpoint, tier);
        Files.createDirectories(stateFile.toAbsolutePath().getParent());
        return new Session(policy, tier, policyFile, endpoint, endpointFile, rules, files);
    }

    /** The facts a started rollout recorded in its evidence, if it stated any. */
    static Optional<Map<String, ?>> recordedFacts(RolloutFiles files) throws IOException {
        if (!Files.exists(files.evidence())) {
            return Optional.empty();
        }
        return files.events().stream()
                .filter(RolloutEvent.TierChosen.class::isInstance)
                .<Map<String, ?>>map(e -> ((RolloutEvent.TierChosen) e).facts())
                .findFirst();
    }

    /** The saved state; a file that is not a rollout state, or one of another endpoint, is bad input. */
    Optional<RolloutState> state() throws IOException, InputException {
        Optional<RolloutState> state;
        try {
            state = files.readState();
        } catch (IllegalArgumentException notAState) {
            throw new InputException("", "--state", files.state() + ": " + notAState.getMessage());
        }
        if (state.isPresent() && !state.get().subject().endpoint().equals(endpoint.name())) {
            throw new InputException(
                    "",
                    "--state",
                    files.state() + " holds a rollout on '"
                            + state.get().subject().endpoint() + "', not on the endpoint file's '" + endpoint.name()
                            + "'");
        }
        if (state.isPresent()) {
            requireSamePlan();
        }
        return state;
    }

    /**
     * The policy the rollout started with: the one given, once its digest matched the one the evidence recorded at the
     * start (the kept copy may have been edited since); else the kept copy, or the one given when none was kept (a
     * rollout started before either).
     */
    Path keptPolicy() throws IOException {
        if (recordedPolicy().isPresent() || !Files.exists(files.policyAtStart())) {
            return policyFile;
        }
        return files.policyAtStart();
    }

    /**
     * Keeps the policy file as it is now, as the rollout starts (see {@link RolloutFiles#policyAtStart()}), and returns
     * {@code listener} recording the copy's digest after the start event, so that a policy edited afterwards, the copy
     * included, is refused.
     */
    RolloutDriver.Listener keepPolicyAtStart(RolloutDriver.Listener listener) throws IOException {
        Files.copy(policyFile, files.policyAtStart(), StandardCopyOption.REPLACE_EXISTING);
        String sha256 = Sha256.hex(Files.readAllBytes(files.policyAtStart()));
        String kept = files.policyAtStart().getFileName().toString();
        return RolloutDriver.Listener.recordingAfterStart(
                listener, started -> new RolloutEvent.PolicyKept(started.at(), kept, sha256));
    }

    /** The digest of the policy the evidence recorded at the start, if this rollout recorded one. */
    private Optional<RolloutEvent.PolicyKept> recordedPolicy() throws IOException {
        if (!Files.exists(files.evidence())) {
            return Optional.empty();
        }
        return files.events().stream()
                .filter(RolloutEvent.PolicyKept.class::isInstance)
                .map(RolloutEvent.PolicyKept.class::cast)
                .findFirst();
    }

    /**
     * A rollout goes on under the policy it started with (a margin loosened in between would judge the rest of the
     * rollout by other rules than its evidence announced): the file whose digest its evidence recorded at the start;
     * for a rollout started before the digest was recorded, byte for byte its kept copy; before the copy was kept, the
     * same stages and metrics its evidence announced.
     */
    private void requireSamePlan() throws IOException, InputException {
        Path kept = files.policyAtStart();
        Optional<RolloutEvent.PolicyKept> recorded = recordedPolicy();
        if (recorded.isPresent()) {
            requireRecordedPolicy(recorded.get(), kept);
        } else if (Files.exists(kept) && Files.mismatch(kept, policyFile) != -1) {
            throw new InputException(
                    policyFile.toString(),
                    "",
                    "differs from the policy the rollout in " + files.state() + " started with, which is kept in "
                            + kept + "; go on with --policy " + kept + ", or start a new rollout with a new state"
                            + " file");
        }
        Optional<RolloutEvent.Started> started = files.events().stream()
                .filter(RolloutEvent.Started.class::isInstance)
                .map(RolloutEvent.Started.class::cast)
                .findFirst();
        if (started.isEmpty()) {
            return;
        }
        List<RolloutEvent.PlannedStage> stages = policy.stages().stream()
                .map(s -> new RolloutEvent.PlannedStage(s.weight(), s.bake(), s.signOff(), s.shadow()))
                .toList();
        List<String> metrics = policy.metrics().stream().map(MetricSpec::name).toList();
        if (!stages.equals(started.get().stages())
                || !metrics.equals(started.get().metrics())) {
            throw new InputException(
                    policyFile.toString(),
                    "",
                    "the policy's stages or metrics differ from the ones the rollout in " + files.state()
                            + " started with; resume it with the policy it started with, or start a new rollout"
                            + " with a new state file");
        }
    }

    /**
     * The policy given is the one whose digest the evidence recorded at the start. The kept copy is only a convenience:
     * when it was edited since, it is named as changed, and the file the rollout started with must be given instead.
     */
    private void requireRecordedPolicy(RolloutEvent.PolicyKept recorded, Path kept) throws IOException, InputException {
        if (Sha256.hex(Files.readAllBytes(policyFile)).equals(recorded.sha256())) {
            return;
        }
        String differs = "differs from the policy the rollout in " + files.state() + " started with";
        if (Files.exists(kept) && Sha256.hex(Files.readAllBytes(kept)).equals(recorded.sha256())) {
            throw new InputException(
                    policyFile.toString(),
                    "",
                    differs + ", which is kept in " + kept + "; go on with --policy " + kept
                            + ", or start a new rollout with a new state file");
        }
        throw new InputException(
                policyFile.toString(),
                "",
                differs + " (sha256 " + recorded.sha256() + ", recorded in " + files.evidence() + "), and the copy"
                        + " kept in " + kept + " was changed or removed after the start: give the policy file the"
                        + " rollout started with, or start a new rollout with a new state file");
    }

    /** The state, or bad input telling how to start a rollout when there is none. */
    RolloutState requireState() throws IOException, InputException {
        return state().orElseThrow(() -> new InputException(
                "", "--state", "no rollout in " + files.state() + "; start one with mlrollout canary"));
    }

    /** The recorder of this session's files, and a console that wakes {@code time} after every step. */
    RolloutDriver.Listener listener(FileRecorder recorder, PrintWriter out, RolloutTime time, Environment env)
            throws InputException, IOException {
        List<NotificationSink> sinks = notificationSinks(env);
        if (sinks.isEmpty()) {
            recording = Listeners.of(recorder, new Console(out, policy, time::changed));
            return recording;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "mlrollout-notifications");
            thread.setDaemon(true);
            return thread;
        });
        notifications = executor;
        notifier = new Notifier(
                sinks,
                HttpSettings.DEFAULT,
                executor,
                line -> out.println(LogLines.note(line)),
                Notifier.DEFAULT_CAPACITY);
        RolloutState.Subject resumed =
                files.readState().map(RolloutState::subject).orElse(null);
        recording = Listeners.of(
                recorder,
                new Console(out, policy, time::changed),
                new NotificationListener(
                        notifier,
                        resumed,
                        Optional.empty(),
                        endpoint.notifications().escalationContacts()));
        return recording;
    }

    /** The endpoint's sinks with the policy's additions, their URLs read now: a missing one is refused at once. */
    private List<NotificationSink> notificationSinks(Environment env) throws InputException {
        List<SinkSpec> specs = endpoint.notifications().sinks();
        try {
            return NotificationsSection.combine(
                    endpoint.notifications(),
                    policy.notifications(),
                    endpoint.name(),
                    spec -> SinkUrls.resolve(spec, specs.indexOf(spec), env));
        } catch (PolicyException e) {
            throw new InputException(
                    policyFile.toString(),
                    e.errors().stream().map(InputError::from).toList());
        } catch (SinkUrls.SinkUrlMissing e) {
            throw new InputException("", e.field, endpointFile + ": " + e.getMessage());
        }
    }

    /**
     * Resumes a rollout from its saved state and runs it until {@code stop} holds for its state: the first run
     * catches up with everything that fell due while no process ran (the bake clock is absolute).
     */
    RolloutState resume(
            RolloutState saved,
            TrafficRouter router,
            MetricsSource metrics,
            RolloutTime time,
            RolloutDriver.Listener listener,
            Predicate<RolloutState> stop,
            String actor)
            throws InterruptedException {
        RolloutDriver driver =
                new RolloutDriver(engine, router, metrics, time.clock(), time.scheduler(), listener, saved);
        return runUntil(driver, time, stop, true, actor);
    }

    /**
     * Runs a driver until {@code stop} holds; with {@code kick}, its first run is scheduled now. A stop signal (Ctrl-C,
     * SIGTERM) ends the wait: with the policy's {@code rollback.onAbort: rollback} the rollout is aborted by {@code
     * actor} and rolled back first; with {@code hold} traffic stays where it is and the state can be resumed.
     */
    RolloutState runUntil(
            RolloutDriver driver, RolloutTime time, Predicate<RolloutState> stop, boolean kick, String actor)
            throws InterruptedException {
        AtomicBoolean ran = new AtomicBoolean(!kick);
        stopSignal.wakes(time::changed);
        WindowRequests.Pickup pickup = recording == null
                ? null
                : new WindowRequests.Pickup(files.windowRequest(), endpoint, driver, recording, time);
        try {
            if (kick) {
                time.scheduler()
                        .schedule(
                                () -> {
                                    driver.run();
                                    ran.set(true);
                                },
                                time.clock().instant());
            }
            if (pickup != null) {
                // After the kick: the looks that fell due first, then a request queued by open-window.
                pickup.start();
            }
            time.runUntil(() -> stopSignal.arrived() || (ran.get() && stop.test(driver.state())));
            if (stopSignal.arrived() && !driver.state().phase().isResting()) {
                stoppedBySignal = true;
                if (policy.rollback().onAbort() == RollbackSettings.OnAbort.ROLLBACK) {
                    driver.submit(new Input.AbortRequested(
                            actor + " (Ctrl-C or SIGTERM)", time.clock().instant()));
                    time.runUntil(() -> driver.state().phase().isResting());
                }
            }
        } finally {
            if (pickup != null) {
                pickup.stop();
            }
            stopSignal.wakes(() -> {});
        }
        return driver.state();
    }

    /** Whether a stop signal ended the last {@link #runUntil} before the rollout came to rest. */
    boolean stoppedBySignal() {
        return stoppedBySignal;
    }

    /** Where a run of canary or promote stops: at rest, or when people must sign. */
    static boolean restingOrAwaitingSignOff(RolloutState state) {
        return state.phase().isResting() || state.phase() == Phase.AWAITING_SIGNOFF;
    }

    EvidenceLog evidence() throws IOException {
        return files.openEvidence();
    }

    @Override
    public void close() throws IOException {
        if (notifications != null) {
            // What is queued is still sent, retries included (a rollback's notice matters most, and it is the last).
            try {
                notifier.awaitDelivered(NOTIFICATION_FLUSH);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            notifications.shutdown();
        }
        try {
            stopSignal.close();
            endpointLock.close();
        } finally {
            stateLock.close();
        }
    }
}
