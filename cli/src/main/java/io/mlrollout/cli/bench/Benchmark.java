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

    /** Keeps the Kayenta tuning's streams apart from the judged ones and from the threshold calibration's. */
    private static final long KAYENTA_TUNING_STREAMS = 0x4A1E7A7AL;

    /**
     * What to run.
     *
     * @param runs rollouts per cell
     * @param calibrationRuns A/A rollouts per traffic level for {@link TrafficCalibration} and for
     *     {@link KayentaCalibration}, which also judges a tenth as many (at least 100) with doubled errors
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

    /** The figures: calibrations and Kayenta tunings by traffic level, then one result per cell and judge. */
    record Results(
            Settings settings,
            Map<Double, TrafficCalibration> calibrations,
            Map<Double, KayentaTuning> kayentaTunings,
            List<CellResult> cells) {

        Results {
            calibrations = Map.copyOf(calibrations);
            kayentaTunings = Map.copyOf(kayentaTunings);
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
            List<Callable<KayentaTuning>> tuning = new ArrayList<>();
            for (double rate : settings.rates()) {
                TrafficModel model = new TrafficModel(rate, settings.slowThresholdMs());
                long level = Double.doubleToLongBits(rate);
                calibrating.add(() -> TrafficCalibration.of(
                        model, settings.calibrationRuns(), Seeds.of(settings.seed() ^ CALIBRATION_STREAMS, level)));
                tuning.add(() -> KayentaCalibration.of(
                                model,
                                settings.calibrationRuns(),
                                kayentaErrorRuns(settings.calibrationRuns()),
                                Seeds.of(settings.seed() ^ KAYENTA_TUNING_STREAMS, level))
                        .tune());
            }
            List<Future<TrafficCalibration>> calibrated = submit(pool, calibrating);
            List<Future<KayentaTuning>> tuned = submit(pool, tuning);
            Map<Double, TrafficCalibration> calibrations = new LinkedHashMap<>();
            for (TrafficCalibration calibration : results(calibrated)) {
                calibrations.put(calibration.canaryPerSecond(), calibration);
                progress.accept("calibrated " + Formats.number(calibration.canaryPerSecond()) + " req/s: "
                        + Formats.describe(calibration));
            }
            Map<Double, KayentaTuning> tunings = new LinkedHashMap<>();
            for (KayentaTuning kayenta : results(tuned)) {
                tunings.put(kayenta.canaryPerSecond(), kayenta);
                progress.accept("tuned " + Contender.KAYENTA_TUNED.label() + " at "
                        + Formats.number(kayenta.canaryPerSecond()) + " req/s: " + Formats.describe(kayenta));
            }
            List<Callable<List<CellResult>>> cells = new ArrayList<>();
            for (Scenario scenario : settings.scenarios()) {
                for (double rate : settings.rates()) {
                    cells.add(() -> {
                        List<CellResult> cell =
                                runCell(settings, scenario, rate, calibrations.get(rate), tunings.get(rate));
                        progress.accept("ran " + scenario.name() + " at " + Formats.number(rate) + " req/s");
                        return cell;
                    });
                }
            }
            List<CellResult> results = new ArrayList<>();
            results(submit(pool, cells)).forEach(results::addAll);
            return new Results(settings, calibrations, tunings, results);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Doubled-error rollouts the Kayenta tuning judges: a tenth of the A/A ones, at least 100, to find a median. */
    static int kayentaErrorRuns(int calibrationRuns) {
        return Math.max(100, calibrationRuns / 10);
    }

    private static List<CellResult> runCell(
            Settings settings, Scenario scenario, double rate, TrafficCalibration calibration, KayentaTuning tuning) {
        TrafficModel model = new TrafficModel(rate, settings.slowThresholdMs());
        Contender[] contenders = Contender.values();
        RolloutJudge[] judges = new RolloutJudge[contenders.length];
        for (int j = 0; j < contenders.length; j++) {
            judges[j] = contenders[j].judgeFor(scenario, calibration, tuning, settings.slowThresholdMs());
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

    private static <T> List<Future<T>> submit(ExecutorService pool, List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        return futures;
    }

    private static <T> List<T> results(List<Future<T>> futures) {
        List<T> results = new ArrayList<>();
        try {
            for (Future<T> future : futures) {
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
