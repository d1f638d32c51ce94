package io.mlrollout.cli;

import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.traffic.TrafficModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlrollout demo}: a whole rollout against the built-in serving simulator, in one command. */
@Command(
        mixinStandardHelpOptions = true,
        name = "demo",
        description = {
            "Runs a complete rollout of a candidate model against the built-in serving simulator, with the real"
                    + " engine, statistics, sign-offs and webhook router, and writes its evidence and report.",
            "Exit 0 when the scenario ended as it should (a regression rolled back, a healthy candidate promoted),"
                    + " 1 when it did not, 3 when --prometheus has no prometheus binary."
        })
final class DemoCommand extends CommandBase {

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            defaultValue = "healthy",
            converter = Scenario.Converter.class,
            description =
                    "healthy, regression, latency, drift, flaky-metrics, metrics-outage, slice-regression or slice-latency"
                            + " (default: healthy)")
    Scenario scenario;

    @Option(
            names = "--traffic",
            paramLabel = "MODEL",
            defaultValue = DemoRun.DEFAULT_TRAFFIC,
            description = "how traffic varies minute to minute: poisson, overdispersed, bursty, shared-shift,"
                    + " autocorrelated, low-traffic or production (default: poisson; see docs/simulator.md)")
    String traffic;

    @Option(
            names = "--speed",
            paramLabel = "N",
            defaultValue = "120",
            description = "simulated seconds per second of wall time (default 120); 0 runs as fast as it can")
    double speed;

    @Option(names = "--fast", description = "as fast as it can (the same as --speed 0)")
    boolean fast;

    @Option(
            names = "--prometheus",
            description = "run in real time against a real Prometheus (needs the prometheus binary on the PATH)")
    boolean prometheus;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "where to write the evidence, report and state (default: a new folder under ./mlrollout-out)")
    Path out;

    @Option(
            names = "--major",
            description = "a major change: the sign-off gate waits for one approval from risk and one from platform"
                    + " (two simulated people sign)")
    boolean major;

    @Option(
            names = "--minor",
            description = "a minor change: a retrain whose facts the policy's first tier auto-approves, so nobody"
                    + " needs to sign")
    boolean minor;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "the simulator's seed (default 42)")
    long seed;

    DemoCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException, IOException, InterruptedException {
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new InputException("", "--speed", "must be 0 or more, got " + speed);
        }
        TrafficModel model;
        try {
            model = TrafficModel.named(traffic);
        } catch (IllegalArgumentException e) {
            throw new InputException("", "--traffic", e.getMessage());
        }
        if (scenario.slices().isPresent() && (major || minor || prometheus)) {
            throw new InputException(
                    "",
                    "--scenario",
                    scenario.spelling() + " runs in simulated time with its own policy; leave out "
                            + (major ? "--major" : minor ? "--minor" : "--prometheus"));
        }
        if (major && minor) {
            throw new InputException("", "--minor", "a change is minor or major, not both; give one of them");
        }
        if (minor && prometheus) {
            throw new InputException("", "--minor", "runs in simulated time only; leave out --prometheus");
        }
        if (major && prometheus) {
            throw new InputException("", "--major", "runs in simulated time only; leave out --prometheus");
        }
        Optional<Path> binary = Optional.empty();
        if (prometheus) {
            binary = PrometheusServer.findBinary(env.variables().get("PATH"));
            if (binary.isEmpty()) {
                err().println("mlrollout demo: --prometheus needs the prometheus binary on the PATH: "
                        + PrometheusServer.INSTALL_HINT + ". Without --prometheus the demo runs in simulated time.");
                return ExitCodes.INFRASTRUCTURE;
            }
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path folder = out != null ? out : newFolder(now);
        if (Files.exists(folder) && !isEmptyFolder(folder)) {
            throw new InputException("", "--out", folder + " exists and is not empty; name a new folder");
        }
        Files.createDirectories(folder);
        DemoRun.Result result = DemoRun.run(
                new DemoRun.Options(scenario, fast ? 0 : speed, folder, seed, now, binary, model, major, minor), out());
        summary(result);
        return result.asExpected() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void summary(DemoRun.Result result) {
        PrintWriter o = out();
        RolloutState end = result.end();
        o.println();
        o.println("Outcome: " + end.phase() + (end.reason() == null ? "" : " — " + end.reason()));
        if (result.notShownHealthy()) {
            o.println("Not promoted, which can happen on " + result.traffic().name() + " traffic: the stage could not"
                    + " show within its maxBake that the candidate is healthy, and the policy's onInconclusive:"
                    + " rollback rolled it back. A pass needs evidence; where rates wander this much, a stage needs"
                    + " more time or traffic (docs/statistics.md, \"What traffic a policy needs\").");
        } else {
            o.println(
                    result.asExpected()
                            ? "That is how the " + result.scenario().spelling() + " scenario should end."
                            : "NOT as expected: the " + result.scenario().spelling() + " scenario should end "
                                    + result.scenario().expected());
        }
        o.println("The simulator now routes " + result.split().baseline() + " "
                + (100 - result.split().canaryWeight()) + "% / "
                + result.split().canary() + " " + result.split().canaryWeight() + "%.");
        Path folder = result.files().state().getParent();
        o.println("Files in " + folder + ": report.html (open it in a browser), report.json, evidence.jsonl,"
                + " state.json");
        o.println("Check the evidence: mlrollout verify-evidence "
                + result.files().evidence());
    }

    private static Path newFolder(Instant now) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
                .withZone(ZoneOffset.UTC)
                .format(now);
        Path base = Path.of("mlrollout-out");
        Path folder = base.resolve(stamp);
        for (int n = 2; Files.exists(folder); n++) {
            folder = base.resolve(stamp + "-" + n);
        }
        return folder;
    }

    private static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }
}
