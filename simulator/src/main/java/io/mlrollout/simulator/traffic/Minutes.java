package io.mlrollout.simulator.traffic;

import java.util.Arrays;
import java.util.Objects;

/**
 * One run's per-minute multiplicative factors from a {@link TrafficModel}, each about 1 on average. A consumer multiplies
 * a version's mean error rate by its error factor, every latency that version serves in the minute by its latency
 * factor, and the endpoint's mean request volume (both versions alike) by the traffic factor, then draws its own counts
 * with the factored means.
 *
 * <p>The arrays are copied in and out; the per-minute getters ({@link #canaryError(int)} and the like) read without
 * copying, for loops over minutes.
 */
public record Minutes(
        double[] canaryErrorFactor,
        double[] baselineErrorFactor,
        double[] canaryLatencyFactor,
        double[] baselineLatencyFactor,
        double[] trafficFactor) {

    public Minutes {
        int length = Objects.requireNonNull(trafficFactor, "trafficFactor").length;
        canaryErrorFactor = checked(canaryErrorFactor, length, "canaryErrorFactor");
        baselineErrorFactor = checked(baselineErrorFactor, length, "baselineErrorFactor");
        canaryLatencyFactor = checked(canaryLatencyFactor, length, "canaryLatencyFactor");
        baselineLatencyFactor = checked(baselineLatencyFactor, length, "baselineLatencyFactor");
        trafficFactor = checked(trafficFactor, length, "trafficFactor");
    }

    /** Minutes, the same for every array. */
    public int length() {
        return trafficFactor.length;
    }

    /** Minutes {@code from} (inclusive) to {@code to} (exclusive) of this run. */
    public Minutes slice(int from, int to) {
        return new Minutes(
                Arrays.copyOfRange(canaryErrorFactor, from, to),
                Arrays.copyOfRange(baselineErrorFactor, from, to),
                Arrays.copyOfRange(canaryLatencyFactor, from, to),
                Arrays.copyOfRange(baselineLatencyFactor, from, to),
                Arrays.copyOfRange(trafficFactor, from, to));
    }

    public double canaryError(int minute) {
        return canaryErrorFactor[minute];
    }

    public double baselineError(int minute) {
        return baselineErrorFactor[minute];
    }

    public double canaryLatency(int minute) {
        return canaryLatencyFactor[minute];
    }

    public double baselineLatency(int minute) {
        return baselineLatencyFactor[minute];
    }

    public double traffic(int minute) {
        return trafficFactor[minute];
    }

    @Override
    public double[] canaryErrorFactor() {
        return canaryErrorFactor.clone();
    }

    @Override
    public double[] baselineErrorFactor() {
        return baselineErrorFactor.clone();
    }

    @Override
    public double[] canaryLatencyFactor() {
        return canaryLatencyFactor.clone();
    }

    @Override
    public double[] baselineLatencyFactor() {
        return baselineLatencyFactor.clone();
    }

    @Override
    public double[] trafficFactor() {
        return trafficFactor.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Minutes m
                && Arrays.equals(canaryErrorFactor, m.canaryErrorFactor)
                && Arrays.equals(baselineErrorFactor, m.baselineErrorFactor)
                && Arrays.equals(canaryLatencyFactor, m.canaryLatencyFactor)
                && Arrays.equals(baselineLatencyFactor, m.baselineLatencyFactor)
                && Arrays.equals(trafficFactor, m.trafficFactor);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(canaryErrorFactor) * 31 + Arrays.hashCode(trafficFactor);
    }

    @Override
    public String toString() {
        return "Minutes[" + length() + "]";
    }

    private static double[] checked(double[] factors, int length, String field) {
        Objects.requireNonNull(factors, field);
        if (factors.length != length) {
            throw new IllegalArgumentException(
                    field + " must hold " + length + " minutes like trafficFactor, got " + factors.length);
        }
        for (int i = 0; i < factors.length; i++) {
            if (!(factors[i] >= 0) || Double.isInfinite(factors[i])) {
                throw new IllegalArgumentException(
                        field + "[" + i + "] must be a finite factor of at least 0, got " + factors[i]);
            }
        }
        return factors.clone();
    }
}
