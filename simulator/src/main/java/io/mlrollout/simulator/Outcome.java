package io.mlrollout.simulator;

import java.util.OptionalDouble;

/**
 * One simulated request's result.
 *
 * @param version the version the split routed it to
 * @param status the HTTP status it was answered with (200, 500 for a model error, 503 during a serving outage)
 * @param latencyMs its simulated latency
 * @param score the predicted score; empty when the request failed
 */
public record Outcome(String version, int status, double latencyMs, OptionalDouble score) {}
