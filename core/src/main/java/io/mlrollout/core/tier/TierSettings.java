package io.mlrollout.core.tier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy's {@code facts} and {@code tiers}: the facts its pipeline must state, with their types, and the tiers, in
 * order.
 */
public record TierSettings(Map<String, FactType> facts, List<TierRule> tiers) {

    public TierSettings {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        tiers = List.copyOf(tiers);
    }

    /** A policy without facts or tiers: its sign-offs are as written. */
    public static TierSettings none() {
        return new TierSettings(Map.of(), List.of());
    }

    public boolean isEmpty() {
        return facts.isEmpty() && tiers.isEmpty();
    }
}
