package io.mlrollout.core.tier;

import io.mlrollout.core.policy.MetricBounds;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PromoteSettings;
import io.mlrollout.core.policy.SignOffPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a rollout's tier from the facts its pipeline stated, once, before any traffic moves, and applies it to the
 * policy. The policy's tiers are tried in order and the first whose rule holds wins: it decides the sign-offs and may
 * replace the stages and bounds. Then every endpoint floor whose rule holds adds the roles it requires, so a pipeline's
 * tier can tighten sign-offs but never drop below the floor; the endpoint's other checks run on the tier's policy.
 */
public final class TierChooser {

    private TierChooser() {}

    /**
     * The decision; empty when neither the policy nor the endpoint has tiers or floors and no facts were stated.
     *
     * @param given the stated facts: text (from a command line) or values (from a pipeline)
     * @throws PolicyException with field paths: undeclared, missing or ill-typed facts, a fact both declare with
     *     different types, rules that do not compile or fail to evaluate, and facts no tier matches
     */
    public static Optional<TierDecision> decide(TierSettings policy, TierFloors endpoint, Map<String, ?> given)
            throws PolicyException {
        if (policy.isEmpty() && endpoint.isEmpty() && given.isEmpty()) {
            return Optional.empty();
        }
        List<PolicyError> errors = new ArrayList<>();
        Map<String, FactType> declared = declared(policy, endpoint, errors);
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        Map<String, Object> values = values(declared, given, errors);
        TierRuleCompiler compiler = new TierRuleCompiler(declared);
        List<TierRuleCompiler.Rule> tiers = new ArrayList<>();
        for (TierRule tier : policy.tiers()) {
            compiled(compiler, tier.path() + ".when", tier.when(), errors).ifPresent(tiers::add);
        }
        List<TierRuleCompiler.Rule> floors = new ArrayList<>();
        for (TierFloor floor : endpoint.floors()) {
            compiled(compiler, floor.path() + ".when", floor.when(), errors).ifPresent(floors::add);
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        Map<String, String> facts = new LinkedHashMap<>();
        values.forEach((name, value) -> facts.put(name, String.valueOf(value)));

        Optional<TierRule> chosen = Optional.empty();
        for (int i = 0; i < tiers.size() && chosen.isEmpty(); i++) {
            TierRule tier = policy.tiers().get(i);
            if (holds(tiers.get(i), tier.path() + ".when", values, errors)) {
                chosen = Optional.of(tier);
            }
        }
        Map<String, Map<String, Integer>> raised = new LinkedHashMap<>();
        for (int i = 0; i < floors.size(); i++) {
            TierFloor floor = endpoint.floors().get(i);
            if (holds(floors.get(i), floor.path() + ".when", values, errors)) {
                raised.put(floor.path(), floor.roles());
            }
        }
        if (errors.isEmpty() && !policy.tiers().isEmpty() && chosen.isEmpty()) {
            errors.add(new PolicyError(
                    "tiers", "no tier matched facts " + facts + "; end the tiers with one whose when is \"true\""));
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return Optional.of(new TierDecision(
                chosen.map(TierRule::name).orElse(""),
                chosen.map(TierRule::path).orElse(""),
                facts,
                chosen.map(TierRule::signOff).orElse(TierSignOff.asWritten()),
                raised,
                chosen.map(TierRule::stages).orElse(List.of()),
                chosen.map(TierRule::metrics).orElse(Map.of())));
    }

    /**
     * The policy as the decision makes it: with the tier's stages in place of its own and the tier's bounds in place of
     * its metrics' (the bounds the tier does not set stay); then without any gate when auto-approved; otherwise with
     * the tier's and the floors' roles added to its sign-off section (only the floors' when the tier waived sign-offs)
     * and, if it had no gate, a gate before promotion. The endpoint's checks run on the result, as on any policy.
     *
     * @throws IllegalArgumentException when the decision bounds a metric the policy does not have (a decision made
     *     from another policy's tiers)
     */
    public static Policy apply(Policy written, TierDecision decision) {
        Policy policy = shaped(written, decision);
        if (decision.autoApproved()) {
            return policy.withoutSignOffs();
        }
        Map<String, Integer> roles = new LinkedHashMap<>();
        if (decision.signOff().kind() == TierSignOff.Kind.ROLES) {
            roles.putAll(decision.signOff().roles());
        }
        decision.floorRoles().forEach((role, q) -> roles.merge(role, q, Math::max));
        if (roles.isEmpty()) {
            return policy;
        }
        SignOffPolicy base = policy.signOff().orElse(SignOffPolicy.defaults());
        // A tier that waived sign-offs keeps none of the policy's approvers: only what the floors require waits.
        boolean waived = decision.signOff().kind() == TierSignOff.Kind.NONE;
        Map<String, Integer> merged = new LinkedHashMap<>(waived ? Map.of() : base.roles());
        roles.forEach((role, q) -> merged.merge(role, q, Math::max));
        // A policy without a section follows the endpoint's self-approval setting; the section added here keeps that.
        Policy signed = policy.withSignOff(Optional.of(new SignOffPolicy(
                waived ? List.of() : base.approvers(),
                waived ? SignOffPolicy.ENDPOINT_MINIMUM : base.quorum(),
                base.allowSelfApproval(),
                base.expires(),
                base.onExpiry(),
                merged,
                base.escalateAfter(),
                policy.signOff().isEmpty() || base.selfApprovalAsEndpoint())));
        boolean hasGate = policy.stages().stream().anyMatch(s -> s.signOff())
                || policy.promote().signOff();
        if (hasGate) {
            return signed;
        }
        PromoteSettings promote = policy.promote();
        return signed.withPromote(new PromoteSettings(promote.bake(), promote.holdback(), true));
    }

    private static Policy shaped(Policy policy, TierDecision decision) {
        Policy shaped = decision.stages().isEmpty() ? policy : policy.withStages(decision.stages());
        if (decision.bounds().isEmpty()) {
            return shaped;
        }
        for (String name : decision.bounds().keySet()) {
            if (policy.metric(name).isEmpty()) {
                throw new IllegalArgumentException(
                        decision.rule() + " bounds the metric " + name + ", which the policy does not have");
            }
        }
        List<MetricSpec> metrics = new ArrayList<>();
        for (MetricSpec metric : policy.metrics()) {
            MetricBounds bounds = decision.bounds().get(metric.name());
            metrics.add(bounds == null ? metric : metric.withBounds(bounds));
        }
        return shaped.withMetrics(metrics);
    }

    private static Map<String, FactType> declared(TierSettings policy, TierFloors endpoint, List<PolicyError> errors) {
        Map<String, FactType> declared = new LinkedHashMap<>(policy.facts());
        endpoint.facts().forEach((name, type) -> {
            FactType mine = declared.putIfAbsent(name, type);
            if (mine != null && mine != type) {
                errors.add(new PolicyError(
                        "facts." + name,
                        "the policy declares " + mine.spelling() + ", the endpoint's floors read it as "
                                + type.spelling() + "; declare it as " + type.spelling()));
            }
        });
        return declared;
    }

    private static Map<String, Object> values(
            Map<String, FactType> declared, Map<String, ?> given, List<PolicyError> errors) {
        for (String name : given.keySet()) {
            if (!declared.containsKey(name)) {
                errors.add(new PolicyError(
                        "facts." + name,
                        declared.isEmpty()
                                ? "is stated, but neither the policy nor the endpoint declares any facts"
                                : "is not declared; declared facts: " + String.join(", ", declared.keySet())));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        declared.forEach((name, type) -> {
            if (!given.containsKey(name)) {
                errors.add(new PolicyError(
                        "facts." + name, "no value was stated; the pipeline must state this " + type.spelling()));
                return;
            }
            try {
                values.put(name, type.value(given.get(name)));
            } catch (IllegalArgumentException refused) {
                errors.add(new PolicyError("facts." + name, refused.getMessage()));
            }
        });
        return values;
    }

    private static Optional<TierRuleCompiler.Rule> compiled(
            TierRuleCompiler compiler, String path, String when, List<PolicyError> errors) {
        TierRuleCompiler.Result result = compiler.compile(when);
        result.errors().forEach(reason -> errors.add(new PolicyError(path, reason)));
        return result.rule();
    }

    private static boolean holds(
            TierRuleCompiler.Rule rule, String path, Map<String, Object> values, List<PolicyError> errors) {
        try {
            return rule.holds(values);
        } catch (IllegalArgumentException failed) {
            errors.add(new PolicyError(path, failed.getMessage()));
            return false;
        }
    }
}
