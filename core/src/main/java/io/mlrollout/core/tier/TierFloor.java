package io.mlrollout.core.tier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An administrator's floor on an endpoint: when its rule holds, these roles must sign, whatever tier the pipeline's
 * policy chose.
 *
 * @param path where it was written, e.g. {@code floors[0]}
 * @param when a CEL expression over the declared facts that yields a bool
 * @param roles how many approvals each role must give at least
 */
public record TierFloor(String path, String when, Map<String, Integer> roles) {

    public TierFloor {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(when, "when");
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    }
}
