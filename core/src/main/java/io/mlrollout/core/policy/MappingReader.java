package io.mlrollout.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the values of one mapping of the policy document. Every problem is added to a shared error list with its full
 * field path instead of being thrown, so one pass reports all errors of a document.
 */
final class MappingReader {

    private final JsonNode node;
    private final String path;
    private final List<PolicyError> errors;

    private MappingReader(JsonNode node, String path, List<PolicyError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /**
     * A reader for {@code node}, or empty (with an error) when it is not a mapping. Reports every key that is not in
     * {@code known}, with a hint when it looks like a misspelt known key.
     */
    static Optional<MappingReader> of(JsonNode node, String path, List<String> known, List<PolicyError> errors) {
        if (!node.isObject()) {
            errors.add(new PolicyError(
                    path,
                    node.isNull()
                            ? "has no value; expected a mapping of " + String.join(", ", known)
                            : "expected a mapping of " + String.join(", ", known) + ", got "
                                    + ValueType.describe(node)));
            return Optional.empty();
        }
        MappingReader reader = new MappingReader(node, path, errors);
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!known.contains(key)) {
                reader.error(key, Suggestions.unknownKey(key, known));
            }
        }
        return Optional.of(reader);
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return FieldPath.key(path, key);
    }

    boolean has(String key) {
        return node.has(key);
    }

    /** The keys present, in sorted order. */
    Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    void error(String key, String message) {
        errors.add(new PolicyError(pathOf(key), message));
    }

    /** An error about the mapping as a whole. */
    void error(String message) {
        errors.add(new PolicyError(path, message));
    }

    <T> Optional<T> optional(String key, ValueType<T> type) {
        JsonNode value = node.get(key);
        if (value == null) {
            return Optional.empty();
        }
        return read(value, pathOf(key), type, errors);
    }

    <T> Optional<T> required(String key, ValueType<T> type) {
        if (!has(key)) {
            error(key, "is required; expected " + type.expected());
            return Optional.empty();
        }
        return optional(key, type);
    }

    /** The value, or {@code fallback} when the key is absent (or refused: the error is recorded). */
    <T> T orDefault(String key, ValueType<T> type, T fallback) {
        return optional(key, type).orElse(fallback);
    }

    /** A nested mapping; empty when absent or not a mapping (the latter with an error). */
    Optional<MappingReader> mapping(String key, List<String> known) {
        JsonNode value = node.get(key);
        return value == null ? Optional.empty() : of(value, pathOf(key), known, errors);
    }

    /**
     * A nested mapping whose keys are names the document chooses (e.g. roles); empty when absent or not a mapping (the
     * latter with an error saying it expected {@code expected}).
     */
    Optional<MappingReader> anyKeysMapping(String key, String expected) {
        JsonNode value = node.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            error(
                    key,
                    (value.isNull() ? "has no value" : "got " + ValueType.describe(value)) + "; expected " + expected);
            return Optional.empty();
        }
        List<String> present = new ArrayList<>();
        value.fieldNames().forEachRemaining(present::add);
        return of(value, pathOf(key), present, errors);
    }

    /** The keys present, in the document's order. */
    List<String> documentKeys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** A list, or empty when absent or not a list (the latter with an error). */
    Optional<List<JsonNode>> list(String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            error(
                    key,
                    value.isNull()
                            ? "has no value; expected a list"
                            : "expected a list, got " + ValueType.describe(value));
            return Optional.empty();
        }
        List<JsonNode> items = new ArrayList<>();
        value.elements().forEachRemaining(items::add);
        return Optional.of(items);
    }

    /** Reads a value that is not under a key (a list item), recording any error at {@code path}. */
    static <T> Optional<T> read(JsonNode value, String path, ValueType<T> type, List<PolicyError> errors) {
        if (value.isNull()) {
            errors.add(new PolicyError(path, "has no value; expected " + type.expected()));
            return Optional.empty();
        }
        try {
            return Optional.of(type.read(value));
        } catch (IllegalArgumentException refused) {
            errors.add(new PolicyError(path, refused.getMessage()));
            return Optional.empty();
        }
    }
}
