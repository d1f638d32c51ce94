package io.mlrollout.core.tier;

import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.MetricBounds;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which tier the stated facts chose, once at the start, what it changed and what the endpoint's floors added: recorded
 * in the log and the evidence.
 *
 * @param tier the chosen tier's name; empty when the policy has no tiers (only the endpoint's floors applied)
 * @param rule where the chosen tier was written, e.g. {@code tiers[0]}; empty when there are no tiers
 * @param facts the stated facts as text, in the order declared
 * @param signOff what the chosen tier says about sign-offs
 * @param floors the endpoint floors whose rules held, by path, with the roles each requires
 * @param stages the chosen tier's stages, which replace the policy's; empty when it keeps the policy's
 * @param bounds the chosen tier's bounds by metric name, each replacing that bound of the metric; empty for none
 */
public record TierDecision(
        String tier,
        String rule,
        Map<String, String> facts,
        TierSignOff signOff,
        Map<String, Map<String, Integer>> floors,
        List<Stage> stages,
        Map<String, MetricBounds> bounds) {

    public TierDecision {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(rule, "rule");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        Objects.requireNonNull(signOff, "signOff");
        floors = Collections.unmodifiableMap(new LinkedHashMap<>(floors));
        stages = List.copyOf(stages);
        bounds = Collections.unmodifiableMap(new LinkedHashMap<>(bounds));
    }

    /** No gate waits for anyone: the tier waived sign-offs and no floor asked for any. */
    public boolean autoApproved() {
        return signOff.kind() == TierSignOff.Kind.NONE && floorRoles().isEmpty();
    }

    /** The roles every floor that held requires, the larger quorum where two name the same role. */
    public Map<String, Integer> floorRoles() {
        Map<String, Integer> roles = new LinkedHashMap<>();
        floors.values().forEach(required -> required.forEach((role, q) -> roles.merge(role, q, Math::max)));
        return roles;
    }

    /**
     * One line for the log and the evidence, e.g. "tier minor: auto-approved by rule tiers[0] on facts {...}; stages
     * 10% for 5m → 50% for 5m from tiers[0].stages; bounds error-rate maxIncrease 10% from tiers[0].metrics".
     */
    public String summary() {
        String facts = "facts {"
                + this.facts.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "))
                + "}";
        String by = rule.isEmpty() ? "(the policy has no tiers)" : "by rule " + rule;
        String head = (tier.isEmpty() ? "no tier" : "tier " + tier) + ": ";
        String chosen = switch (signOff.kind()) {
            case NONE -> "auto-approved";
            case ROLES -> "sign-off by roles " + signOff.roles();
            case AS_WRITTEN -> "sign-offs as the policy writes them";
        };
        List<String> parts = new ArrayList<>();
        parts.add(head + chosen + " " + by + " on " + facts);
        if (!stages.isEmpty()) {
            parts.add("stages " + stagesText() + " from " + rule + ".stages");
        }
        if (!bounds.isEmpty()) {
            parts.add("bounds "
                    + bounds.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue().describe())
                            .collect(Collectors.joining(", "))
                    + " from " + rule + ".metrics");
        }
        if (!floors.isEmpty()) {
            String raised = floors.entrySet().stream()
                    .map(e -> "endpoint floor " + e.getKey() + " requires roles " + e.getValue())
                    .collect(Collectors.joining(", "));
            String overridden = signOff.kind() == TierSignOff.Kind.NONE ? ", which the pipeline cannot lower" : "";
            parts.add(raised + overridden + ", so a gate waits for roles " + requiredRolesText());
        }
        return String.join("; ", parts);
    }

    /**
     * Where a field of the policy as this decision made it was written: a stage's path names the tier's stages when
     * the tier replaced them ({@code stages[0].shadow} is {@code tiers[0].stages[0].shadow}); others stay.
     */
    public String writtenAt(String path) {
        boolean stagePath = path.equals("stages") || path.startsWith("stages[") || path.startsWith("stages.");
        return stagePath && !stages.isEmpty() ? rule + "." + path : path;
    }

    /** {@code refused} with each path where it was written (see {@link #writtenAt}): for checks of the chosen policy. */
    public PolicyException writtenAt(PolicyException refused) {
        return new PolicyException(refused.errors().stream()
                .map(e -> new PolicyError(writtenAt(e.path()), e.message()))
                .toList());
    }

    /** The stages as the Started line spells them: {@code 10% for 5m → 50% for 5m + sign-off}. */
    private String stagesText() {
        return stages.stream()
                .map(s -> s.label() + " for " + Durations.format(s.bake())
                        + (s.signOff() && !autoApproved() ? " + sign-off" : ""))
                .collect(Collectors.joining(" → "));
    }

    private String requiredRolesText() {
        Map<String, Integer> roles = new LinkedHashMap<>(signOff.roles());
        floorRoles().forEach((role, q) -> roles.merge(role, q, Math::max));
        return roles.toString();
    }
}
