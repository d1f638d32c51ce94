package io.mlrollout.core.tier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which tier the stated facts chose, once at the start, and what the endpoint's floors added: recorded in the log and
 * the evidence.
 *
 * @param tier the chosen tier's name; empty when the policy has no tiers (only the endpoint's floors applied)
 * @param rule where the chosen tier was written, e.g. {@code tiers[0]}; empty when there are no tiers
 * @param facts the stated facts as text, in the order declared
 * @param signOff what the chosen tier says about sign-offs
 * @param floors the endpoint floors whose rules held, by path, with the roles each requires
 */
public record TierDecision(
        String tier,
        String rule,
        Map<String, String> facts,
        TierSignOff signOff,
        Map<String, Map<String, Integer>> floors) {

    public TierDecision {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(rule, "rule");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        Objects.requireNonNull(signOff, "signOff");
        floors = Collections.unmodifiableMap(new LinkedHashMap<>(floors));
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

    /** One line for the log and the evidence, e.g. "tier minor: auto-approved by rule tiers[0] on facts {...}". */
    public String summary() {
        String facts = "facts {"
                + this.facts.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "))
                + "}";
        String by = rule.isEmpty() ? "the policy has no tiers" : "by rule " + rule;
        String head = (tier.isEmpty() ? "no tier" : "tier " + tier) + ": ";
        String chosen = switch (signOff.kind()) {
            case NONE -> "auto-approved";
            case ROLES -> "sign-off by roles " + signOff.roles();
            case AS_WRITTEN -> "sign-offs as the policy writes them";
        };
        if (floors.isEmpty()) {
            return head + chosen + " " + by + " on " + facts;
        }
        List<String> raised = floors.entrySet().stream()
                .map(e -> "endpoint floor " + e.getKey() + " requires roles " + e.getValue())
                .toList();
        String overridden = signOff.kind() == TierSignOff.Kind.NONE ? ", which the pipeline cannot lower" : "";
        return head + chosen + " " + by + " on " + facts + "; " + String.join(", ", raised) + overridden
                + ", so a gate waits for roles " + requiredRolesText();
    }

    private String requiredRolesText() {
        Map<String, Integer> roles = new LinkedHashMap<>(signOff.roles());
        floorRoles().forEach((role, q) -> roles.merge(role, q, Math::max));
        return roles.toString();
    }
}
