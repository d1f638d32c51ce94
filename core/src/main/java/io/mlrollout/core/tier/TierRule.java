package io.mlrollout.core.tier;

import io.mlrollout.core.policy.MetricBounds;
import io.mlrollout.core.policy.Stage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One tier of a policy: the first whose rule holds for the stated facts decides the rollout's sign-offs, and may give
 * it other stages and other bounds.
 *
 * @param path where it was written, e.g. {@code tiers[0]}, so decisions and errors can name it
 * @param name the tier's name, e.g. minor
 * @param when a CEL expression over the declared facts that yields a bool
 * @param signOff what the tier does to the sign-offs
 * @param stages the stages that replace the policy's when the tier is chosen; empty to keep the policy's
 * @param metrics bounds by metric name, each replacing that bound of the policy's metric; empty to keep them all
 */
public record TierRule(
        String path,
        String name,
        String when,
        TierSignOff signOff,
        List<Stage> stages,
        Map<String, MetricBounds> metrics) {

    public TierRule {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(signOff, "signOff");
        stages = List.copyOf(stages);
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
