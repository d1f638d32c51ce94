package io.mlrollout.cli;

import io.mlrollout.simulator.PrometheusServer;
import io.mlrollout.simulator.Simulator;
import io.mlrollout.simulator.TrafficSlices;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlrollout simulator}: the serving simulator as a standing endpoint (and, with {@code --prometheus}, a real
 * Prometheus scraping it), with an endpoint file and a policy to point the other commands at, until Ctrl-C.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "simulator",
        description = {
            "Starts the serving simulator (two versions, live traffic, the webhook router contract, /metrics) and,"
                    + " with --prometheus, a real Prometheus scraping it. Writes an endpoint file and a policy to use"
                    + " with canary, validate and the other commands, prints the URLs, and runs until Ctrl-C.",
            "Exit 0 when stopped, 2 bad input, 3 when --prometheus has no prometheus binary or a port is taken."
        })
final class SimulatorCommand extends CommandBase {

    static final String ENDPOINT_FILE = "endpoint.yaml";
    static final String POLICY_FILE = "policy.yaml";

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "the simulator's port (default: any)")
    int port;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            defaultValue = "healthy",
            converter = Scenario.Converter.class,
            description = "how the candidate v2 behaves: healthy, regression, latency or drift (default: healthy)")
    Scenario scenario;

    @Option(
            names = "--requests-per-second",
            paramLabel = "N",
            defaultValue = "" + DemoRun.PROMETHEUS_REQUESTS_PER_SECOND,
            description = "live traffic the simulator serves itself (default ${DEFAULT-VALUE}, what its policy's"
                    + " 5-second looks need)")
    double requestsPerSecond;

    @Option(
            names = "--prometheus",
            description =
                    "also start a real Prometheus scraping the simulator (needs the prometheus binary on the PATH)")
    boolean prometheus;

    @Option(
            names = "--out",
            paramLabel = "FOLDER",
            defaultValue = "mlrollout-simulator",
            description = "where to write endpoint.yaml and policy.yaml (default: mlrollout-simulator)")
    Path out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "the random seed (default 1)")
    long seed;

    @Option(
            names = "--pods",
            paramLabel = "N",
            defaultValue = "1",
            description = "pods per version (default 1); with --prometheus each pod is scraped on its own, labelled"
                    + " pod=\"<endpoint>-<version>-<i>\", as `mlrollout replay --aa` needs")
    int pods;

    @Option(
            names = "--slices",
            paramLabel = "LABEL=SLICE[:WEIGHT],...",
            description = "split the traffic into slices by a label on istio_requests_total, each with its relative"
                    + " weight (1 when left out), e.g. region=us-east:6,eu-west:3,ap-south:1")
    String slices;

    @Option(
            names = "--regress-slice",
            paramLabel = "SLICE",
            description = "with --slices: the candidate's regression shows in this slice only; elsewhere it errs like"
                    + " the baseline")
    String regressSlice;

    /** The scenarios that are a candidate's behaviour alone; the demo's others need its faults or its slices. */
    private static final Set<Scenario> SIMULATED_SCENARIOS =
            EnumSet.of(Scenario.HEALTHY, Scenario.REGRESSION, Scenario.LATENCY, Scenario.DRIFT);

    SimulatorCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException, IOException, InterruptedException {
        if (!SIMULATED_SCENARIOS.contains(scenario)) {
            throw new InputException(
                    "",
                    "--scenario",
                    scenario.spelling() + " is a demo scenario; the simulator takes healthy, regression, latency or"
                            + " drift (try mlrollout demo --scenario " + scenario.spelling() + ")");
        }
        if (port < 0 || port > 65_535) {
            throw new InputException("", "--port", "must be 0..65535, got " + port);
        }
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new InputException("", "--requests-per-second", "must be more than 0, got " + requestsPerSecond);
        }
        if (pods < 1 || pods > 100) {
            throw new InputException("", "--pods", "must be 1..100, got " + pods);
        }
        Optional<TrafficSlices> sliced = trafficSlices();
        Optional<Path> binary = Optional.empty();
        if (prometheus) {
            binary = PrometheusServer.findBinary(env.variables().get("PATH"));
            if (binary.isEmpty()) {
                err().println("mlrollout simulator: --prometheus needs the prometheus binary on the PATH: "
                        + PrometheusServer.INSTALL_HINT);
                return ExitCodes.INFRASTRUCTURE;
            }
        }
        Files.createDirectories(out);
        CountDownLatch stop = new CountDownLatch(1);
        Simulator.Builder builder = Simulator.builder()
                .baseline(Scenario.BASELINE)
                .canary(scenario.candidate())
                .port(port)
                .seed(seed)
                .podsPerVersion(pods);
        sliced.ifPresent(builder::slices);
        try (StopSignal signal = StopSignal.listen();
                Simulator simulator = builder.build().start()) {
            signal.wakes(stop::countDown);
            PrometheusServer server = null;
            try {
                if (binary.isPresent()) {
                    out().println("starting Prometheus to scrape the simulator (takes a few seconds) …");
                    server = PrometheusServer.start(
                            binary.get(), "127.0.0.1:" + simulator.port(), pods > 1 ? simulator.pods() : List.of());
                }
                simulator.startLoad(requestsPerSecond);
                Path endpointFile = out.resolve(ENDPOINT_FILE);
                Path policyFile = out.resolve(POLICY_FILE);
                Files.writeString(endpointFile, endpointYaml(simulator, Optional.ofNullable(server)));
                Files.writeString(policyFile, policyYaml());
                describe(simulator, Optional.ofNullable(server), endpointFile, policyFile);
                if (!signal.arrived()) {
                    stop.await();
                }
                simulator.stopLoad();
                out().println("stopped; the router was at " + simulator.split().canaryWeight() + "% to "
                        + simulator.canary().name());
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
        return ExitCodes.OK;
    }

    private Optional<TrafficSlices> trafficSlices() throws InputException {
        if (slices == null) {
            if (regressSlice != null) {
                throw new InputException("", "--regress-slice", "needs --slices to say which slices there are");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(TrafficSlices.parse(slices, Optional.ofNullable(regressSlice)));
        } catch (IllegalArgumentException refused) {
            throw new InputException(
                    "",
                    refused.getMessage().startsWith("the regressed") ? "--regress-slice" : "--slices",
                    refused.getMessage());
        }
    }

    private void describe(Simulator simulator, Optional<PrometheusServer> server, Path endpointFile, Path policy) {
        out().println("simulator  " + simulator.url() + "  (baseline " + Scenario.BASELINE.name() + ", candidate "
                + scenario.candidate().name() + ": " + scenario.story() + ")");
        out().println("  traffic  " + simulator.url() + "/traffic   (the webhook router contract: GET, PUT)");
        out().println("  metrics  " + simulator.url() + "/metrics   (Prometheus exposition)");
        if (pods > 1) {
            out().println("  pods     " + String.join(", ", simulator.pods()) + "   (each at /metrics?pod=NAME)");
        }
        simulator
                .slices()
                .ifPresent(s -> out().println("  slices   by " + s.label() + ": "
                        + s.slices().stream().map(TrafficSlices.Slice::name).toList()
                        + s.regressed()
                                .map(r -> ", the candidate regresses in " + r + " only")
                                .orElse("")));
        server.ifPresent(p -> out().println("prometheus " + p.url() + "  (scraping the simulator"
                + (pods > 1 ? "'s pods, each labelled pod=NAME," : "") + " every second)"));
        out().println("endpoint file " + endpointFile);
        out().println("policy        " + policy);
        if (server.isEmpty()) {
            out().println("Without --prometheus nothing answers PromQL: canary will find no data and roll back."
                    + " Start with --prometheus for a rollout end to end.");
        }
        out().println("Try, in another terminal:");
        out().println("  mlrollout validate " + policy + " --endpoint " + endpointFile);
        out().println("  mlrollout canary --policy " + policy + " --endpoint " + endpointFile + " --state "
                + out.resolve("state.json") + " --candidate "
                + scenario.candidate().name());
        out().println("Ctrl-C stops the simulator" + (server.isPresent() ? " and Prometheus." : "."));
        out().flush();
    }

    private static String endpointYaml(Simulator simulator, Optional<PrometheusServer> server) {
        return "# Written by mlrollout simulator; valid while it runs.\n"
                + "name: " + simulator.endpoint() + "\n"
                + "router:\n"
                + "  type: webhook\n"
                + "  url: " + simulator.url() + "\n"
                + "prometheus:\n"
                + "  url: " + server.map(p -> p.url().toString()).orElse("http://127.0.0.1:9090") + "\n"
                + (server.isPresent() ? "" : "  # no Prometheus runs here: start the simulator with --prometheus\n")
                + "signOff: {approvers: [alice, ml-risk], minimumQuorum: 0}\n";
    }

    /** The demo's policy for a real Prometheus: stages and looks in seconds, so a rollout takes about two minutes. */
    private static String policyYaml() throws IOException {
        try (InputStream in = SimulatorCommand.class.getResourceAsStream("demo-policy-prometheus.yaml")) {
            if (in == null) {
                throw new IllegalStateException("demo-policy-prometheus.yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
