package io.mlrollout.simulator.traffic;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * How production traffic departs from independent Poisson minutes, as per-minute multiplicative factors on each version's
 * error rate and latency and on the endpoint's request volume ({@link Minutes}). Consumers draw their own Poisson counts
 * with the factored means, so a model adds variation between minutes on top of the counting noise within one.
 *
 * <p>The components, each off at its neutral value, multiply:
 *
 * <ul>
 *   <li><b>Per-version variation</b> ({@code errorCv}, {@code latencyCv}, {@code latencyAutocorrelation}): each
 *       version's error factor and latency factor are log-normal with mean 1 and the given coefficient of variation,
 *       drawn independently for the two versions. With {@code latencyAutocorrelation} ρ &gt; 0 the logarithm of each
 *       follows a stationary AR(1) process with lag-1 autocorrelation ρ (errors and latency alike); with ρ = 0 the
 *       minutes are independent (overdispersion).
 *   <li><b>Bursts</b> ({@code burstChance}, {@code burstFactor}): on each version independently, each minute is a burst
 *       with chance {@code burstChance}, its error factor multiplied by {@code burstFactor}.
 *   <li><b>A shared step</b> ({@code sharedStepFactor}): from a uniformly random minute of the run (of each segment,
 *       see {@link #generateInSegments}) on, both versions' error factors are multiplied by {@code sharedStepFactor}
 *       and their latency factors by 1 + {@value #LATENCY_STEP_PER_ERROR_STEP} × ({@code sharedStepFactor} − 1) (×1.3
 *       for an error step of ×2).
 *   <li><b>A daily cycle</b> ({@code dailyAmplitude}): the traffic factor and both versions' error factors are
 *       multiplied by 1 + A·sin(2π·t / 1440 + φ), t in minutes, φ uniformly random per run.
 *   <li><b>Empty minutes</b> ({@code emptyMinuteChance}): the traffic factor is 0 with this chance per minute, else
 *       1 / (1 − chance), so its mean stays 1.
 * </ul>
 *
 * <p>The presets ({@link #all()}, documented in {@code docs/simulator.md}):
 *
 * <ul>
 *   <li>{@code poisson}: all factors 1, independent Poisson minutes.
 *   <li>{@code overdispersed}: error CV 0.5 and latency CV 0.05 per version, independent minutes.
 *   <li>{@code bursty}: a ×5 error burst one minute in sixty on each version.
 *   <li>{@code shared-shift}: a ×2 error and ×1.3 latency step on both versions at a random minute, and a ±30% daily
 *       cycle of traffic and errors.
 *   <li>{@code autocorrelated}: AR(1) with ρ 0.6, error CV 0.3, latency CV 0.1.
 *   <li>{@code low-traffic}: one minute in five without requests.
 *   <li>{@code production}: the envelope the judge must hold in: error CV 0.5 and latency CV 0.1 with ρ 0.6, ×5 bursts
 *       one minute in sixty, the shared step and the daily cycle.
 * </ul>
 *
 * @param name the preset's name, as {@code --traffic} takes it
 * @param description one line for help texts and reports
 * @param errorCv coefficient of variation of each version's per-minute error factor (0: none)
 * @param burstChance chance per minute and version of an error burst, in [0, 1)
 * @param burstFactor error factor of a burst minute (1: no bursts)
 * @param sharedStepFactor error factor of both versions after the shared step (1: no step)
 * @param dailyAmplitude relative amplitude of the daily cycle of traffic and errors, in [0, 1)
 * @param latencyAutocorrelation lag-1 autocorrelation ρ of each version's log error and log latency factors, in [0, 1)
 * @param latencyCv coefficient of variation of each version's per-minute latency factor (0: none)
 * @param emptyMinuteChance chance that a minute has no requests at all, in [0, 1)
 */
public record TrafficModel(
        String name,
        String description,
        double errorCv,
        double burstChance,
        double burstFactor,
        double sharedStepFactor,
        double dailyAmplitude,
        double latencyAutocorrelation,
        double latencyCv,
        double emptyMinuteChance) {

    /** A shared error step of ×s comes with a latency step of ×(1 + 0.3·(s − 1)): ×1.3 for ×2. */
    public static final double LATENCY_STEP_PER_ERROR_STEP = 0.3;

    /** Minutes in the daily cycle's period. */
    public static final int DAY_MINUTES = 24 * 60;

    private static final List<TrafficModel> PRESETS = List.of(
            new TrafficModel("poisson", "independent Poisson minutes: every factor 1", 0, 0, 1, 1, 0, 0, 0, 0),
            new TrafficModel(
                    "overdispersed",
                    "each version's error rate varies minute to minute (CV 50%), latency too (CV 5%)",
                    0.5,
                    0,
                    1,
                    1,
                    0,
                    0,
                    0.05,
                    0),
            new TrafficModel(
                    "bursty",
                    "one minute in sixty, on either version, has five times the errors",
                    0,
                    1.0 / 60,
                    5,
                    1,
                    0,
                    0,
                    0,
                    0),
            new TrafficModel(
                    "shared-shift",
                    "both versions' errors double and latency grows 30% at a random minute; a ±30% daily cycle",
                    0,
                    0,
                    1,
                    2,
                    0.3,
                    0,
                    0,
                    0),
            new TrafficModel(
                    "autocorrelated",
                    "each version's latency (CV 10%) and error rate (CV 30%) drift, AR(1) with ρ 0.6",
                    0.3,
                    0,
                    1,
                    1,
                    0,
                    0.6,
                    0.1,
                    0),
            new TrafficModel("low-traffic", "one minute in five has no requests at all", 0, 0, 1, 1, 0, 0, 0, 0.2),
            new TrafficModel(
                    "production",
                    "overdispersed (CV 50%) and autocorrelated (ρ 0.6) errors and latency, ×5 bursts, shared step"
                            + " and daily cycle",
                    0.5,
                    1.0 / 60,
                    5,
                    2,
                    0.3,
                    0.6,
                    0.1,
                    0));

    public TrafficModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        requireAtLeast(errorCv, 0, "errorCv");
        requireFraction(burstChance, "burstChance");
        requirePositive(burstFactor, "burstFactor");
        requirePositive(sharedStepFactor, "sharedStepFactor");
        requireFraction(dailyAmplitude, "dailyAmplitude");
        requireFraction(latencyAutocorrelation, "latencyAutocorrelation");
        requireAtLeast(latencyCv, 0, "latencyCv");
        requireFraction(emptyMinuteChance, "emptyMinuteChance");
    }

    /** The preset called {@code name}; an {@link IllegalArgumentException} names the known ones otherwise. */
    public static TrafficModel named(String name) {
        return PRESETS.stream()
                .filter(model -> model.name.equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("unknown traffic model '" + name + "'; known: " + names()));
    }

    /** Every preset, from the old world ({@code poisson}) to {@code production}. */
    public static List<TrafficModel> all() {
        return PRESETS;
    }

    /** The presets' names, comma-separated, for help texts and errors. */
    public static String names() {
        return PRESETS.stream().map(TrafficModel::name).collect(Collectors.joining(", "));
    }

    /** {@code minutes} minutes of factors, the same for the same seed. */
    public Minutes generate(long seed, int minutes) {
        return generateInSegments(seed, minutes);
    }

    /**
     * One run of factors over consecutive segments of {@code segmentMinutes} minutes each, the same for the same seed:
     * the drifts and the daily cycle run on across the segments' borders, and each segment has a shared step of its own
     * at a uniformly random minute of it. The steps multiply, scaled so that the last segment starts at the level a run
     * of its own starts at: the earlier segments' steps lead up to it. So the hour before a rollout and the rollout are
     * one timeline, the rollout's minutes distributed as in a run of their own, and each part as likely to hold a step
     * as a run of its own. One segment is {@link #generate}.
     */
    public Minutes generateInSegments(long seed, int... segmentMinutes) {
        int minutes = 0;
        for (int segment : segmentMinutes) {
            if (segment < 0) {
                throw new IllegalArgumentException("minutes must be at least 0, got " + segment);
            }
            minutes += segment;
        }
        SplittableRandom random = new SplittableRandom(seed);
        // one stream per component, so turning one component on leaves the others' draws as they were
        SplittableRandom canaryNoise = random.split();
        SplittableRandom baselineNoise = random.split();
        SplittableRandom bursts = random.split();
        SplittableRandom shared = random.split();
        SplittableRandom empties = random.split();

        double[] canaryError = drift(canaryNoise, minutes, errorCv);
        double[] canaryLatency = drift(canaryNoise, minutes, latencyCv);
        double[] baselineError = drift(baselineNoise, minutes, errorCv);
        double[] baselineLatency = drift(baselineNoise, minutes, latencyCv);
        double[] traffic = new double[minutes];
        Arrays.fill(traffic, 1);

        for (int t = 0; t < minutes; t++) {
            canaryError[t] *= burst(bursts);
            baselineError[t] *= burst(bursts);
        }
        int[] stepMinutes = new int[segmentMinutes.length];
        int segmentStart = 0;
        for (int s = 0; s < segmentMinutes.length; s++) {
            stepMinutes[s] = segmentStart + shared.nextInt(Math.max(1, segmentMinutes[s]));
            segmentStart += segmentMinutes[s];
        }
        double phase = 2 * Math.PI * shared.nextDouble();
        double latencyStep = 1 + LATENCY_STEP_PER_ERROR_STEP * (sharedStepFactor - 1);
        for (int t = 0; t < minutes; t++) {
            double daily = 1 + dailyAmplitude * Math.sin(2 * Math.PI * t / DAY_MINUTES + phase);
            // the earlier segments' steps lead up to the level the last segment starts at, 1 as in a run of its own
            int steps = stepsBy(stepMinutes, t) - (stepMinutes.length - 1);
            double errorShift = daily * Math.pow(sharedStepFactor, steps);
            double latencyShift = Math.pow(latencyStep, steps);
            canaryError[t] *= errorShift;
            baselineError[t] *= errorShift;
            canaryLatency[t] *= latencyShift;
            baselineLatency[t] *= latencyShift;
            traffic[t] = daily * (empties.nextDouble() < emptyMinuteChance ? 0 : 1 / (1 - emptyMinuteChance));
        }
        return new Minutes(canaryError, baselineError, canaryLatency, baselineLatency, traffic);
    }

    /** How many of the shared steps fell at or before minute {@code t}. */
    private static int stepsBy(int[] stepMinutes, int t) {
        int steps = 0;
        for (int stepMinute : stepMinutes) {
            if (t >= stepMinute) {
                steps++;
            }
        }
        return steps;
    }

    /**
     * Log-normal factors with mean 1 and coefficient of variation {@code cv}, their logarithms a stationary AR(1) with
     * lag-1 autocorrelation {@link #latencyAutocorrelation} (independent when it is 0).
     */
    private double[] drift(SplittableRandom random, int minutes, double cv) {
        double[] factors = new double[minutes];
        double sigma = Math.sqrt(Math.log1p(cv * cv));
        double rho = latencyAutocorrelation;
        double innovation = sigma * Math.sqrt(1 - rho * rho);
        double log = sigma * random.nextGaussian(); // the stationary distribution, so minute 0 is like any other
        for (int t = 0; t < minutes; t++) {
            if (t > 0) {
                log = rho * log + innovation * random.nextGaussian();
            }
            factors[t] = Math.exp(log - sigma * sigma / 2);
        }
        return factors;
    }

    private double burst(SplittableRandom random) {
        return random.nextDouble() < burstChance ? burstFactor : 1;
    }

    private static void requireAtLeast(double value, double min, String field) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    field + " must be a finite number of at least " + min + ", got " + value);
        }
    }

    private static void requirePositive(double value, String field) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a positive finite number, got " + value);
        }
    }

    private static void requireFraction(double value, String field) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1), got " + value);
        }
    }
}
