package io.mlrollout.cli.bench;

import io.mlrollout.simulator.traffic.TrafficModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Runs every judge on the same seeded rollouts, cell by cell (traffic model × scenario × canary traffic), and collects
 * their decisions. Run r of a traffic level uses the same seed in every scenario and every traffic model, so the
 * scenarios differ only by their effect and the models only by their factors. The threshold judge, the two clairvoyant
 * ones and the two tuned Kayenta-style judges are calibrated per traffic model and level, on that model's simulated
 * rollouts with seeds of their own. The figures do not depend on the number of threads.
 */
final class Benchmark {

    /** The lowest latency quantile the benchmark reads: its latency metrics judge the slow side of the distribution. */
    static final double MIN_QUANTILE = 0.5;

    /** Keeps the threshold calibration's streams apart from the judged ones. */
    private static final long CALIBRATION_STREAMS = 0x5EEDCA1BL;

    /** Keeps the Kayenta tuning's streams apart from the judged ones and from the threshold calibration's. */
    private static final long KAYENTA_TUNING_STREAMS = 0x4A1E7A7AL;

    /** Keeps the streams of the Kayenta tuning held to the margins apart from every other. */
    private static final long KAYENTA_MARGIN_STREAMS = 0x4A1E3A61L;

    /**
     * What to run.
     *
     * @param runs rollouts per cell
     * @param calibrationRuns A/A rollouts per traffic level for {@link TrafficCalibration} and for
     *     {@link KayentaCalibration}, which also judges a tenth as many (at least 100) with doubled errors; and
     *     rollouts of each kind a policy allows for {@link KayentaMarginCalibration}, which also judges a tenth as many
     *     (at least 100) of each regression it is tuned on
     * @param seed the seed every stream derives from
     * @param threads cells run in parallel
     * @param slowThresholdMs the latency above which a request counts as slow, for the slow-requests metric
     * @param layout the latency buckets every minute is drawn in
     * @param quantile the latency quantile every judge's latency metric reads (0.99: the p99)
     */
    record Settings(
            int runs,
            int calibrationRuns,
            long seed,
            int threads,
            List<TrafficModel> models,
            List<Scenario> scenarios,
            List<Double> rates,
            double slowThresholdMs,
            LatencyLayout layout,
            double quantile) {

        /** With Istio's buckets and the p99. */
        Settings(
                int runs,
                int calibrationRuns,
                long seed,
                int threads,
                List<TrafficModel> models,
                List<Scenario> scenarios,
                List<Double> rates,
                double slowThresholdMs) {
            this(
                    runs,
                    calibrationRuns,
                    seed,
                    threads,
                    models,
                    scenarios,
                    rates,
                    slowThresholdMs,
                    LatencyLayout.ISTIO,
                    BenchSetup.DEFAULT_QUANTILE);
        }

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
            if (!layout.hasBound(slowThresholdMs)) {
                throw new IllegalArgumentException("slowThresholdMs must be a bucket bound of the " + layout.name()
                        + " layout, got " + slowThresholdMs);
            }
            if (!(quantile >= MIN_QUANTILE && quantile < 1)) {
                throw new IllegalArgumentException(
                        "quantile must be at least " + MIN_QUANTILE + " and below 1, got " + quantile);
            }
            if (models.isEmpty()) {
                throw new IllegalArgumentException("models must name at least one traffic model");
            }
            models = List.copyOf(models);
            scenarios = List.copyOf(scenarios);
            rates = List.copyOf(rates);
        }
    }

    /** A traffic model at one canary traffic: what the calibrations are made for. */
    record Level(String model, double canaryPerSecond) {}

    /** The figures: calibrations and Kayenta tunings by level, then one result per cell and judge. */
    record Results(
            Settings settings,
            Map<Level, TrafficCalibration> calibrations,
            Map<Level, KayentaTuning> kayentaTunings,
            Map<Level, KayentaMarginTuning> kayentaMarginTunings,
            List<CellResult> cells) {

        Results {
            calibrations = Map.copyOf(calibrations);
            kayentaTunings = Map.copyOf(kayentaTunings);
            kayentaMarginTunings = Map.copyOf(kayentaMarginTunings);
            cells = List.copyOf(cells);
        }

        CellResult cell(String model, Scenario scenario, double canaryPerSecond, Contender contender) {
            return cells.stream()
                    .filter(c -> c.model().equals(model)
                            && c.scenario().equals(scenario)
                            && c.canaryPerSecond() == canaryPerSecond
                            && c.contender() == contender)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no cell " + model + " " + scenario.name() + " at "
                            + canaryPerSecond + " for " + contender));
        }
    }

    private Benchmark() {}

    static Results run(Settings settings, Consumer<String> progress) {
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
        try {
            List<Level> levels = new ArrayList<>();
            List<Callable<TrafficCalibration>> calibrating = new ArrayList<>();
            List<Callable<KayentaTuning>> tuning = new ArrayList<>();
            List<Callable<KayentaMarginTuning>> marginTuning = new ArrayList<>();
            for (TrafficModel model : settings.models()) {
                for (double rate : settings.rates()) {
                    RolloutGenerator generator = new RolloutGenerator(
                            model, rate, settings.slowThresholdMs(), settings.layout(), settings.quantile());
                    long level =
                            Seeds.of(Double.doubleToLongBits(rate), model.name().hashCode());
                    levels.add(new Level(model.name(), rate));
                    calibrating.add(() -> TrafficCalibration.of(
                            generator,
                            settings.calibrationRuns(),
                            Seeds.of(settings.seed() ^ CALIBRATION_STREAMS, level)));
                    tuning.add(() -> KayentaCalibration.of(
                                    generator,
                                    settings.calibrationRuns(),
                                    kayentaErrorRuns(settings.calibrationRuns()),
                                    Seeds.of(settings.seed() ^ KAYENTA_TUNING_STREAMS, level))
                            .tune());
                    marginTuning.add(() -> KayentaMarginCalibration.of(
                                    generator,
                                    settings.calibrationRuns(),
                                    kayentaErrorRuns(settings.calibrationRuns()),
                                    Seeds.of(settings.seed() ^ KAYENTA_MARGIN_STREAMS, level))
                            .tune());
                }
            }
            List<Future<TrafficCalibration>> calibrated = submit(pool, calibrating);
            List<Future<KayentaTuning>> tuned = submit(pool, tuning);
            List<Future<KayentaMarginTuning>> marginTuned = submit(pool, marginTuning);
            Map<Level, TrafficCalibration> calibrations = byLevel(
                    levels,
                    calibrated,
                    (level, c) -> "calibrated " + describe(level) + ": " + Formats.describe(c, settings.quantile()),
                    progress);
            Map<Level, KayentaTuning> tunings = byLevel(
                    levels,
                    tuned,
                    (level, t) -> "tuned " + Contender.KAYENTA_TUNED.label() + " for " + describe(level) + ": "
                            + Formats.describe(t),
                    progress);
            Map<Level, KayentaMarginTuning> marginTunings = byLevel(
                    levels,
                    marginTuned,
                    (level, t) -> "tuned " + Contender.KAYENTA_AT_MARGINS.label() + " for " + describe(level) + ": "
                            + Formats.describe(t, settings.quantile()),
                    progress);
            List<Callable<List<CellResult>>> cells = new ArrayList<>();
            for (TrafficModel model : settings.models()) {
                for (Scenario scenario : settings.scenarios()) {
                    for (double rate : settings.rates()) {
                        Level level = new Level(model.name(), rate);
                        cells.add(() -> {
                            List<CellResult> cell = runCell(
                                    settings,
                                    model,
                                    scenario,
                                    rate,
                                    calibrations.get(level),
                                    tunings.get(level),
                                    marginTunings.get(level));
                            progress.accept("ran " + scenario.name() + " under " + describe(level));
                            return cell;
                        });
                    }
                }
            }
            List<CellResult> results = new ArrayList<>();
            results(submit(pool, cells)).forEach(results::addAll);
            return new Results(settings, calibrations, tunings, marginTunings, results);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each level's result, in the levels' order, each reported as {@code line} says once it is in. */
    private static <T> Map<Level, T> byLevel(
            List<Level> levels, List<Future<T>> futures, BiFunction<Level, T, String> line, Consumer<String> progress) {
        Map<Level, T> byLevel = new LinkedHashMap<>();
        List<T> done = results(futures);
        for (int i = 0; i < levels.size(); i++) {
            byLevel.put(levels.get(i), done.get(i));
            progress.accept(line.apply(levels.get(i), done.get(i)));
        }
        return byLevel;
    }

    private static String describe(Level level) {
        return level.model() + " traffic at " + Formats.number(level.canaryPerSecond()) + " req/s";
    }

    /** Doubled-error rollouts the Kayenta tuning judges: a tenth of the A/A ones, at least 100, to find a median. */
    static int kayentaErrorRuns(int calibrationRuns) {
        return Math.max(100, calibrationRuns / 10);
    }

    private static List<CellResult> runCell(
            Settings settings,
            TrafficModel trafficModel,
            Scenario scenario,
            double rate,
            TrafficCalibration calibration,
            KayentaTuning tuning,
            KayentaMarginTuning marginTuning) {
        RolloutGenerator model = new RolloutGenerator(
                trafficModel, rate, settings.slowThresholdMs(), settings.layout(), settings.quantile());
        Contender[] contenders = Contender.values();
        RolloutJudge[] judges = new RolloutJudge[contenders.length];
        for (int j = 0; j < contenders.length; j++) {
            judges[j] = contenders[j].judgeFor(
                    scenario, calibration, tuning, marginTuning, settings.slowThresholdMs(), settings.quantile());
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
            results.add(new CellResult(trafficModel.name(), scenario, rate, contenders[j], decisions[j]));
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
