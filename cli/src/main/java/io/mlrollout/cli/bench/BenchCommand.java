package io.mlrollout.cli.bench;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlrollout bench}: how fast and how safely the shipped judge decides, against Kayenta-style (as configured by
 * default, tuned to the policy's false-rollback rate, and tuned to it at the policy's margins too), threshold,
 * clairvoyant (looking every minute, and once) and oracle judges on the same simulated
 * rollouts; with {@code --overhead}, what waiting rollouts cost the controller. Prints a
 * table and writes CSV, Markdown and an SVG chart into {@code --out}. The method is in {@code docs/benchmarks.md}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the judge against Kayenta-style (default; tuned to the policy's 1%% false-rollback rate; and"
                    + " tuned to it at the policy's margins, effect sizes included), threshold, clairvoyant (every minute and one look) and oracle judges on the same seeded simulated"
                    + " rollouts (A/A, error-rate and p99 regressions, 2/20/200 req/s to the canary, a canary stage"
                    + " and a promotion watch) under each traffic model.",
            "With --overhead: threads, heap and persisted state of waiting rollouts, and CPU time per analysis look."
        })
public final class BenchCommand implements Callable<Integer> {

    /** Runs per cell with {@code --quick}. */
    static final int QUICK_RUNS = 50;

    /**
     * A/A rollouts that set each traffic model's and level's thresholds and tune its Kayenta-style schedule: at least
     * this many, and twice the judged runs. Twenty-one levels (seven models at three traffic levels) are calibrated,
     * so more would cost more than the judged runs themselves.
     */
    static final int MIN_CALIBRATION_RUNS = 2000;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--runs",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Seeded rollouts per cell (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(
            names = "--quick",
            description = "A quick look: " + QUICK_RUNS + " runs per cell (overrides --runs); figures are rough.")
    private boolean quick;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "20261123",
            description = "Seed of every simulated stream (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Cells run in parallel (default: the number of processors). Figures do not depend on it.")
    private Integer threads;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "bench-results",
            description = "Folder for the CSV, Markdown and SVG (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(
            names = "--slow-threshold",
            paramLabel = "MS",
            defaultValue = BenchSetup.DEFAULT_SLOW_THRESHOLD,
            description = "Milliseconds above which a request counts as slow for the slow-requests metric of"
                    + " 'ours (p99 + slow-requests)' (default: ${DEFAULT-VALUE}; a real policy needs a bucket bound of"
                    + " the latency histogram, e.g. Istio's 100 or 250).")
    private double slowThresholdMs;

    @Option(
            names = "--buckets",
            paramLabel = "LAYOUT",
            defaultValue = "istio",
            description = "Latency buckets each minute is drawn in: istio (Envoy's 0.5 ms .. 3600 s) or prometheus (the"
                    + " client libraries' 5 ms .. 10 s) (default: ${DEFAULT-VALUE}).")
    private String buckets;

    @Option(
            names = "--quantile",
            paramLabel = "Q",
            defaultValue = "0.99",
            description = "The latency quantile every judge's latency metric reads, e.g. 0.95 for the p95; the latency"
                    + " scenarios and our policies are named after it (default: ${DEFAULT-VALUE}).")
    private double quantile;

    @Option(
            names = "--traffic",
            paramLabel = "MODEL[,MODEL...]",
            split = ",",
            description = "Traffic models to run under (default: all of them: poisson, overdispersed, bursty,"
                    + " shared-shift, autocorrelated, low-traffic, production; see docs/simulator.md).")
    private List<String> traffic;

    @Option(
            names = "--all-scenarios",
            description = "Also run the two smallest regressions (errors 1.25x, p99 +10%%), which the default leaves"
                    + " out to save time.")
    private boolean allScenarios;

    @Option(
            names = "--at-the-margin",
            description = "Run candidates exactly at our policies' margins (errors 1.1x, the quantile +5%%) beside"
                    + " A/A instead of the regressions: how often a candidate the policy allows is rolled back.")
    private boolean atTheMargin;

    @Option(
            names = "--overhead",
            description = "Measure what waiting rollouts cost instead: threads, heap, state size, CPU per look.")
    private boolean overhead;

    @Option(
            names = "--rollouts",
            paramLabel = "N",
            defaultValue = "1000",
            description = "With --overhead: concurrent waiting rollouts (default: ${DEFAULT-VALUE}).")
    private int rollouts;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        int effectiveRuns = quick ? QUICK_RUNS : runs;
        if (effectiveRuns < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs: must be at least 1, got " + runs);
        }
        if (rollouts < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--rollouts: must be at least 1, got " + rollouts);
        }
        if (!(slowThresholdMs > 0) || !Double.isFinite(slowThresholdMs)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--slow-threshold: must be a positive number of milliseconds, got " + slowThresholdMs);
        }
        LatencyLayout layout;
        try {
            layout = LatencyLayout.named(buckets);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--buckets: " + e.getMessage());
        }
        if (!layout.hasBound(slowThresholdMs)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--slow-threshold: " + Formats.number(slowThresholdMs) + " ms is not a bucket bound of the "
                            + layout.name() + " layout, so no histogram could count the requests above it");
        }
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (workers < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--threads: must be at least 1, got " + workers);
        }
        if (!(quantile >= Benchmark.MIN_QUANTILE && quantile < 1)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--quantile: must be at least " + Formats.number(Benchmark.MIN_QUANTILE) + " and below 1 (the"
                            + " latency metrics judge the slow side), got " + Formats.number(quantile));
        }
        if (atTheMargin && allScenarios) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--at-the-margin and --all-scenarios: choose one; the first runs candidates at the margins, the"
                            + " second every regression");
        }
        List<TrafficModel> models = new ArrayList<>();
        for (String name : traffic == null ? List.<String>of() : traffic) {
            try {
                TrafficModel model = TrafficModel.named(name.strip());
                if (!models.contains(model)) {
                    models.add(model);
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--traffic: " + e.getMessage());
            }
        }
        if (models.isEmpty()) {
            models = TrafficModel.all();
        }
        Files.createDirectories(out);
        if (overhead) {
            String report = Overhead.measure(rollouts, Overhead.CPU_STAGES).markdown();
            console.print(report);
            write(out.resolve("overhead.md"), report);
            console.println("wrote " + out.resolve("overhead.md"));
            console.flush();
            return 0;
        }
        Benchmark.Settings settings = new Benchmark.Settings(
                effectiveRuns,
                Math.max(MIN_CALIBRATION_RUNS, 2 * effectiveRuns),
                seed,
                workers,
                models,
                scenarios(),
                BenchSetup.CANARY_RATES,
                slowThresholdMs,
                layout,
                quantile);
        Instant started = Instant.now();
        Benchmark.Results results = Benchmark.run(settings, line -> {
            synchronized (console) {
                console.println(line);
                console.flush();
            }
        });
        Duration took = Duration.between(started, Instant.now());
        String table = ResultsTable.markdown(results);
        console.println();
        console.print(table);
        write(out.resolve("judges.md"), table);
        write(out.resolve("judges.csv"), ResultsCsv.csv(results));
        write(out.resolve("judges.svg"), ResultsChart.svg(results));
        console.printf(
                Locale.ROOT,
                "%n%d runs per cell, seed %d, traffic %s, %s buckets, latency %s, slow requests over %s ms, %d"
                        + " thread(s), %d s. Wrote judges.md, judges.csv, judges.svg to %s%n",
                effectiveRuns,
                seed,
                String.join(",", models.stream().map(TrafficModel::name).toList()),
                layout.name(),
                BenchSetup.quantileName(quantile),
                Formats.number(slowThresholdMs),
                workers,
                took.toSeconds(),
                out);
        console.flush();
        return 0;
    }

    private List<Scenario> scenarios() {
        if (atTheMargin) {
            return Scenario.atTheMargin(quantile);
        }
        return allScenarios ? Scenario.all(quantile) : Scenario.defaults(quantile);
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
