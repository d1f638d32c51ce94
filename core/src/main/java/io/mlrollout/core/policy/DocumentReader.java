package io.mlrollout.core.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns a configuration document (YAML or JSON: a policy, the command line's endpoint file) into a tree. Builds the
 * tree itself from parser tokens so that it can report what Jackson's own tree reader would silently accept: a key
 * given twice (the first one is kept), YAML 1.1's other spellings of booleans and numbers ({@code yes}, {@code on},
 * {@code True}, {@code 0x10}, octal {@code 010}: kept as text, so a boolean or number field refuses them and an
 * approver called {@code no} stays a name), aliases (which Jackson would hand over as the alias name), binary values
 * and a second YAML document.
 */
public final class DocumentReader {

    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PLAIN_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    /** Jackson names its input in some messages; the policy author knows which text they passed. */
    private static final Pattern SOURCE_NOTE = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)");

    private DocumentReader() {}

    /**
     * The document's root ({@link NullNode} for an empty document), or empty when the text cannot be parsed; every
     * problem is added to {@code errors}, with its field path.
     *
     * @param document what one document is called in messages, a noun such as {@code policy} or {@code endpoint}
     *     ("not supported in a policy", "write one policy per file")
     */
    public static Optional<JsonNode> read(String text, String document, List<PolicyError> errors) {
        if (looksLikeJson(text)) {
            List<PolicyError> jsonErrors = new ArrayList<>();
            try {
                JsonNode root = parse(JSON, text, document, jsonErrors);
                errors.addAll(jsonErrors);
                return Optional.of(root);
            } catch (JsonProcessingException notJson) {
                Optional<PolicyError> trailingComma = trailingComma(text, notJson);
                if (trailingComma.isPresent()) {
                    // YAML would read it, silently: refuse it as JSON, where it is an error.
                    errors.add(trailingComma.get());
                    return Optional.empty();
                }
                // A YAML flow mapping ({stages: [...]}) also starts with a brace; JSON's error is the useful one when
                // neither reading works, because the text looked like JSON.
                List<PolicyError> yamlErrors = new ArrayList<>();
                try {
                    JsonNode root = parse(YAML, text, document, yamlErrors);
                    errors.addAll(yamlErrors);
                    return Optional.of(root);
                } catch (JsonProcessingException notYaml) {
                    errors.add(syntaxError("JSON", notJson));
                    return Optional.empty();
                }
            }
        }
        try {
            return Optional.of(parse(YAML, text, document, errors));
        } catch (JsonProcessingException notYaml) {
            errors.add(syntaxError("YAML", notYaml));
            return Optional.empty();
        }
    }

    private static boolean looksLikeJson(String text) {
        String start = text.stripLeading();
        return start.startsWith("{") || start.startsWith("[");
    }

    private static JsonNode parse(JsonFactory factory, String text, String document, List<PolicyError> errors)
            throws JsonProcessingException {
        try (JsonParser parser = factory.createParser(text)) {
            if (parser.nextToken() == null) {
                return NullNode.getInstance();
            }
            JsonNode root = value(parser, "", document, errors);
            if (parser.nextToken() != null) {
                errors.add(new PolicyError(
                        "", "the text holds more than one document; write one " + document + " per file"));
            }
            return root;
        } catch (JsonProcessingException syntax) {
            throw syntax;
        } catch (IOException cannotHappen) {
            // Reading from a String performs no I/O.
            throw new UncheckedIOException(cannotHappen);
        }
    }

    private static JsonNode value(JsonParser parser, String path, String document, List<PolicyError> errors)
            throws IOException {
        JsonToken token = parser.currentToken();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new JsonParseException(
                    parser,
                    "YAML aliases (*" + parser.getText() + ") are not supported in " + withArticle(document)
                            + "; write the value out");
        }
        switch (token) {
            case START_OBJECT -> {
                ObjectNode mapping = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    String keyPath = FieldPath.key(path, key);
                    parser.nextToken();
                    JsonNode item = value(parser, keyPath, document, errors);
                    if (mapping.has(key)) {
                        errors.add(new PolicyError(keyPath, "duplicate key; each key may appear once"));
                    } else {
                        mapping.set(key, item);
                    }
                }
                return mapping;
            }
            case START_ARRAY -> {
                ArrayNode list = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(parser, FieldPath.index(path, list.size()), document, errors));
                }
                return list;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return PLAIN_INTEGER.matcher(parser.getText()).matches()
                        ? NODES.numberNode(parser.getBigIntegerValue())
                        : NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_FLOAT -> {
                return PLAIN_DECIMAL.matcher(parser.getText()).matches()
                        ? NODES.numberNode(parser.getDoubleValue())
                        : NODES.textNode(parser.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                String spelling = parser.getText();
                return spelling.equals("true") || spelling.equals("false")
                        ? NODES.booleanNode(token == JsonToken.VALUE_TRUE)
                        : NODES.textNode(spelling);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default ->
                throw new JsonParseException(
                        parser,
                        "binary or embedded values are not supported in " + withArticle(document)
                                + "; write text, numbers or lists");
        }
    }

    /** "a policy", "an endpoint": the article by the noun's first letter, enough for the nouns our documents have. */
    private static String withArticle(String noun) {
        return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
    }

    /**
     * The error for JSON that is invalid only for a trailing comma ({@code [1, 2,]}, {@code {"a": 1,}}), named by the
     * field after which it stands; empty when the text has another problem.
     */
    private static Optional<PolicyError> trailingComma(String text, JsonProcessingException strict) {
        JsonFactory lenient = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
                .build();
        try (JsonParser parser = lenient.createParser(text)) {
            while (parser.nextToken() != null) {
                // reading to the end is the test
            }
        } catch (IOException otherProblem) {
            return Optional.empty();
        }
        String path = "";
        if (strict.getProcessor() instanceof JsonParser parser) {
            path = fieldPath(parser.getParsingContext());
        }
        JsonLocation at = strict.getLocation();
        return Optional.of(new PolicyError(
                path,
                "is followed by a trailing comma at line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + "; JSON allows none: remove the comma"));
    }

    /**
     * The field path of what stands before a trailing comma, e.g. {@code stages[0].bake}. The parser stopped at the
     * closing bracket after the comma: in an array it had already counted one more element than there is.
     */
    private static String fieldPath(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                int index = c == context ? c.getCurrentIndex() - 1 : c.getCurrentIndex();
                parts.add(0, "[" + Math.max(0, index) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static PolicyError syntaxError(String format, JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                Mark mark = yaml.getProblemMark();
                return syntaxError(format, mark.getLine() + 1, mark.getColumn() + 1, yaml.getProblem());
            }
        }
        JsonLocation location = e.getLocation();
        return syntaxError(format, location.getLineNr(), location.getColumnNr(), e.getOriginalMessage());
    }

    private static PolicyError syntaxError(String format, int line, int column, String problem) {
        String oneLine = SOURCE_NOTE
                .matcher(problem)
                .replaceAll("")
                .replaceAll("\\s+", " ")
                .strip();
        return new PolicyError("", "not valid " + format + " at line " + line + ", column " + column + ": " + oneLine);
    }
}
