package io.mlrollout.simulator;

/**
 * The simulator's traffic split as the webhook traffic API reports it.
 *
 * @param baseline the baseline version's name
 * @param canary the canary version's name
 * @param canaryWeight percent of requests routed to the canary, 0..100
 * @param ready false while a readiness delay after the last change has not yet passed
 * @param mirrorPercent percent of the baseline's requests also served, as a copy, by the canary (a shadow stage)
 */
public record Split(String baseline, String canary, int canaryWeight, boolean ready, int mirrorPercent) {}
