package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.time.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlrollout open-window}: an overrider lets a move that waits for the deployment window go ahead, recorded with
 * who and why; everyone else, a blank comment and a rollout that does not wait are refused with nothing changed. While
 * a canary drives the rollout the request is queued for it and taken at its next check, once.
 */
class OpenWindowCommandTest {

    /** Stage 1 at 10%, stage 2 at 50%; the simulated runs start on Monday 2026-11-23 at 10:00 UTC. */
    static final String POLICY = """
            endpoint: fraud-scorer
            stages:
              - {weight: 10, bake: 5m}
              - {weight: 50, bake: 5m}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, critical: true}
            promote: {bake: 2m}
            """;

    /** Closed until 10:30, so at 10:00 the first shift waits half an hour. */
    static final String SCHEDULE = """
            schedule:
              timeZone: UTC
              windows:
                - {days: [mon-fri], from: '10:30', to: '17:00'}
              overriders: [ops-lead, release-managers]
            """;

    static final String COMMENT = "hotfix for the fraud spike";

    @TempDir
    Path dir;

    private SimulatedEndpoint endpoint;
    private Path policy;
    private Path state;

    @BeforeEach
    void start() throws Exception {
        endpoint = new SimulatedEndpoint(Scenario.BASELINE.withName("v2"));
        policy = dir.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        state = dir.resolve("rollout").resolve("state.json");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private List<String> files(Path endpointFile) {
        return List.of(
                "--policy", policy.toString(), "--state", state.toString(), "--endpoint", endpointFile.toString());
    }

    private Cli.Result run(Environment env, Path endpointFile, String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(files(endpointFile));
        args.addAll(List.of(extra));
        return Cli.run(env, args.toArray(String[]::new));
    }

    private Cli.Result run(Path endpointFile, String command, String... extra) {
        return run(endpoint.environment(), endpointFile, command, extra);
    }

    /** Starts the rollout and leaves it waiting for the window, as a canary process that was stopped leaves it. */
    private Path waitingRollout(String schedule) throws Exception {
        Path endpointFile = endpoint.endpointFile(dir, "", schedule);
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(1)));
        Cli.Result canary = run(endpointFile, "canary", "--candidate", "v2");
        assertThat(canary.out())
                .as(canary.toString())
                .contains("waiting for the deployment window before stage 1/2 (10%): opens Mon 2026-11-23 10:30 UTC");
        assertThat(savedState().phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        return endpointFile;
    }

    private RolloutState savedState() throws Exception {
        return RolloutFiles.beside(state).readState().orElseThrow();
    }

    private List<RolloutEvent.WindowOpened> openings() throws Exception {
        return RolloutFiles.beside(state).events().stream()
                .filter(RolloutEvent.WindowOpened.class::isInstance)
                .map(RolloutEvent.WindowOpened.class::cast)
                .toList();
    }

    private List<RolloutEvent.WindowOpened> earlyOpenings() throws Exception {
        return openings().stream().filter(e -> e.openedBy() != null).toList();
    }

    private Path request() {
        return RolloutFiles.beside(state).windowRequest();
    }

    @Test
    void anOverriderOpensTheWindowAndTheFirstStageShiftsNow() throws Exception {
        Path endpointFile = waitingRollout(SCHEDULE);

        Cli.Result open = run(endpointFile, "open-window", "--user", "ops-lead", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.OK);
        assertThat(open.out())
                .contains("[ml-rollout] WINDOW OPENED EARLY by ops-lead for stage 1/2 (10%): \"" + COMMENT + "\"")
                .contains("Now baking; run mlrollout canary");
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
        assertThat(savedState().phase()).isEqualTo(Phase.BAKING);
        RolloutEvent.WindowOpened opened = earlyOpenings().get(0);
        assertThat(earlyOpenings()).hasSize(1);
        assertThat(opened.openedBy()).isEqualTo("ops-lead");
        assertThat(opened.comment()).isEqualTo(COMMENT);
        assertThat(opened.move()).isEqualTo("stage 1/2 (10%)");
        assertThat(opened.at()).isAfterOrEqualTo(SimulatedEndpoint.T0.plus(Duration.ofMinutes(1)));

        // The early opening was for stage 1 only: stage 2 waits for 10:30.
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(20)));
        Cli.Result canary = run(endpointFile, "canary");
        assertThat(canary.out()).contains("waiting for the deployment window before stage 2/2 (50%)");
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);

        Cli.Result status = Cli.run(endpoint.environment(), "status", "--state", state.toString());
        assertThat(status.out())
                .contains("window    opened early by ops-lead at " + opened.at() + " for stage 1/2 (10%): \"" + COMMENT
                        + "\"")
                .contains("window    waiting since ");
        assertThat(Files.readString(RolloutFiles.beside(state).reportHtml()))
                .contains("WINDOW OPENED EARLY by ops-lead for stage 1/2 (10%): &quot;" + COMMENT + "&quot;");
    }

    @Test
    void aMemberOfAnOverridingGroupMayOpenItAndAPromotionWaitingForTheWindowGoesAhead() throws Exception {
        // Open all day but for a freeze from 10:20, so the canary passes and the promotion waits.
        Path endpointFile = endpoint.endpointFile(dir, "", """
                schedule:
                  timeZone: UTC
                  freezes:
                    - {name: peak, from: '2026-11-23T10:20', to: '2026-11-24', reason: peak traffic}
                  overriders: [ops-lead, release-managers]
                """);
        Cli.Result canary = run(endpointFile, "canary", "--candidate", "v2");
        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(ExitCodes.OK);
        endpoint.pause(Duration.ofMinutes(15)).dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(40)));
        Cli.Result promote = run(endpointFile, "promote", "--by", "carol");
        assertThat(promote.out()).as(promote.toString()).contains("waiting for the deployment window before promotion");

        Cli.Result open =
                run(endpointFile, "open-window", "--user", "dana", "--group", "release-managers", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.OK);
        assertThat(open.out())
                .contains("WINDOW OPENED EARLY by dana for promotion to 100%: \"" + COMMENT + "\"")
                .contains("Now watching; run mlrollout promote");
        assertThat(savedState().phase()).isEqualTo(Phase.WATCHING);
        Cli.Result finish = run(endpointFile, "promote");
        assertThat(finish.exitCode()).as(finish.toString()).isEqualTo(ExitCodes.OK);
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(100);
    }

    @Test
    void someoneWhoIsNotAnOverriderIsRefusedAndNothingChanges() throws Exception {
        Path endpointFile = waitingRollout(SCHEDULE);
        String before = Files.readString(state);
        String evidence = Files.readString(RolloutFiles.beside(state).evidence());

        Cli.Result open =
                run(endpointFile, "open-window", "--user", "mallory", "--group", "ml-team", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(open.err())
                .contains("mlrollout open-window: bad input, nothing was changed:")
                .contains("--user: mallory (groups ml-team) may not open the deployment window of 'fraud-scorer'"
                        + " early; its endpoint file's schedule.overriders are ops-lead, release-managers");
        assertThat(Files.readString(state)).isEqualTo(before);
        assertThat(Files.readString(RolloutFiles.beside(state).evidence())).isEqualTo(evidence);
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
        assertThat(request()).doesNotExist();
    }

    @Test
    void anEndpointWithoutOverridersLetsNobodyOpenItsWindow() throws Exception {
        waitingRollout(SCHEDULE);
        Path endpointFile = endpoint.endpointFile(dir, "", """
                schedule:
                  timeZone: UTC
                  windows:
                    - {days: [mon-fri], from: '10:30', to: '17:00'}
                """);

        Cli.Result open = run(endpointFile, "open-window", "--user", "ops-lead", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(open.err())
                .contains("nobody may open the deployment window of 'fraud-scorer' early from the command line: its"
                        + " endpoint file lists no schedule.overriders");
        assertThat(savedState().phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
    }

    @Test
    void aBlankOrMissingCommentIsRefused() throws Exception {
        Path endpointFile = waitingRollout(SCHEDULE);
        String before = Files.readString(state);

        Cli.Result blank = run(endpointFile, "open-window", "--user", "ops-lead", "--comment", "   ");
        Cli.Result none = run(endpointFile, "open-window", "--user", "ops-lead");

        for (Cli.Result refused : List.of(blank, none)) {
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(refused.err()).contains("--comment: is required: say why the window opens early");
        }
        assertThat(Files.readString(state)).isEqualTo(before);
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aBlankUserIsRefusedAsBadInputNamingTheFlag() throws Exception {
        Path endpointFile = waitingRollout(SCHEDULE);
        String before = Files.readString(state);

        Cli.Result open =
                run(endpointFile, "open-window", "--user", " ", "--group", "release-managers", "--comment", COMMENT);
        Cli.Result approve = run(endpointFile, "approve", "--user", "", "--comment", "fine");

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(open.err()).contains("--user: is blank: give the user id of who opens the window");
        assertThat(approve.exitCode()).as(approve.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(approve.err()).contains("--user: is blank: give the user id of who signs");
        assertThat(Files.readString(state)).isEqualTo(before);
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    @Test
    void aRolloutThatDoesNotWaitForTheWindowIsRefused() throws Exception {
        Path endpointFile = endpoint.endpointFile(dir, "", "schedule: {overriders: [ops-lead]}\n");
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(2)));
        run(endpointFile, "canary", "--candidate", "v2");
        String before = Files.readString(state);

        Cli.Result open = run(endpointFile, "open-window", "--user", "ops-lead", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(open.err())
                .contains("open-window: nothing waits for the deployment window: the rollout in " + state
                        + " is baking at stage 1 (10%)");
        assertThat(Files.readString(state)).isEqualTo(before);
        assertThat(earlyOpenings()).isEmpty();
    }

    @Test
    void aRunningCanaryTakesTheQueuedRequestAndTheCommandPrintsWhatItDid() throws Exception {
        Path endpointFile = endpoint.endpointFile(dir, "", SCHEDULE);
        PausedCanary canary = PausedCanary.start(this, endpointFile);

        // The command's own clock: while it waits, the canary goes on and takes the request.
        Environment handoff = environment(() -> new CommandTime(canary::resumeAndFinish));
        Cli.Result open = run(handoff, endpointFile, "open-window", "--user", "ops-lead", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.OK);
        assertThat(open.out())
                .contains("another mlrollout process drives the rollout in " + state)
                .contains("the request to open the window is queued for it in " + request())
                .contains("[ml-rollout] WINDOW OPENED EARLY by ops-lead for stage 1/2 (10%): \"" + COMMENT + "\"")
                .contains("The deployment window is open: the process that drives the rollout goes on with stage"
                        + " 1/2 (10%)");
        Cli.Result ran = canary.result();
        assertThat(ran.exitCode()).as(ran.toString()).isEqualTo(ExitCodes.OK);
        assertThat(ran.out()).containsOnlyOnce("WINDOW OPENED EARLY by ops-lead");
        assertThat(earlyOpenings()).hasSize(1);
        assertThat(earlyOpenings().get(0).move()).isEqualTo("stage 1/2 (10%)");
        // Stage 2 waited for 10:30, and went ahead on time.
        assertThat(openings()).extracting(RolloutEvent.WindowOpened::openedBy).containsExactly("ops-lead", null);
        assertThat(request()).doesNotExist();
    }

    @Test
    void aQueuedRequestStaysQueuedWhenTheCanaryIsBusyAndIsTakenOnceWhenItGoesOn() throws Exception {
        Path endpointFile = endpoint.endpointFile(dir, "", SCHEDULE);
        PausedCanary canary = PausedCanary.start(this, endpointFile);

        // The canary does not move while this command waits: its whole --wait passes on its own clock.
        Environment idle = environment(() -> new CommandTime(() -> {}));
        Cli.Result open = run(idle, endpointFile, "open-window", "--user", "ops-lead", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(open.err())
                .contains("the running process did not take the request within 1m. It stays queued in " + request());
        assertThat(request()).exists();
        Cli.Result status = Cli.run(endpoint.environment(), "status", "--state", state.toString());
        assertThat(status.out()).contains("a request to open the window by ops-lead (\"" + COMMENT + "\") is queued");

        Cli.Result second = run(
                idle,
                endpointFile,
                "open-window",
                "--user",
                "dana",
                "--group",
                "release-managers",
                "--comment",
                "me too");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(second.err()).contains("a request to open the window by ops-lead (queued at ");

        canary.resumeAndFinish();
        Cli.Result ran = canary.result();
        assertThat(ran.exitCode()).as(ran.toString()).isEqualTo(ExitCodes.OK);
        assertThat(ran.out()).containsOnlyOnce("WINDOW OPENED EARLY by ops-lead for stage 1/2 (10%)");
        assertThat(earlyOpenings())
                .extracting(RolloutEvent.WindowOpened::openedBy)
                .containsExactly("ops-lead");
        assertThat(request()).doesNotExist();
    }

    @Test
    void theRunningCanaryChecksWhoAsksWithTheEndpointFileItRead() throws Exception {
        Path endpointFile = endpoint.endpointFile(dir, "", SCHEDULE);
        PausedCanary canary = PausedCanary.start(this, endpointFile);
        // Added after the canary read the file: the command accepts erin, the process that drives the rollout does not.
        endpoint.endpointFile(dir, "", SCHEDULE.replace("[ops-lead, release-managers]", "[ops-lead, erin]"));

        Environment handoff = environment(() -> new CommandTime(canary::resumeAndFinish));
        Cli.Result open = run(handoff, endpointFile, "open-window", "--user", "erin", "--comment", COMMENT);

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(open.err())
                .contains("open-window: the running process refused it: the request queued at ")
                .contains("is discarded: erin may not open the deployment window of 'fraud-scorer' early");
        assertThat(canary.result().out())
                .contains("[ml-rollout] open the window by erin ignored: ")
                .doesNotContain("WINDOW OPENED EARLY");
        assertThat(earlyOpenings()).isEmpty();
        assertThat(request()).doesNotExist();
    }

    @Test
    void aRequestLeftBehindOnceAppliedNeverOpensALaterWait() throws Exception {
        Path endpointFile = waitingRollout(SCHEDULE);
        RolloutState waiting = savedState();
        WindowRequests.Request left = new WindowRequests.Request(
                "r-1",
                "ops-lead",
                List.of(),
                COMMENT,
                endpoint.now(),
                waiting.subject().rolloutId(),
                waiting.window().since(),
                "stage 1/2 (10%)");
        WindowRequests.queue(request(), left);
        String queued = Files.readString(request());

        // The next command that drives the rollout takes it: stage 1 shifts, and stage 2 waits for 10:30.
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(20)));
        Cli.Result resumed = run(endpointFile, "canary");
        assertThat(resumed.out())
                .as(resumed.toString())
                .containsOnlyOnce("WINDOW OPENED EARLY by ops-lead for stage 1/2 (10%)")
                .contains("waiting for the deployment window before stage 2/2 (50%)");
        assertThat(request()).doesNotExist();

        // As if the process had died after applying it and before removing it: the same request is back.
        Files.writeString(request(), queued);
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(25)));
        Cli.Result again = run(endpointFile, "canary");

        assertThat(again.out())
                .as(again.toString())
                .contains("[ml-rollout] open the window by ops-lead ignored: the request queued at " + left.at()
                        + " is discarded: it was made for the wait that began at "
                        + waiting.window().since()
                        + " (stage 1/2 (10%)), and the rollout now waits since ")
                .doesNotContain("WINDOW OPENED EARLY");
        assertThat(earlyOpenings()).hasSize(1);
        assertThat(endpoint.simulator.split().canaryWeight()).isEqualTo(10);
        assertThat(savedState().phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(request()).doesNotExist();
        assertThat(RolloutFiles.beside(state).events())
                .filteredOn(RolloutEvent.Ignored.class::isInstance)
                .hasSize(1);
    }

    @Test
    void aRollbackIsNeverHeldByTheWindow() throws Exception {
        Path endpointFile = waitingRollout(SCHEDULE);
        run(endpointFile, "open-window", "--user", "ops-lead", "--comment", COMMENT);
        endpoint.dropAt(SimulatedEndpoint.T0.plus(Duration.ofMinutes(20)));
        run(endpointFile, "canary");
        assertThat(savedState().phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);

        Cli.Result rollback = run(endpointFile, "rollback", "--reason", "pipeline failed");

        assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(ExitCodes.OK);
        assertThat(savedState().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(endpoint.simulator.split().canaryWeight()).isZero();
    }

    private Environment environment(java.util.function.Supplier<RolloutTime> time) {
        return new Environment(endpoint.variables, time, (prometheus, credential) -> endpoint.metrics);
    }

    /**
     * A canary on another thread, on the simulator's clock, stopped at 10:01 while it waits for the window (holding the
     * state file) until the test lets it go on; then it runs as fast as it can.
     */
    private static final class PausedCanary {

        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);
        private CompletableFuture<Cli.Result> run;

        static PausedCanary start(OpenWindowCommandTest test, Path endpointFile) throws Exception {
            PausedCanary canary = new PausedCanary();
            Instant pauseAt = SimulatedEndpoint.T0.plus(Duration.ofMinutes(1));
            Environment env = test.environment(() -> canary.gated(
                    new SimulatedTime(test.endpoint.traffic, test.endpoint.traffic.servedUntil(), 0), pauseAt));
            // A thread of its own: the common pool may have one worker, or none to spare.
            ExecutorService thread = Executors.newSingleThreadExecutor();
            canary.run = CompletableFuture.supplyAsync(
                    () -> test.run(env, endpointFile, "canary", "--candidate", "v2"), thread);
            thread.shutdown(); // ends once the canary has
            if (!canary.paused.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the canary did not reach its pause: " + canary.run.getNow(null));
            }
            assertThat(test.savedState().phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
            return canary;
        }

        private RolloutTime gated(SimulatedTime time, Instant pauseAt) {
            return new RolloutTime() {
                private boolean pausedOnce;

                @Override
                public Clock clock() {
                    return time.clock();
                }

                @Override
                public RolloutDriver.Scheduler scheduler() {
                    return time.scheduler();
                }

                @Override
                public boolean runUntil(BooleanSupplier done) throws InterruptedException {
                    if (!pausedOnce) {
                        time.runUntil(() ->
                                done.getAsBoolean() || !time.clock().instant().isBefore(pauseAt));
                        if (!done.getAsBoolean()) {
                            pausedOnce = true;
                            paused.countDown();
                            if (!resume.await(60, TimeUnit.SECONDS)) {
                                throw new AssertionError("the test never let the canary go on");
                            }
                        }
                    }
                    return time.runUntil(done);
                }

                @Override
                public void changed() {}

                @Override
                public void close() {}
            };
        }

        /** Lets the canary go on, and waits for it to end. */
        void resumeAndFinish() {
            resume.countDown();
            result();
        }

        Cli.Result result() {
            try {
                return run.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the canary did not end", e);
            }
        }
    }

    /**
     * The waiting command's clock, virtual: before its first wait it runs {@code meanwhile} (what the other process
     * does while it waits), then its own checks, which pass its whole --wait at once if nothing happened.
     */
    private static final class CommandTime implements RolloutTime {

        private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-23T10:01:30Z"));
        private final Runnable meanwhile;
        private boolean ran;

        CommandTime(Runnable meanwhile) {
            this.meanwhile = meanwhile;
        }

        @Override
        public Clock clock() {
            return time;
        }

        @Override
        public RolloutDriver.Scheduler scheduler() {
            return time;
        }

        @Override
        public boolean runUntil(BooleanSupplier done) {
            if (!ran) {
                ran = true;
                meanwhile.run();
            }
            while (!done.getAsBoolean()) {
                if (!time.runNext()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void changed() {}

        @Override
        public void close() {}
    }
}
