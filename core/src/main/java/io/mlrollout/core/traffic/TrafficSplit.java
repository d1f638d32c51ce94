package io.mlrollout.core.traffic;

import java.io.Serializable;

/**
 * A split of an endpoint's traffic between two model versions, as the router reports it.
 *
 * @param baseline the version serving the rest of the traffic
 * @param canary the candidate version
 * @param canaryWeight percent of traffic to the candidate, 0..100
 * @param ready whether the router has finished applying this split (e.g. the new revision is up)
 */
public record TrafficSplit(String baseline, String canary, int canaryWeight, boolean ready) implements Serializable {

    public TrafficSplit {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("canaryWeight must be 0..100, got " + canaryWeight);
        }
    }

    @Override
    public String toString() {
        return baseline + " " + (100 - canaryWeight) + "% / " + canary + " " + canaryWeight + "%"
                + (ready ? "" : " (not ready)");
    }
}
