package io.mlrollout.simulator;

import java.util.Objects;

/**
 * How one simulated model version behaves: how often it fails, how long it takes and what scores it predicts. Use the
 * withers to set up a scenario, e.g. {@code VersionProfile.named("v2").withErrorRate(0.02).withLatency(80, 0.4)}.
 *
 * @param name the version's name, as it appears in the metrics' version labels
 * @param errorRate fraction of requests answered with HTTP 500, in [0, 1]
 * @param latencyMedianMs median of the log-normal latency, in milliseconds
 * @param latencySigma standard deviation of the latency's logarithm (0 gives a constant latency)
 * @param scoreAlpha first shape parameter of the Beta distribution of prediction scores
 * @param scoreBeta second shape parameter of the Beta distribution of prediction scores
 */
public record VersionProfile(
        String name,
        double errorRate,
        double latencyMedianMs,
        double latencySigma,
        double scoreAlpha,
        double scoreBeta) {

    public VersionProfile {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException(
                    "name must be letters, digits, '.', '_' or '-' (starting with a letter or digit), got '" + name
                            + "'");
        }
        requireIn(errorRate, 0, 1, "errorRate");
        requirePositive(latencyMedianMs, "latencyMedianMs");
        requireIn(latencySigma, 0, 10, "latencySigma");
        requirePositive(scoreAlpha, "scoreAlpha");
        requirePositive(scoreBeta, "scoreBeta");
    }

    /** A healthy version: no errors, 50 ms median latency (sigma 0.5), scores Beta(2, 5). */
    public static VersionProfile named(String name) {
        return new VersionProfile(name, 0, 50, 0.5, 2, 5);
    }

    public VersionProfile withName(String newName) {
        return new VersionProfile(newName, errorRate, latencyMedianMs, latencySigma, scoreAlpha, scoreBeta);
    }

    public VersionProfile withErrorRate(double rate) {
        return new VersionProfile(name, rate, latencyMedianMs, latencySigma, scoreAlpha, scoreBeta);
    }

    public VersionProfile withLatency(double medianMs, double sigma) {
        return new VersionProfile(name, errorRate, medianMs, sigma, scoreAlpha, scoreBeta);
    }

    public VersionProfile withScores(double alpha, double beta) {
        return new VersionProfile(name, errorRate, latencyMedianMs, latencySigma, alpha, beta);
    }

    private static void requireIn(double value, double min, double max, String field) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static void requirePositive(double value, String field) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a positive finite number, got " + value);
        }
    }
}
