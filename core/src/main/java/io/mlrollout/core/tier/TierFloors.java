package io.mlrollout.core.tier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An endpoint's floors: the facts they read, with their types (every rollout to the endpoint must state them), and
 * the floors, every one of which applies when its rule holds.
 */
public record TierFloors(Map<String, FactType> facts, List<TierFloor> floors) {

    public TierFloors {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        floors = List.copyOf(floors);
    }

    public static TierFloors none() {
        return new TierFloors(Map.of(), List.of());
    }

    public boolean isEmpty() {
        return facts.isEmpty() && floors.isEmpty();
    }
}
