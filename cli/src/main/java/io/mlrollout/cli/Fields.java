package io.mlrollout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.Suggestions;
import io.mlrollout.core.signoff.IdMatching;
import io.mlrollout.core.signoff.PersonEntry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the values of one mapping of a YAML document. Every problem is added, with its full field path, to a shared
 * list instead of being thrown, so one pass reports every error of the document.
 */
final class Fields {

    private final JsonNode node;
    private final String path;
    private final List<InputError> errors;

    private Fields(JsonNode node, String path, List<InputError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /** A reader for {@code node}, or empty (with an error) when it is not a mapping; reports keys not in {@code known}. */
    static Optional<Fields> of(JsonNode node, String path, List<String> known, List<InputError> errors) {
        if (!node.isObject()) {
            errors.add(new InputError(
                    path,
                    (node.isNull() ? "has no value" : "is " + describe(node)) + "; expected a mapping of "
                            + String.join(", ", known)));
            return Optional.empty();
        }
        Fields fields = new Fields(node, path, errors);
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!known.contains(key)) {
                fields.error(key, Suggestions.unknownKey(key, known));
            }
        }
        return Optional.of(fields);
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The value under {@code key} as it is, or null; for checks before the typed reading. */
    JsonNode rawMapping(String key) {
        return node.get(key);
    }

    boolean has(String key) {
        return node.has(key);
    }

    void error(String key, String message) {
        errors.add(new InputError(pathOf(key), message));
    }

    Optional<String> text(String key) {
        JsonNode value = present(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            error(key, "expected text, got " + describe(value));
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    Optional<String> requiredText(String key) {
        return required(key, "text") ? text(key) : Optional.empty();
    }

    /** An http or https URL without user info (credentials go in the credential mapping). */
    Optional<URI> requiredUrl(String key) {
        Optional<String> text = requiredText(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI url = new URI(text.get());
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                error(key, "'" + text.get() + "' is not an http or https URL");
                return Optional.empty();
            }
            if (url.getHost() == null) {
                error(key, "'" + text.get() + "' has no host");
                return Optional.empty();
            }
            if (url.getRawUserInfo() != null) {
                error(key, "a URL with a user or password in it is refused; use a credential instead");
                return Optional.empty();
            }
            return Optional.of(url);
        } catch (URISyntaxException e) {
            error(key, "is not a URL: " + e.getReason());
            return Optional.empty();
        }
    }

    Duration duration(String key, Duration fallback) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual()) {
            error(key, "expected a duration such as 10s, got " + describe(value));
            return fallback;
        }
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Durations.parse(text.get());
        } catch (IllegalArgumentException refused) {
            error(key, refused.getMessage());
            return fallback;
        }
    }

    int wholeNumber(String key, int min, int fallback) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            error(key, "expected a whole number, got " + describe(value));
            return fallback;
        }
        if (value.asInt() < min) {
            error(key, "must be at least " + min + ", got " + value.asInt());
            return fallback;
        }
        return value.asInt();
    }

    boolean bool(String key, boolean fallback) {
        JsonNode value = present(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            error(key, "expected true or false, got " + describe(value));
            return fallback;
        }
        return value.asBoolean();
    }

    /** A list of user ids or group names, each once as the command line compares them (without regard to case). */
    List<String> textList(String key) {
        JsonNode value = present(key);
        List<String> items = new ArrayList<>();
        if (value == null) {
            return items;
        }
        if (!value.isArray()) {
            error(key, "expected a list, got " + describe(value));
            return items;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = pathOf(key) + "[" + i + "]";
            if (!item.isTextual()) {
                errors.add(new InputError(itemPath, "expected text, got " + describe(item)));
            } else {
                String entry = item.asText();
                Optional<String> problem = PersonEntry.problem(entry)
                        .or(() -> items.stream()
                                .filter(earlier -> IdMatching.CASE_INSENSITIVE.same(earlier, entry))
                                .findFirst()
                                .map(earlier -> "'" + entry + "' is listed twice"
                                        + (earlier.equals(entry)
                                                ? ""
                                                : " (as '" + earlier + "': ids compare without regard to case)")));
                problem.ifPresentOrElse(why -> errors.add(new InputError(itemPath, why)), () -> items.add(entry));
            }
        }
        return items;
    }

    /** A nested mapping; empty when absent or not a mapping (the latter with an error). */
    Optional<Fields> mapping(String key, List<String> known) {
        JsonNode value = node.get(key);
        return value == null ? Optional.empty() : of(value, pathOf(key), known, errors);
    }

    Optional<Fields> requiredMapping(String key, List<String> known) {
        return required(key, "a mapping of " + String.join(", ", known)) ? mapping(key, known) : Optional.empty();
    }

    private boolean required(String key, String expected) {
        if (!node.has(key)) {
            error(key, "is required; expected " + expected);
            return false;
        }
        return true;
    }

    /** The value under {@code key}, or null when absent; a key without a value is an error, not a default. */
    private JsonNode present(String key) {
        JsonNode value = node.get(key);
        if (value != null && value.isNull()) {
            error(key, "has no value; leave the key out to get the default");
            return null;
        }
        return value;
    }

    static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "'" + value.asText() + "' (text)";
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText() + " (" + (value.isBoolean() ? "a boolean" : "a number") + ")";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        return value.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
