package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.tier.FactType;
import io.mlrollout.core.tier.TierFloor;
import io.mlrollout.core.tier.TierFloors;
import io.mlrollout.core.tier.TierRule;
import io.mlrollout.core.tier.TierRuleCompiler;
import io.mlrollout.core.tier.TierSettings;
import io.mlrollout.core.tier.TierSignOff;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a policy's {@code facts} and {@code tiers}, and an endpoint's floors, compiling every rule with CEL against the
 * declared facts so that a typo, an undeclared fact or a rule that is not a bool is refused with its field path when
 * the document is read, before any traffic moves. A tier's stages and bounds are read and checked there too, as the
 * policy's own.
 */
public final class TiersSection {

    static final List<String> TIER_KEYS = List.of("name", "when", "signOff", "stages", "metrics");
    static final List<String> FLOORS_KEYS = List.of("facts", "floors");
    static final List<String> FLOOR_KEYS = List.of("when", "signOff");
    private static final List<String> ROLES_KEYS = List.of("roles");

    private static final Pattern TIER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final ValueType<String> NAME = TEXT.where(
            name -> TIER_NAME.matcher(name).matches(),
            name -> "'" + name + "' is not a tier name: use lower-case letters, digits and -");
    private static final ValueType<FactType> TYPE = new ValueType<>("string, double, int or bool", node -> {
        String spelling = TEXT.read(node);
        return FactType.of(spelling)
                .orElseThrow(() -> new IllegalArgumentException("'" + spelling + "' is not a fact type; use one of "
                        + String.join(
                                ", ",
                                Arrays.stream(FactType.values())
                                        .map(FactType::spelling)
                                        .toList())));
    });

    private final List<PolicyError> errors;

    private TiersSection(List<PolicyError> errors) {
        this.errors = errors;
    }

    /**
     * A policy's {@code facts} and {@code tiers}; none when both are absent.
     *
     * @param stages reads a tier's {@code stages} exactly as the policy's own
     * @param bounds reads a tier's {@code metrics}: bounds for the policy's metrics, checked as the metrics' own
     */
    static TierSettings policyTiers(
            MappingReader top,
            List<PolicyError> errors,
            Function<MappingReader, List<Stage>> stages,
            Function<MappingReader, Map<String, MetricBounds>> bounds) {
        TiersSection section = new TiersSection(errors);
        Map<String, FactType> facts = section.facts(top);
        if (top.has("tiers") && facts.isEmpty() && !top.has("facts")) {
            top.error("facts", "is required with tiers: declare the facts the rules read, e.g. {changeType: string}");
        }
        TierRuleCompiler compiler = new TierRuleCompiler(facts);
        List<TierRule> tiers = new ArrayList<>();
        List<JsonNode> items = top.list("tiers").orElse(List.of());
        if (top.has("tiers") && items.isEmpty() && top.list("tiers").isPresent()) {
            top.error("tiers", "is empty; list the tiers, the last with when: \"true\", or leave it out");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = FieldPath.index(top.pathOf("tiers"), i);
            Optional<MappingReader> tier = MappingReader.of(items.get(i), path, TIER_KEYS, errors);
            if (tier.isEmpty()) {
                continue;
            }
            Optional<String> name = tier.get().required("name", NAME);
            if (name.isPresent() && names.contains(name.get())) {
                tier.get().error("name", "'" + name.get() + "' names an earlier tier too");
            }
            name.ifPresent(names::add);
            Optional<String> when = section.rule(tier.get(), compiler);
            TierSignOff signOff = section.tierSignOff(tier.get(), items.get(i).get("signOff"));
            List<Stage> tierStages = tier.get().has("stages") ? stages.apply(tier.get()) : List.of();
            Map<String, MetricBounds> tierBounds = bounds.apply(tier.get());
            if (name.isPresent() && when.isPresent()) {
                tiers.add(new TierRule(path, name.get(), when.get(), signOff, tierStages, tierBounds));
            }
        }
        return new TierSettings(facts, tiers);
    }

    /**
     * An endpoint's floors from text (the Jenkins form), none when blank.
     *
     * @throws PolicyException listing every problem with its field path
     */
    public static TierFloors endpointFloors(String text) throws PolicyException {
        if (text == null || text.isBlank()) {
            return TierFloors.none();
        }
        List<PolicyError> errors = new ArrayList<>();
        Optional<TierFloors> floors =
                DocumentReader.read(text, "floors", errors).flatMap(root -> endpointFloors(root, "", errors));
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return floors.orElse(TierFloors.none());
    }

    /** An endpoint's floors from a node of a larger document (the CLI's endpoint file), errors under {@code path}. */
    public static Optional<TierFloors> endpointFloors(JsonNode node, String path, List<PolicyError> errors) {
        int before = errors.size();
        Optional<MappingReader> reader = MappingReader.of(node, path, FLOORS_KEYS, errors);
        if (reader.isEmpty()) {
            return Optional.empty();
        }
        TiersSection section = new TiersSection(errors);
        Map<String, FactType> facts = section.facts(reader.get());
        TierRuleCompiler compiler = new TierRuleCompiler(facts);
        List<TierFloor> floors = new ArrayList<>();
        List<JsonNode> items = reader.get().list("floors").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String itemPath = FieldPath.index(reader.get().pathOf("floors"), i);
            Optional<MappingReader> floor = MappingReader.of(items.get(i), itemPath, FLOOR_KEYS, errors);
            if (floor.isEmpty()) {
                continue;
            }
            Optional<String> when = section.rule(floor.get(), compiler);
            Map<String, Integer> roles = section.roles(floor.get());
            if (roles.isEmpty() && !floor.get().has("signOff")) {
                floor.get().error("signOff", "is required; e.g. {roles: {risk: 1}}");
            }
            if (when.isPresent() && !roles.isEmpty()) {
                floors.add(new TierFloor(itemPath, when.get(), roles));
            }
        }
        return errors.size() == before ? Optional.of(new TierFloors(facts, floors)) : Optional.empty();
    }

    private Map<String, FactType> facts(MappingReader top) {
        Map<String, FactType> facts = new LinkedHashMap<>();
        Optional<MappingReader> section = top.anyKeysMapping(
                "facts", "a mapping of fact names to types (string, double, int, bool), e.g. {changeType: string}");
        if (section.isEmpty()) {
            return facts;
        }
        for (String name : section.get().documentKeys()) {
            Optional<String> refused = TierRuleCompiler.refuseFactName(name);
            if (refused.isPresent()) {
                section.get().error(name, refused.get());
                continue;
            }
            section.get().required(name, TYPE).ifPresent(type -> facts.put(name, type));
        }
        return facts;
    }

    /** The {@code when} rule, compiled against the declared facts; empty (with errors) when refused. */
    private Optional<String> rule(MappingReader item, TierRuleCompiler compiler) {
        Optional<String> when = item.required("when", TEXT);
        if (when.isEmpty()) {
            return when;
        }
        List<String> refused = compiler.compile(when.get()).errors();
        refused.forEach(reason -> item.error("when", reason));
        return refused.isEmpty() ? when : Optional.empty();
    }

    private TierSignOff tierSignOff(MappingReader tier, JsonNode signOff) {
        if (signOff == null) {
            return TierSignOff.asWritten();
        }
        if (signOff.isTextual()) {
            if (!signOff.textValue().equals("none")) {
                tier.error(
                        "signOff", "'" + signOff.textValue() + "' is not a sign-off; write none or {roles: {risk: 1}}");
            }
            return TierSignOff.none();
        }
        Map<String, Integer> roles = roles(tier);
        return roles.isEmpty() ? TierSignOff.asWritten() : TierSignOff.roles(roles);
    }

    private Map<String, Integer> roles(MappingReader item) {
        Optional<MappingReader> signOff = item.mapping("signOff", ROLES_KEYS);
        if (signOff.isEmpty()) {
            return Map.of();
        }
        if (!signOff.get().has("roles")) {
            signOff.get().error("roles", "is required; e.g. {roles: {risk: 1, platform: 1}}");
        }
        return SignOffRolesReader.read(signOff.get(), errors);
    }
}
