package io.mlrollout.simulator;

import java.util.Map;

/**
 * The counters of both versions at one moment.
 *
 * @param baseline the baseline version's counters
 * @param canary the canary version's counters
 */
public record Snapshot(VersionStats baseline, VersionStats canary) {

    /** The counters of the named version. */
    public VersionStats of(String version) {
        if (baseline.version().equals(version)) {
            return baseline;
        }
        if (canary.version().equals(version)) {
            return canary;
        }
        throw new IllegalArgumentException("version '" + version + "' is neither the baseline (" + baseline.version()
                + ") nor the canary (" + canary.version() + ")");
    }

    /** Both versions by name. */
    public Map<String, VersionStats> byVersion() {
        return Map.of(baseline.version(), baseline, canary.version(), canary);
    }
}
