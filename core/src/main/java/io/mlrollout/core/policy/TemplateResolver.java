package io.mlrollout.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a template's {@code parameters:} section, checks the values a pipeline gives, fills the {@code ${param}}
 * placeholders and parses the result as a policy.
 *
 * <p>Placeholders are filled in the parsed tree, never in the text, so a value cannot add keys or lines to the policy:
 * a value that is a whole field ({@code maxIncrease: '${errorBudget}'}) takes the parameter's type, one inside a longer
 * text is written into it. {@code ${version}} and the other query placeholders are left for the metrics connector.
 */
final class TemplateResolver {

    static final String PARAMS_PATH = "template.params";
    private static final String PARAMETERS = "parameters";
    private static final List<String> PARAMETER_KEYS = List.of("type", "default", "description");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final ValueType<TemplateParameter.Type> TYPE = ValueType.choice(TemplateParameter.Type.class);

    private final List<PolicyError> errors = new ArrayList<>();
    private final Map<String, TemplateParameter> declared = new LinkedHashMap<>();
    /** Parameters whose declaration was refused: their placeholders are not reported again. */
    private final Set<String> refused = new HashSet<>();

    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    /** The parameters that took their default: a problem with the value is the declaration's. */
    private final Set<String> defaulted = new HashSet<>();
    /** The policy fields that a whole parameter filled, by field path: their errors are the parameter's. */
    private final Map<String, String> filledBy = new LinkedHashMap<>();

    /** Checking the template alone: a required parameter without a value is not an error. */
    private boolean checking;

    private TemplateResolver() {}

    /**
     * What is wrong with the template itself, before any pipeline gives values: its syntax, its declarations and its
     * placeholders, and, when every parameter has a default, the policy the defaults make.
     */
    static List<PolicyError> check(PolicyTemplate template) {
        TemplateResolver resolver = new TemplateResolver();
        resolver.checking = true;
        try {
            resolver.run(template, Map.of());
            return List.of();
        } catch (PolicyException refused) {
            return refused.errors();
        }
    }

    static PolicyTemplate.ResolvedTemplate resolve(PolicyTemplate template, Map<String, ?> given)
            throws PolicyException {
        return new TemplateResolver().run(template, given);
    }

    private PolicyTemplate.ResolvedTemplate run(PolicyTemplate template, Map<String, ?> given) throws PolicyException {
        Optional<JsonNode> root = DocumentReader.read(template.body(), "template", errors);
        if (root.isPresent() && !root.get().isObject()) {
            errors.add(new PolicyError("", "a template must be a mapping: parameters and the policy's keys"));
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        ObjectNode policy = ((ObjectNode) root.get()).deepCopy();
        JsonNode parameters = policy.remove(PARAMETERS);
        if (parameters != null) {
            declare(parameters);
        }
        accept(given);
        JsonNode filled = fill(policy, "");
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        if (checking && values.size() < declared.size()) {
            return null; // the policy needs a pipeline's values to be read
        }
        String text = json(filled);
        try {
            Policy parsed = PolicyParser.parse(text);
            return new PolicyTemplate.ResolvedTemplate(parsed.withTemplate(template.origin()), text);
        } catch (PolicyException refused) {
            throw new PolicyException(refused.errors().stream().map(this::blame).toList());
        }
    }

    private void declare(JsonNode parameters) {
        if (!parameters.isObject()) {
            errors.add(new PolicyError(
                    PARAMETERS,
                    "expected a mapping of parameter names to {type, default, description}, got "
                            + ValueType.describe(parameters)));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            String path = FieldPath.key(PARAMETERS, name);
            if (!PARAMETER_NAME.matcher(name).matches()) {
                errors.add(new PolicyError(
                        path,
                        "'" + name + "' is not a parameter name: use letters, digits and _, starting with a letter"));
                continue;
            }
            if (QueryPlaceholders.KNOWN.contains(name)) {
                // Declared, it would be filled here once for every read; its placeholders stay the connector's.
                errors.add(new PolicyError(
                        path,
                        "'" + name + "' is a query placeholder, which the metrics connector fills for each read;"
                                + " give the parameter another name"));
                continue;
            }
            refused.add(name);
            Optional<MappingReader> reader = MappingReader.of(entry.getValue(), path, PARAMETER_KEYS, errors);
            if (reader.isEmpty()) {
                continue;
            }
            Optional<TemplateParameter.Type> type = reader.get().required("type", TYPE);
            reader.get().optional("description", ValueType.TEXT);
            if (type.isEmpty()) {
                continue;
            }
            TemplateParameter parameter = new TemplateParameter(name, type.get(), Optional.empty());
            JsonNode fallback = entry.getValue().get("default");
            if (fallback != null) {
                Optional<JsonNode> accepted = check(parameter, fallback, FieldPath.key(path, "default"));
                if (accepted.isEmpty()) {
                    continue;
                }
                parameter = new TemplateParameter(name, type.get(), accepted);
            }
            declared.put(name, parameter);
            refused.remove(name);
        }
    }

    private void accept(Map<String, ?> given) {
        for (Map.Entry<String, ?> entry : given.entrySet()) {
            String path = FieldPath.key(PARAMS_PATH, entry.getKey());
            TemplateParameter parameter = declared.get(entry.getKey());
            if (parameter == null) {
                errors.add(new PolicyError(
                        path,
                        "is not a parameter of this template (" + listed() + ")"
                                + Suggestions.hint(entry.getKey(), declared.keySet())));
                continue;
            }
            check(parameter, entry.getValue(), path).ifPresent(value -> values.put(parameter.name(), value));
        }
        for (TemplateParameter parameter : declared.values()) {
            if (!given.containsKey(parameter.name())) {
                if (parameter.required()) {
                    if (checking) {
                        continue;
                    }
                    errors.add(new PolicyError(
                            FieldPath.key(PARAMS_PATH, parameter.name()),
                            "is required (" + parameter.type().spelling() + "); the template gives no default"));
                } else {
                    values.put(parameter.name(), parameter.defaultValue().orElseThrow());
                    defaulted.add(parameter.name());
                }
            }
        }
    }

    private Optional<JsonNode> check(TemplateParameter parameter, Object value, String path) {
        if (value == null || (value instanceof JsonNode node && node.isNull())) {
            errors.add(new PolicyError(
                    path, "has no value; expected " + parameter.type().spelling()));
            return Optional.empty();
        }
        try {
            return Optional.of(parameter.accept(value));
        } catch (IllegalArgumentException refused) {
            errors.add(new PolicyError(
                    path,
                    refused.getMessage() + " (the parameter is "
                            + parameter.type().spelling() + ")"));
            return Optional.empty();
        }
    }

    private String listed() {
        return declared.isEmpty() ? "it declares none" : "parameters: " + String.join(", ", declared.keySet());
    }

    /** {@code node} with every declared placeholder filled; an undeclared one is an error at its path. */
    private JsonNode fill(JsonNode node, String path) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (node.isObject()) {
            ObjectNode copy = nodes.objectNode();
            node.fields()
                    .forEachRemaining(e -> copy.set(e.getKey(), fill(e.getValue(), FieldPath.key(path, e.getKey()))));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = nodes.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(fill(node.get(i), FieldPath.index(path, i)));
            }
            return copy;
        }
        if (!node.isTextual()) {
            return node;
        }
        String text = node.textValue();
        Matcher whole = PLACEHOLDER.matcher(text.strip());
        if (whole.matches() && declared.containsKey(whole.group(1))) {
            filledBy.put(path, whole.group(1));
            return values.getOrDefault(whole.group(1), node);
        }
        Matcher inside = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (inside.find()) {
            String name = inside.group(1);
            String replacement = inside.group();
            if (declared.containsKey(name)) {
                JsonNode value = values.get(name);
                if (value != null) {
                    replacement = value.asText();
                    requireWritable(name, replacement, path);
                }
            } else if (!QueryPlaceholders.KNOWN.contains(name) && !refused.contains(name)) {
                errors.add(new PolicyError(
                        path,
                        "${" + name + "} is not a parameter of this template (" + listed() + ")"
                                + Suggestions.hint(name, declared.keySet())));
            }
            inside.appendReplacement(filled, Matcher.quoteReplacement(replacement));
        }
        inside.appendTail(filled);
        return nodes.textNode(filled.toString());
    }

    /**
     * A value written into a longer text, a query, stays inside its slot: it must be fit to stand in a query, and a
     * {@code ${} in it would be filled again, by the metrics connector or as another parameter.
     */
    private void requireWritable(String name, String value, String path) {
        if (!QueryPlaceholders.fitsInQuery(value) || value.contains("${")) {
            String blamed = defaulted.contains(name)
                    ? FieldPath.key(FieldPath.key(PARAMETERS, name), "default")
                    : FieldPath.key(PARAMS_PATH, name);
            errors.add(new PolicyError(
                    blamed,
                    "at " + path + ": must not contain quotes, backslashes, backticks, line breaks, other control"
                            + " characters or ${: it is written into the text there"));
        }
    }

    /** A policy error at a field a parameter filled is reported as the parameter's, naming the field. */
    private PolicyError blame(PolicyError error) {
        if (error.message().startsWith(Suggestions.UNKNOWN_KEY)) {
            return error; // a misspelt key is the template's text, not the value a parameter put under it
        }
        for (Map.Entry<String, String> filled : filledBy.entrySet()) {
            String field = filled.getKey();
            if (error.path().equals(field)
                    || error.path().startsWith(field + ".")
                    || error.path().startsWith(field + "[")) {
                return new PolicyError(
                        FieldPath.key(PARAMS_PATH, filled.getValue()), "at " + error.path() + ": " + error.message());
            }
        }
        // A check across fields stands at one of them; when the message names a filled one, the value is the cause.
        for (Map.Entry<String, String> filled : filledBy.entrySet()) {
            if (names(error.message(), filled.getKey())) {
                return new PolicyError(
                        FieldPath.key(PARAMS_PATH, filled.getValue()), "at " + error.path() + ": " + error.message());
            }
        }
        return error;
    }

    /** Whether {@code message} names the field {@code path} itself: not {@code metrics[10]} for {@code metrics[1]}. */
    private static boolean names(String message, String path) {
        return Pattern.compile("(?<![\\w.\\]])" + Pattern.quote(path) + "(?![\\w\\[])")
                .matcher(message)
                .find();
    }

    private static String json(JsonNode tree) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (JsonProcessingException cannotHappen) {
            throw new IllegalStateException("a tree of plain values always writes", cannotHappen);
        }
    }
}
