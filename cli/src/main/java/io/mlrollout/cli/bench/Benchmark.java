package io.mlrollout.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs every judge on the same seeded rollouts, cell by cell (scenario × canary traffic), and collects their decisions.
 * Run r of a traffic level uses the same seed in every scenario, so the scenarios differ only by their effect. The
 * figures do not depend on the number of threads.
 */
final class Benchmark {

    /** Keeps the threshold calibration's streams apart from the judged ones. */
    private static final long CALIBRATION_STREAMS = 0x5EEDCA1BL;

    /**
     * What to run.
     *
     * @param runs rollouts per cell
     * @param calibrationRuns A/A rollouts per traffic level for {@link TrafficCalibration}
     * @param seed the seed every stream derives from
     * @param threads cells run in parallel
     * @param slowThresholdMs the latency above which a request counts as slow, for the slow-requests metric
     */
    record Settings(
            int runs,
            int calibrationRuns,
            long seed,
            int threads,
            List<Scenario> scenarios,
            List<Double> rates,
            double slowThresholdMs) {

        Settings {
            if (runs < 1) {
                throw new IllegalArgumentException("runs must be at least 1, got " + runs);
            }
            if (calibrationRuns < 1 / TrafficCalibration.BUDGET_PER_METRIC) {
                throw new IllegalArgumentException("calibrationRuns must be at least "
                        + (int) (1 / TrafficCalibration.BUDGET_PER_METRIC) + " to set a threshold at a "
                        + TrafficCalibration.BUDGET_PER_METRIC + " tail, got " + calibrationRuns);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (!(slowThresholdMs > 0) || !Double.isFinite(slowThresholdMs)) {
                throw new IllegalArgumentException("slowThresholdMs must be a positive number, got " + slowThresholdMs);
            }
            scenarios = List.copyOf(scenarios);
            rates = List.copyOf(rates);
        }
    }

    /** The figures: calibrations by traffic level, then one result per cell and judge. */
    record Results(Settings settings, Map<Double, TrafficCalibration> calibrations, List<CellResult> cells) {

        Results {
            calibrations = Map.copyOf(calibrations);
            cells = List.copyOf(cells);
        }

        CellResult cell(Scenario scenario, double canaryPerSecond, Contender contender) {
            return cells.stream()
                    .filter(c -> c.scenario().equals(scenario)
                            && c.canaryPerSecond() == canaryPerSecond
                            && c.contender() == contender)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no cell " + scenario.name() + " at " + canaryPerSecond + " for " + contender));
        }
    }

    private Benchmark() {}

    static Results run(Settings settings, Consumer<String> progress) {
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
        try {
            List<Callable<TrafficCalibration>> calibrating = new ArrayList<>();
            for (double rate : settings.rates()) {
                calibrating.add(() -> TrafficCalibration.of(
                        new TrafficModel(rate, settings.slowThresholdMs()),
                        settings.calibrationRuns(),
                        Seeds.of(settings.seed() ^ CALIBRATION_STREAMS, Double.doubleToLongBits(rate))));
            }
            Map<Double, TrafficCalibration> calibrations = new LinkedHashMap<>();
            for (TrafficCalibration calibration : all(pool, calibrating)) {
                calibrations.put(calibration.canaryPerSecond(), calibration);
                progress.accept("calibrated " + Formats.number(calibration.canaryPerSecond()) + " req/s: "
                        + Formats.describe(calibration));
            }
            List<Callable<List<CellResult>>> cells = new ArrayList<>();
            for (Scenario scenario : settings.scenarios()) {
                for (double rate : settings.rates()) {
                    cells.add(() -> {
                        List<CellResult> cell = runCell(settings, scenario, rate, calibrations.get(rate));
                        progress.accept("ran " + scenario.name() + " at " + Formats.number(rate) + " req/s");
                        return cell;
                    });
                }
            }
            List<CellResult> results = new ArrayList<>();
            all(pool, cells).forEach(results::addAll);
            return new Results(settings, calibrations, results);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<CellResult> runCell(
            Settings settings, Scenario scenario, double rate, TrafficCalibration calibration) {
        TrafficModel model = new TrafficModel(rate, settings.slowThresholdMs());
        Contender[] contenders = Contender.values();
        RolloutJudge[] judges = new RolloutJudge[contenders.length];
        for (int j = 0; j < contenders.length; j++) {
            judges[j] = contenders[j].judgeFor(scenario, calibration, settings.slowThresholdMs());
        }
        int[][] decisions = new int[contenders.length][settings.runs()];
        long streams = Seeds.of(settings.seed(), Double.doubleToLongBits(rate));
        for (int r = 0; r < settings.runs(); r++) {
            Traffic traffic = model.generate(scenario, Seeds.of(streams, r));
            for (int j = 0; j < judges.length; j++) {
                decisions[j][r] = judges[j].decide(traffic);
            }
        }
        List<CellResult> results = new ArrayList<>();
        for (int j = 0; j < contenders.length; j++) {
            results.add(new CellResult(scenario, rate, contenders[j], decisions[j]));
        }
        return results;
    }

    private static <T> List<T> all(ExecutorService pool, List<Callable<T>> tasks) {
        List<T> results = new ArrayList<>();
        try {
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the benchmark was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a benchmark cell failed: " + e.getCause(), e.getCause());
        }
        return results;
    }
}
