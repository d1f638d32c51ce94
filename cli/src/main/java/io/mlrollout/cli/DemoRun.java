package io.mlrollout.cli;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.http.Credential;
import io.mlrollout.core.http.HttpSettings;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.StageSummary;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.Identity;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.tier.TierFloors;
import io.mlrollout.core.tier.TierRecording;
import io.mlrollout.core.traffic.WebhookRouter;
import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.Split;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of the demo: the simulator serves a baseline and the scenario's candidate, and the real engine rolls the
 * candidate out through the real {@link WebhookRouter} against the simulator's {@code /traffic}, judging the
 * simulator's metrics. Two scripted approvers sign the policy's sign-off, and the pipeline promotes after the canary
 * passes. Everything the engine records goes to the console and to the run's folder.
 *
 * <p>By default it runs in simulated time with an in-process metrics source over the simulator's counters; with a
 * Prometheus binary it runs in real time against a real Prometheus scraping the simulator.
 */
final class DemoRun {

    static final String ENDPOINT = "fraud-scorer";
    static final String CANDIDATE = "v2";
    static final String PIPELINE = "ci-pipeline";
    static final double REQUESTS_PER_SECOND = 1000;
    /** Real time, 5-second looks: what a stage of the real-time policy needs to rule out a doubling in time. */
    static final int PROMETHEUS_REQUESTS_PER_SECOND = 5000;

    static final double FLAKY_SHARE = 0.3;

    private static final String NARRATOR = "[demo] ";
    private static final Identity ALICE = new Identity("alice", Set.of(), false);
    private static final Identity BOB = new Identity("bob", Set.of("ml-risk"), false);
    private static final Identity CAROL = new Identity("carol", Set.of("platform-team"), false);

    /** The demo endpoint's responsibility matrix, for {@code --major}: who holds risk and platform. */
    static final ResponsibilityMatrix MATRIX = matrix();

    /**
     * @param speed simulated seconds per wall-clock second; 0 runs as fast as possible (ignored with Prometheus)
     * @param prometheus the Prometheus binary for a real-time run, or empty for simulated time
     * @param major a major change: the tier chosen by its facts needs one approval from risk and one from platform
     * @param minor a minor change: the tier chosen by its facts auto-approves it
     */
    record Options(
            Scenario scenario,
            double speed,
            Path folder,
            long seed,
            Instant start,
            Optional<Path> prometheus,
            TrafficModel traffic,
            boolean major,
            boolean minor) {

        Options(
                Scenario scenario,
                double speed,
                Path folder,
                long seed,
                Instant start,
                Optional<Path> prometheus,
                TrafficModel traffic,
                boolean major) {
            this(scenario, speed, folder, seed, start, prometheus, traffic, major, false);
        }

        /** The facts the pipeline states about the change, for the tiered demo policy; empty for the default demo. */
        Map<String, Object> facts() {
            if (major) {
                return Map.of("changeType", "architecture", "evalDelta", 0.004, "featuresChanged", true);
            }
            if (minor) {
                return Map.of("changeType", "retrain", "evalDelta", 0.001, "featuresChanged", false);
            }
            return Map.of();
        }

        /** A minor change: two approvers, no roles. */
        Options(
                Scenario scenario,
                double speed,
                Path folder,
                long seed,
                Instant start,
                Optional<Path> prometheus,
                TrafficModel traffic) {
            this(scenario, speed, folder, seed, start, prometheus, traffic, false);
        }

        /** Under independent Poisson minutes, the demo's default. */
        Options(Scenario scenario, double speed, Path folder, long seed, Instant start, Optional<Path> prometheus) {
            this(scenario, speed, folder, seed, start, prometheus, TrafficModel.named(DEFAULT_TRAFFIC));
        }
    }

    /** The traffic model unless {@code --traffic} names another: independent Poisson minutes. */
    static final String DEFAULT_TRAFFIC = "poisson";

    /** A model minute in the real-time demo: its policy's 5 s interval, so its two-minute rollout sees the model vary. */
    private static final Duration REAL_TIME_TRAFFIC_MINUTE = Duration.ofSeconds(5);

    /** How the run ended under which traffic, and where its files are. */
    record Result(
            Scenario scenario,
            TrafficModel traffic,
            RolloutState end,
            Split split,
            RolloutFiles files,
            long evidenceLines,
            String head) {

        /** As the scenario expects, or {@link #notShownHealthy}: an honest end on traffic that wanders. */
        boolean asExpected() {
            return end.phase() == scenario.expected() || notShownHealthy();
        }

        /**
         * A candidate that should be promoted was rolled back because a stage stayed inconclusive (no stage failed) on
         * traffic other than independent Poisson minutes: where rates wander, a stage at the demo's traffic may not
         * gather the evidence a pass needs within its maxBake, and the policy's {@code onInconclusive: rollback} then
         * applies. A pass needs evidence, so that is the judge working, not a false rollback.
         */
        boolean notShownHealthy() {
            List<StageSummary> stages = end.stages();
            return scenario.expected() == Phase.PROMOTED
                    && !traffic.name().equals(DEFAULT_TRAFFIC)
                    && end.phase() == Phase.ROLLED_BACK
                    && !stages.isEmpty()
                    && stages.get(stages.size() - 1).verdict() == Verdict.INCONCLUSIVE
                    && stages.stream().noneMatch(stage -> stage.verdict() == Verdict.FAIL);
        }
    }

    /** The parts that differ between simulated and real time. */
    private interface Backdrop extends AutoCloseable {
        RolloutTime time();

        MetricsSource metrics();

        void flakyMetrics();

        void metricsOutage();

        String describe();

        @Override
        void close();
    }

    private final Options options;
    private final PrintWriter out;

    private DemoRun(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    static Result run(Options options, PrintWriter out) throws IOException, InterruptedException {
        return new DemoRun(options, out).run();
    }

    private Result run() throws IOException, InterruptedException {
        Scenario scenario = options.scenario();
        Policy written = policy(
                options.major() || options.minor()
                        ? "demo-policy-tiers.yaml"
                        : options.prometheus().isPresent()
                                ? "demo-policy-prometheus.yaml"
                                : scenario.slicedPolicy().orElse("demo-policy.yaml"));
        Optional<TierDecision> tier = tier(written, options.facts());
        Policy policy =
                tier.map(decision -> TierChooser.apply(written, decision)).orElse(written);
        RolloutEngine engine = new RolloutEngine(policy, rules(policy));
        RolloutFiles files = RolloutFiles.in(options.folder());
        Simulator.Builder builder = Simulator.builder();
        scenario.slices().ifPresent(builder::slices);
        try (Simulator simulator = builder.endpoint(ENDPOINT)
                        .baseline(Scenario.BASELINE)
                        .canary(scenario.candidate())
                        .seed(options.seed())
                        .traffic(options.traffic())
                        .trafficStart(options.start())
                        .trafficMinute(
                                options.prometheus().isPresent() ? REAL_TIME_TRAFFIC_MINUTE : Duration.ofMinutes(1))
                        .build()
                        .start();
                Backdrop backdrop = backdrop(simulator)) {
            out.println(NARRATOR + "scenario " + scenario.spelling() + ": " + scenario.story() + ".");
            if (options.major()) {
                out.println(NARRATOR + "a major change (a new architecture): its tier's 25% gate needs one approval"
                        + " from risk (ml-risk) and one from platform (platform-team); one person counts for one role"
                        + " only");
            }
            if (options.minor()) {
                out.println(NARRATOR + "a minor change (a retrain on the same features, offline eval +0.1 point): its"
                        + " tier auto-approves it, so no gate waits for anyone, and ramps it in two stages, 10% then"
                        + " 50%");
            }
            out.println(NARRATOR + "serving simulator at " + simulator.url() + " (baseline v1, candidate v2); "
                    + backdrop.describe());
            if (!options.traffic().name().equals(DEFAULT_TRAFFIC)) {
                out.println(NARRATOR + "traffic model " + options.traffic().name() + ": "
                        + options.traffic().description());
            }
            if (scenario == Scenario.FLAKY_METRICS) {
                backdrop.flakyMetrics();
            }
            RolloutTime time = backdrop.time();
            FileRecorder recorder = new FileRecorder(files);
            AtomicReference<RolloutDriver> driver = new AtomicReference<>();
            RolloutDriver.Listener listener = TierRecording.recordedAfterStart(
                    Listeners.of(
                            recorder,
                            new Console(out, policy, time::changed),
                            new Actors(policy, time, driver, backdrop)),
                    tier);
            driver.set(RolloutDriver.start(
                    engine,
                    new WebhookRouter(simulator.url(), Credential.NONE, HttpSettings.DEFAULT),
                    backdrop.metrics(),
                    time.clock(),
                    time.scheduler(),
                    listener,
                    "demo-" + scenario.spelling(),
                    ENDPOINT,
                    CANDIDATE,
                    PIPELINE,
                    BaselineHistory.none()));
            time.runUntil(() -> driver.get().state().phase().isResting());
            if (driver.get().state().phase() == Phase.CANARY_PASSED) {
                out.println(NARRATOR + "the canary passed; the pipeline goes on to its next step, mlrollout promote");
                driver.get()
                        .submit(new Input.PromoteRequested(
                                PIPELINE, time.clock().instant()));
                time.runUntil(() -> driver.get().state().phase().isResting());
            }
            time.close();
            RolloutState end = driver.get().state();
            EvidenceLog evidence = recorder.evidence();
            evidence.seal(end.phaseSince(), Optional.empty());
            Report.EvidenceHead head = Report.EvidenceHead.of(evidence, Optional.empty());
            files.saveState(end, head);
            files.writeReport(head, policy);
            out.println(LogLines.note("evidence " + files.evidence() + ": " + head.describe()));
            return new Result(
                    scenario, options.traffic(), end, simulator.split(), files, evidence.lines(), evidence.head());
        }
    }

    private Backdrop backdrop(Simulator simulator) throws IOException {
        if (options.prometheus().isEmpty()) {
            SimulatedTraffic traffic = new SimulatedTraffic(simulator, REQUESTS_PER_SECOND, options.start());
            SimulatedTime time = new SimulatedTime(traffic, options.start(), options.speed());
            SimulatorMetrics metrics = new SimulatorMetrics(traffic, options.seed());
            return new Backdrop() {
                @Override
                public RolloutTime time() {
                    return time;
                }

                @Override
                public MetricsSource metrics() {
                    return metrics;
                }

                @Override
                public void flakyMetrics() {
                    metrics.failingShare(FLAKY_SHARE);
                }

                @Override
                public void metricsOutage() {
                    metrics.outage(true);
                    simulator.faults().metricsOutage(true);
                }

                @Override
                public String describe() {
                    return (long) REQUESTS_PER_SECOND + " requests/s in simulated time"
                            + (options.speed() == 0
                                    ? ", as fast as it goes"
                                    : " at " + format(options.speed()) + "× (a simulated minute takes "
                                            + format(60 / options.speed()) + " s)")
                            + "; metrics read from the simulator's counters";
                }

                @Override
                public void close() {
                    time.close();
                }
            };
        }
        PrometheusServer prometheus =
                PrometheusServer.start(options.prometheus().get(), "127.0.0.1:" + simulator.port());
        simulator.startLoad(PROMETHEUS_REQUESTS_PER_SECOND);
        RealTime time = new RealTime();
        MetricsSource metrics = new PrometheusMetricsSource(
                prometheus.url(),
                Credential.NONE,
                new HttpSettings(Duration.ofSeconds(2), 3, Duration.ofMillis(100)),
                "");
        return new Backdrop() {
            @Override
            public RolloutTime time() {
                return time;
            }

            @Override
            public MetricsSource metrics() {
                return metrics;
            }

            @Override
            public void flakyMetrics() {
                simulator.faults().flakyMetrics(FLAKY_SHARE);
            }

            @Override
            public void metricsOutage() {
                simulator.faults().metricsOutage(true);
            }

            @Override
            public String describe() {
                return PROMETHEUS_REQUESTS_PER_SECOND + " requests/s in real time; Prometheus at " + prometheus.url()
                        + " scrapes it every second";
            }

            @Override
            public void close() {
                time.close();
                prometheus.close();
            }
        };
    }

    /** The approvers and the fault the scenario injects, acting on what the rollout records. */
    private final class Actors implements RolloutDriver.Listener {
        private final Policy policy;
        private final RolloutTime time;
        private final AtomicReference<RolloutDriver> driver;
        private final Backdrop backdrop;

        Actors(Policy policy, RolloutTime time, AtomicReference<RolloutDriver> driver, Backdrop backdrop) {
            this.policy = policy;
            this.time = time;
            this.driver = driver;
            this.backdrop = backdrop;
        }

        @Override
        public void recorded(RolloutEvent event) {
            Duration interval = policy.analysis().interval();
            if (event instanceof RolloutEvent.GateOpened gate && options.major()) {
                sign(CAROL, gate.at().plus(interval.multipliedBy(2)), "capacity and latency fine at 25%");
                sign(BOB, gate.at().plus(interval.multipliedBy(4)), "model card and bias report reviewed");
            } else if (event instanceof RolloutEvent.GateOpened gate) {
                sign(
                        ALICE,
                        gate.at().plus(interval.multipliedBy(2)),
                        "the 25% stage looks like the 5% one: errors, latency and scores within margins");
                sign(BOB, gate.at().plus(interval.multipliedBy(4)), "score distribution unchanged; fine to go to 50%");
            }
            if (event instanceof RolloutEvent.StageStarted stage
                    && stage.stage() == 2
                    && options.scenario() == Scenario.METRICS_OUTAGE) {
                Instant outage = stage.at().plus(interval.multipliedBy(5).dividedBy(2));
                time.scheduler()
                        .schedule(
                                () -> {
                                    out.println(NARRATOR + "the metrics source goes down");
                                    backdrop.metricsOutage();
                                },
                                outage);
            }
        }

        private void sign(Identity who, Instant at, String comment) {
            time.scheduler()
                    .schedule(
                            () -> {
                                out.println(NARRATOR + who.userId()
                                        + (who.groups().isEmpty() ? "" : " (" + String.join(", ", who.groups()) + ")")
                                        + " approves on the build page");
                                driver.get()
                                        .submit(new Input.SignOff(
                                                who,
                                                Decision.APPROVE,
                                                comment,
                                                time.clock().instant()))
                                        .ifPresent(why -> out.println(NARRATOR + "refused: " + why));
                            },
                            at);
        }

        @Override
        public void saved(RolloutState state) {}
    }

    private static Policy policy(String resource) {
        try (InputStream in = DemoRun.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the demo policy " + resource + " is missing from the jar");
            }
            return PolicyParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PolicyException e) {
            throw new IllegalStateException("the demo policy " + resource + " is invalid: " + e.getMessage(), e);
        }
    }

    private static ResponsibilityMatrix matrix() {
        Map<String, ResponsibilityMatrix.Role> roles = new LinkedHashMap<>();
        roles.put("risk", new ResponsibilityMatrix.Role(List.of("ml-risk"), List.of("risk-lead@example.com"), 0));
        roles.put(
                "platform", new ResponsibilityMatrix.Role(List.of("platform-team"), List.of("oncall@example.com"), 0));
        return new ResponsibilityMatrix(roles);
    }

    private static Optional<TierDecision> tier(Policy policy, Map<String, Object> facts) {
        try {
            return TierChooser.decide(policy.tiers(), TierFloors.none(), facts);
        } catch (PolicyException e) {
            throw new IllegalStateException("the demo's facts do not fit its policy: " + e.getMessage(), e);
        }
    }

    private static Optional<SignOffRules> rules(Policy policy) {
        try {
            return SignOffRules.effective(policy, new EndpointSignOffBounds(List.of(), 0, true, MATRIX));
        } catch (PolicyException e) {
            throw new IllegalStateException("the demo policy's sign-off is invalid: " + e.getMessage(), e);
        }
    }

    private static String format(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : String.format(Locale.ROOT, "%.2f", number);
    }
}
