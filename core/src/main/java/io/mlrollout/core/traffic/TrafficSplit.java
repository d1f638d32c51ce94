package io.mlrollout.core.traffic;

import java.io.Serializable;

/**
 * A split of an endpoint's traffic between two model versions, as the router reports it.
 *
 * @param baseline the version serving the rest of the traffic
 * @param canary the candidate version
 * @param canaryWeight percent of traffic to the candidate, 0..100
 * @param ready whether the router has finished applying this split (e.g. the new revision is up)
 * @param mirrorPercent percent of the baseline's requests copied to the candidate, whose answers are thrown away
 *     (a shadow stage); 0 when nothing is mirrored
 */
public record TrafficSplit(String baseline, String canary, int canaryWeight, boolean ready, int mirrorPercent)
        implements Serializable {

    public TrafficSplit {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("canaryWeight must be 0..100, got " + canaryWeight);
        }
        if (mirrorPercent < 0 || mirrorPercent > 100) {
            throw new IllegalArgumentException("mirrorPercent must be 0..100, got " + mirrorPercent);
        }
    }

    /** A split that mirrors nothing. */
    public TrafficSplit(String baseline, String canary, int canaryWeight, boolean ready) {
        this(baseline, canary, canaryWeight, ready, 0);
    }

    @Override
    public String toString() {
        return baseline + " " + (100 - canaryWeight) + "% / " + canary + " " + canaryWeight + "%"
                + (mirrorPercent > 0 ? ", mirroring " + mirrorPercent + "% to " + canary : "")
                + (ready ? "" : " (not ready)");
    }
}
