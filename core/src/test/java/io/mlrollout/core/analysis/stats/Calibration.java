package io.mlrollout.core.analysis.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Calibrates the judge's statistics by simulation and prints the tables recorded in {@code docs/statistics.md}.
 * Seeded, so every run prints the same figures. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl core -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.mlrollout.core.analysis.stats.Calibration
 * </pre>
 *
 * Add {@code -Dexec.args=search} to print the search over mixing priors that chose {@link MixturePrior#calibrated()}.
 */
public final class Calibration {

    /** The error-rate example of the design: maxIncrease 10%. */
    static final double THETA0 = 1.1;

    /** falseRollbackRate 1% split over four tested metrics (Bonferroni). */
    static final double ALPHA = 0.0025;

    /** The canary's share of traffic: baseline traffic is three times the canary's. */
    static final double SHARE = 0.25;

    /** Intervals (minutes) a rollout runs: the design's example bakes 10 + 20 + 30 minutes. */
    static final int HORIZON = 60;

    static final double[] CANARY_RATES = {2, 20, 200};
    static final double[] BASELINE_RATES = {0.005, 0.01, 0.02};
    static final double[] EFFECTS = {1.25, 1.5, 2, 3};

    private static final int RUNS = 2000;
    private static final int NULL_RUNS = 20000;

    private Calibration() {}

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        if (args.length > 0 && args[0].equals("search")) {
            priorSearch();
            return;
        }
        System.out.printf(
                "Settings: theta0 %.2f (maxIncrease 10%%), alpha %.4f per metric, canary share %.0f%%, "
                        + "1-minute intervals, horizon %d intervals, prior %s%n%n",
                THETA0, ALPHA, SHARE * 100, HORIZON, MixturePrior.calibrated());
        priorComparison();
        rateRatioTable();
        trafficNeeded();
        robustness();
        proportionBoundTable();
        mannWhitneyTable();
    }

    // ---- rate ratio: priors -------------------------------------------------------------------------------------

    private static void priorComparison() {
        System.out.println("### Mixing priors compared (mean minutes to a decision, capped at 240, relative to the"
                + " oracle SPRT)\n");
        List<String> names = List.of(
                "calibrated: 5 ratios 1.15-2.5",
                "4 ratios {1.25, 1.5, 2, 3}",
                "point prior at 2 (an SPRT at 2 theta0)",
                "10 ratios 1.05-5",
                "wide: 20 ratios 1.01-100");
        List<MixturePrior> priors = List.of(
                MixturePrior.calibrated(),
                new MixturePrior(new double[] {1.25, 1.5, 2, 3}, new double[] {1, 1, 1, 1}),
                MixturePrior.logSpaced(2, 2, 1),
                MixturePrior.logSpaced(1.05, 5, 10),
                MixturePrior.logSpaced(1.01, 100, 20));
        double[][] scores = priorScores(priors, 1000);
        System.out.println("| prior | geometric mean ratio | worst ratio |");
        System.out.println("|---|---|---|");
        for (int p = 0; p < priors.size(); p++) {
            System.out.printf("| %s | %.2f | %.2f |%n", names.get(p), scores[p][0], scores[p][1]);
        }
        System.out.println();
    }

    private static void priorSearch() {
        List<String> names = new ArrayList<>();
        List<MixturePrior> priors = new ArrayList<>();
        for (double lowest : new double[] {1.1, 1.15, 1.2, 1.25, 1.3}) {
            for (double highest : new double[] {2.5, 3, 4, 6}) {
                for (int points = 2; points <= 8; points++) {
                    names.add(lowest + "-" + highest + " x" + points);
                    priors.add(MixturePrior.logSpaced(lowest, highest, points));
                }
            }
        }
        double[][] scores = priorScores(priors, 300);
        Integer[] order = new Integer[priors.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i][0]));
        System.out.println("| log-spaced prior (lowest-highest x points) | geometric mean ratio | worst ratio |");
        System.out.println("|---|---|---|");
        for (int i = 0; i < 20; i++) {
            int p = order[i];
            System.out.printf("| %s | %.3f | %.3f |%n", names.get(p), scores[p][0], scores[p][1]);
        }
    }

    /**
     * For each prior: the geometric mean and the worst, over the cells (canary rate × baseline rate × effect) in which
     * the oracle needs between 1 and 120 minutes on average, of the prior's mean minutes over the oracle's.
     */
    private static double[][] priorScores(List<MixturePrior> priors, int runs) {
        int cap = 240;
        double[] logSum = new double[priors.size()];
        double[] worst = new double[priors.size()];
        int cells = 0;
        for (double rate : CANARY_RATES) {
            for (double baselineRate : BASELINE_RATES) {
                for (double effect : EFFECTS) {
                    Traffic traffic = new Traffic(rate, SHARE, baselineRate);
                    double oracle = mean(Sequential.run(oracle(effect), traffic, effect, cap, runs, 1), cap);
                    if (oracle <= 1.05 || oracle >= cap / 2.0) {
                        continue; // decided in the first minute by everyone, or out of reach
                    }
                    cells++;
                    for (int p = 0; p < priors.size(); p++) {
                        double ours = mean(
                                Sequential.run(
                                        Sequential.mixture(new RateRatioTest(THETA0, ALPHA, priors.get(p), 0)),
                                        traffic,
                                        effect,
                                        cap,
                                        runs,
                                        1),
                                cap);
                        logSum[p] += Math.log(ours / oracle);
                        worst[p] = Math.max(worst[p], ours / oracle);
                    }
                }
            }
        }
        double[][] scores = new double[priors.size()][];
        for (int p = 0; p < priors.size(); p++) {
            scores[p] = new double[] {Math.exp(logSum[p] / cells), worst[p]};
        }
        return scores;
    }

    // ---- rate ratio: the calibrated test ------------------------------------------------------------------------

    private static void rateRatioTable() {
        System.out.println("### Rate-ratio test with the calibrated prior against the oracle SPRT\n");
        System.out.println("theta = canary bad rate / baseline bad rate. theta 1.0 is an A/A run and 1.1 the null"
                + " boundary (false rejections); the oracle knows theta and exists only for theta > theta0."
                + " Minutes to a decision: median / p90 (>60: not within the horizon).\n");
        System.out.println("| canary req/s | baseline bad | theta | rejected within 60 min | median / p90 min"
                + " | oracle rejected | oracle median / p90 | median vs oracle |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        RateRatioTest test = new RateRatioTest(THETA0, ALPHA);
        for (double rate : CANARY_RATES) {
            for (double baselineRate : BASELINE_RATES) {
                Traffic traffic = new Traffic(rate, SHARE, baselineRate);
                for (double theta : new double[] {1.0, THETA0}) {
                    int[] ours = Sequential.run(Sequential.mixture(test), traffic, theta, HORIZON, NULL_RUNS, 7);
                    System.out.printf(
                            "| %s | %s | %.2f | %s | %s | | | |%n",
                            number(rate), percent(baselineRate), theta, rate(ours), minutes(ours));
                }
                for (double theta : EFFECTS) {
                    int[] ours = Sequential.run(Sequential.mixture(test), traffic, theta, HORIZON, RUNS, 11);
                    int[] oracle = Sequential.run(oracle(theta), traffic, theta, HORIZON, RUNS, 11);
                    System.out.printf(
                            "| %s | %s | %.2f | %s | %s | %s | %s | %s |%n",
                            number(rate),
                            percent(baselineRate),
                            theta,
                            rate(ours),
                            minutes(ours),
                            rate(oracle),
                            minutes(oracle),
                            ratio(ours, oracle));
                }
            }
        }
        System.out.println();
    }

    private static void trafficNeeded() {
        System.out.println("### Canary traffic needed to catch a regression within 10 minutes\n");
        System.out.println("Smallest canary request rate (req/s, from a ladder) at which the test rejects within 10"
                + " one-minute intervals in half of the runs (median) and in 90% of them.\n");
        System.out.println("| baseline bad | theta | median within 10 min | 90% within 10 min |");
        System.out.println("|---|---|---|---|");
        double[] ladder = {0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100, 150, 200, 300, 500, 700, 1000};
        RateRatioTest test = new RateRatioTest(THETA0, ALPHA);
        for (double baselineRate : BASELINE_RATES) {
            for (double theta : new double[] {1.5, 2, 3}) {
                String half = "> 1000";
                String most = "> 1000";
                for (double rate : ladder) {
                    int[] ours = Sequential.run(
                            Sequential.mixture(test), new Traffic(rate, SHARE, baselineRate), theta, 10, 500, 13);
                    double detected = detected(ours);
                    if (detected >= 0.5 && half.startsWith(">")) {
                        half = number(rate);
                    }
                    if (detected >= 0.9) {
                        most = number(rate);
                        break;
                    }
                }
                System.out.printf("| %s | %.1f | %s | %s |%n", percent(baselineRate), theta, half, most);
            }
        }
        System.out.println();
    }

    private static void robustness() {
        System.out.println("### False rejections when the model is bent (rate-ratio test, 20 req/s, 1% baseline)\n");
        System.out.println("| situation | theta | rejected within 60 min |");
        System.out.println("|---|---|---|");
        RateRatioTest test = new RateRatioTest(THETA0, ALPHA);
        Traffic traffic = new Traffic(20, SHARE, 0.01);
        for (double theta : new double[] {1.0, THETA0}) {
            // Prometheus' increase() over 1m with a 15 s scrape sees ~45 s of events and extrapolates by 60/45.
            int[] scaled = runScaled(test, traffic, theta, 45, 60.0 / 45);
            System.out.printf(
                    "| counts of 45 s extrapolated to 60 s (x1.33), as given | %.2f | %s |%n", theta, rate(scaled));
            int[] corrected = runScaled(test, traffic, theta, 45, 1);
            System.out.printf(
                    "| same counts divided back by 1.33 before add() | %.2f | %s |%n", theta, rate(corrected));
        }
        int[] stages = runStages(test, THETA0);
        System.out.printf(
                "| share changes 5%% -> 25%% -> 50%% (10/20/30 min, 80 req/s total) | %.2f | %s |%n",
                THETA0, rate(stages));
        int[] drifting = runDriftingRate(test, THETA0);
        System.out.printf(
                "| bad rate of both versions drifts per minute (x e^N(0,0.5), common) | %.2f | %s |%n",
                THETA0, rate(drifting));
        System.out.println();
    }

    private static int[] runScaled(RateRatioTest test, Traffic traffic, double theta, double seconds, double scale) {
        UniformRandomProvider rng = Sequential.rng(17);
        int[] result = new int[NULL_RUNS];
        for (int r = 0; r < NULL_RUNS; r++) {
            Predicate<Traffic.Counts> rejects = Sequential.mixture(test).get();
            result[r] = Sequential.NEVER;
            for (int i = 1; i <= HORIZON; i++) {
                if (rejects.test(traffic.interval(rng, theta, seconds).scaled(scale))) {
                    result[r] = i;
                    break;
                }
            }
        }
        return result;
    }

    private static int[] runStages(RateRatioTest test, double theta) {
        UniformRandomProvider rng = Sequential.rng(19);
        double endpointPerSecond = 80;
        double[] shares = {0.05, 0.25, 0.5};
        int[] minutes = {10, 20, 30};
        int[] result = new int[NULL_RUNS];
        for (int r = 0; r < NULL_RUNS; r++) {
            Predicate<Traffic.Counts> rejects = Sequential.mixture(test).get();
            result[r] = Sequential.NEVER;
            int interval = 0;
            stages:
            for (int s = 0; s < shares.length; s++) {
                Traffic traffic = new Traffic(endpointPerSecond * shares[s], shares[s], 0.01);
                for (int i = 0; i < minutes[s]; i++) {
                    interval++;
                    if (rejects.test(traffic.interval(rng, theta, 60))) {
                        result[r] = interval;
                        break stages;
                    }
                }
            }
        }
        return result;
    }

    private static int[] runDriftingRate(RateRatioTest test, double theta) {
        UniformRandomProvider rng = Sequential.rng(23);
        SplittableRandom noise = new SplittableRandom(29);
        int[] result = new int[NULL_RUNS];
        for (int r = 0; r < NULL_RUNS; r++) {
            Predicate<Traffic.Counts> rejects = Sequential.mixture(test).get();
            result[r] = Sequential.NEVER;
            for (int i = 1; i <= HORIZON; i++) {
                double baselineRate = Math.min(0.05, 0.01 * Math.exp(0.5 * noise.nextGaussian()));
                if (rejects.test(new Traffic(20, SHARE, baselineRate).interval(rng, theta, 60))) {
                    result[r] = i;
                    break;
                }
            }
        }
        return result;
    }

    // ---- absolute bound -----------------------------------------------------------------------------------------

    private static void proportionBoundTable() {
        System.out.println("### Absolute bound test (max 1% bad), calibrated prior\n");
        System.out.println("| canary req/s | canary bad | rejected within 60 min | median / p90 min |");
        System.out.println("|---|---|---|---|");
        ProportionBoundTest test = new ProportionBoundTest(0.01, ALPHA);
        for (double rate : CANARY_RATES) {
            for (double fraction : new double[] {0.005, 0.01, 0.0125, 0.015, 0.02, 0.03}) {
                // the baseline is irrelevant here: theta scales the canary's rate from a 1% baseline
                Traffic traffic = new Traffic(rate, SHARE, 0.01);
                int runs = fraction <= 0.01 ? NULL_RUNS : RUNS;
                int[] ours = Sequential.run(Sequential.bound(test), traffic, fraction / 0.01, HORIZON, runs, 31);
                System.out.printf(
                        "| %s | %s | %s | %s |%n", number(rate), percent(fraction), rate(ours), minutes(ours));
            }
        }
        System.out.println();
    }

    // ---- Mann-Whitney with alpha spending -----------------------------------------------------------------------

    private static void mannWhitneyTable() {
        System.out.println(
                "### Mann-Whitney with a 15% margin over a growing window, alpha spent over 60 planned looks\n");
        System.out.println("Per-minute p99 latency: 200 ms x e^N(0, 0.1) for the baseline, times the effect for the"
                + " canary; higher is worse. Effect 1.0 is A/A, 1.15 the null boundary.\n");
        System.out.println("| spending exponent | effect | looks | rejected | median / p90 looks |");
        System.out.println("|---|---|---|---|---|");
        MarginMannWhitneyTest test = new MarginMannWhitneyTest(Worse.HIGHER, 0.15);
        for (double effect : new double[] {1.0, 1.15}) {
            // 90 looks: a 60-look plan extended by half, to show the reserved tail at work
            int[] result = runMannWhitney(test, AlphaSpending.of(ALPHA, HORIZON), effect, 90, 2000, 37);
            System.out.printf(
                    "| %.0f | %.2f | 90 | %s | %s |%n",
                    AlphaSpending.DEFAULT_EXPONENT, effect, rate(result), minutes(result, 90));
        }
        for (double exponent : new double[] {1, 2, 3}) {
            AlphaSpending spending = new AlphaSpending(ALPHA, HORIZON, exponent, AlphaSpending.DEFAULT_RESERVED_TAIL);
            for (double effect : new double[] {1.25, 1.3, 1.5, 2}) {
                int[] result = runMannWhitney(test, spending, effect, HORIZON, 500, 41);
                System.out.printf("| %.0f | %.2f | 60 | %s | %s |%n", exponent, effect, rate(result), minutes(result));
            }
        }
        System.out.println();
    }

    private static int[] runMannWhitney(
            MarginMannWhitneyTest test, AlphaSpending spending, double effect, int looks, int runs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] result = new int[runs];
        for (int r = 0; r < runs; r++) {
            double[] canary = new double[looks];
            double[] baseline = new double[looks];
            result[r] = Sequential.NEVER;
            for (int k = 1; k <= looks; k++) {
                baseline[k - 1] = 200 * Math.exp(0.1 * random.nextGaussian());
                canary[k - 1] = effect * 200 * Math.exp(0.1 * random.nextGaussian());
                MannWhitneyEvidence evidence = test.test(Arrays.copyOf(canary, k), Arrays.copyOf(baseline, k));
                if (evidence.rejectsAt(spending.levelAt(k))) {
                    result[r] = k;
                    break;
                }
            }
        }
        return result;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static Supplier<Predicate<Traffic.Counts>> oracle(double theta) {
        return Sequential.oracle(THETA0, theta, ALPHA);
    }

    private static double detected(int[] intervals) {
        return Arrays.stream(intervals).filter(i -> i != Sequential.NEVER).count() / (double) intervals.length;
    }

    private static double mean(int[] intervals, int cap) {
        return Arrays.stream(intervals)
                .mapToDouble(i -> Math.min(i, cap))
                .average()
                .orElseThrow();
    }

    private static int quantile(int[] intervals, double q) {
        int[] sorted = intervals.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(q * sorted.length) - 1];
    }

    private static String rate(int[] intervals) {
        long hits = Arrays.stream(intervals).filter(i -> i != Sequential.NEVER).count();
        return String.format("%.2f%% (%d/%d)", 100.0 * hits / intervals.length, hits, intervals.length);
    }

    private static String minutes(int[] intervals) {
        return minutes(intervals, HORIZON);
    }

    private static String minutes(int[] intervals, int horizon) {
        return show(quantile(intervals, 0.5), horizon) + " / " + show(quantile(intervals, 0.9), horizon);
    }

    private static String ratio(int[] ours, int[] oracle) {
        int a = quantile(ours, 0.5);
        int b = quantile(oracle, 0.5);
        return a == Sequential.NEVER || b == Sequential.NEVER ? "-" : String.format("%.2f", a / (double) b);
    }

    private static String show(int interval, int horizon) {
        return interval == Sequential.NEVER ? ">" + horizon : Integer.toString(interval);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String percent(double fraction) {
        return number(Math.round(fraction * 10000) / 100.0) + "%";
    }
}
