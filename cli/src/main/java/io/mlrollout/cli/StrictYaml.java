package io.mlrollout.cli;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a YAML document into a tree the way the policy parser does, refusing what YAML would silently accept: a key
 * given twice, aliases, a second document. YAML 1.1's other spellings of booleans and numbers ({@code yes}, {@code
 * on}, {@code 0x10}) stay text, so a boolean or number field refuses them and an approver called {@code no} stays a
 * name.
 */
final class StrictYaml {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PLAIN_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private StrictYaml() {}

    /** The document's root ({@link NullNode} when empty), or empty with the syntax error added to {@code errors}. */
    static Optional<JsonNode> read(String text, List<InputError> errors) {
        try (JsonParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                return Optional.of(NullNode.getInstance());
            }
            JsonNode root = value(parser, "", errors);
            if (parser.nextToken() != null) {
                errors.add(new InputError("", "the text holds more than one YAML document; write one per file"));
            }
            return Optional.of(root);
        } catch (JsonProcessingException syntax) {
            String where = syntax.getLocation() == null
                    ? ""
                    : " at line " + syntax.getLocation().getLineNr() + ", column "
                            + syntax.getLocation().getColumnNr();
            errors.add(new InputError(
                    "",
                    "not valid YAML" + where + ": "
                            + syntax.getOriginalMessage().replaceAll("\\s+", " ")));
            return Optional.empty();
        } catch (IOException cannotHappen) {
            throw new UncheckedIOException(cannotHappen);
        }
    }

    private static JsonNode value(JsonParser parser, String path, List<InputError> errors) throws IOException {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new JsonParseException(
                    parser, "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode mapping = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    parser.nextToken();
                    JsonNode item = value(parser, keyPath, errors);
                    if (mapping.has(key)) {
                        errors.add(new InputError(keyPath, "duplicate key; each key may appear once"));
                    } else {
                        mapping.set(key, item);
                    }
                }
                return mapping;
            }
            case START_ARRAY -> {
                ArrayNode list = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(parser, path + "[" + list.size() + "]", errors));
                }
                return list;
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
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            default ->
                throw new JsonParseException(
                        parser, "binary or embedded values are not supported; write text, numbers or lists");
        }
    }
}
