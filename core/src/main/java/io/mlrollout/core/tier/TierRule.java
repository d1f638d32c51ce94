package io.mlrollout.core.tier;

import java.util.Objects;

/**
 * One tier of a policy: the first whose rule holds for the stated facts decides the rollout's sign-offs.
 *
 * @param path where it was written, e.g. {@code tiers[0]}, so decisions and errors can name it
 * @param name the tier's name, e.g. minor
 * @param when a CEL expression over the declared facts that yields a bool
 * @param signOff what the tier does to the sign-offs
 */
public record TierRule(String path, String name, String when, TierSignOff signOff) {

    public TierRule {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(signOff, "signOff");
    }
}
