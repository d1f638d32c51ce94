package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.notify.NotificationSettings;
import io.mlrollout.core.notify.NotificationSink;
import io.mlrollout.core.notify.NotificationType;
import io.mlrollout.core.notify.SinkFormat;
import io.mlrollout.core.notify.SinkSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads notifications: an endpoint's sinks and escalation contacts (the CLI's endpoint file, Jenkins' endpoint
 * settings), and a policy's {@code notifications} additions, which name the endpoint's sinks and add events to them.
 */
public final class NotificationsSection {

    private static final List<String> ENDPOINT_KEYS = List.of("sinks", "escalationContacts");
    private static final List<String> SUBSCRIPTION_KEYS = List.of("sink", "events");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final ValueType<String> SINK_NAME = TEXT.where(
            name -> NAME.matcher(name).matches(),
            name -> "'" + name + "' is not a sink name: use lower-case letters, digits and -");
    private static final ValueType<SinkFormat> TYPE = ValueType.choice(SinkFormat.class);
    private static final ValueType<NotificationType> EVENT = TEXT.map(word -> NotificationType.ofWord(word)
            .orElseThrow(() -> new IllegalArgumentException("'" + word + "' is not an event; use "
                    + NotificationType.words() + Suggestions.hint(word, words()))));

    private NotificationsSection() {}

    private static List<String> words() {
        return EnumSet.allOf(NotificationType.class).stream()
                .map(NotificationType::word)
                .toList();
    }

    /**
     * An endpoint's notifications from a YAML or JSON document (Jenkins), blank meaning none.
     *
     * @param secretKeys how a sink may name its URL, e.g. {@code credentialsId}; exactly one is required
     */
    public static NotificationSettings endpoint(String text, List<String> secretKeys) throws PolicyException {
        if (text == null || text.isBlank()) {
            return NotificationSettings.NONE;
        }
        List<PolicyError> errors = new ArrayList<>();
        Optional<NotificationSettings> settings = DocumentReader.read(text, "notifications", errors)
                .flatMap(root -> endpoint(root, "", secretKeys, errors));
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return settings.orElse(NotificationSettings.NONE);
    }

    /** An endpoint's notifications from a node of a larger document (the CLI's endpoint file). */
    public static Optional<NotificationSettings> endpoint(
            JsonNode node, String path, List<String> secretKeys, List<PolicyError> errors) {
        int before = errors.size();
        Optional<MappingReader> reader = MappingReader.of(node, path, ENDPOINT_KEYS, errors);
        if (reader.isEmpty()) {
            return Optional.empty();
        }
        MappingReader top = reader.get();
        List<String> sinkKeys = new ArrayList<>(List.of("name", "type", "events"));
        sinkKeys.addAll(secretKeys);
        List<SinkSpec> sinks = new ArrayList<>();
        List<JsonNode> items = top.list("sinks").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String itemPath = FieldPath.index(top.pathOf("sinks"), i);
            MappingReader.of(items.get(i), itemPath, sinkKeys, errors)
                    .flatMap(sink -> sink(sink, secretKeys, errors))
                    .ifPresent(sink -> {
                        if (sinks.stream().anyMatch(s -> s.name().equals(sink.name()))) {
                            errors.add(new PolicyError(itemPath + ".name", "'" + sink.name() + "' is used twice"));
                        } else {
                            sinks.add(sink);
                        }
                    });
        }
        List<String> contacts = texts(top, "escalationContacts", TEXT, errors);
        return errors.size() == before ? Optional.of(new NotificationSettings(sinks, contacts)) : Optional.empty();
    }

    private static Optional<SinkSpec> sink(MappingReader sink, List<String> secretKeys, List<PolicyError> errors) {
        Optional<String> name = sink.required("name", SINK_NAME);
        Optional<SinkFormat> type = sink.required("type", TYPE);
        List<String> given = secretKeys.stream().filter(sink::has).toList();
        if (given.size() != 1) {
            sink.error("name the URL with exactly one of " + String.join(", ", secretKeys)
                    + "; the URL is a secret and is never written here");
            return Optional.empty();
        }
        Optional<String> ref = sink.required(given.get(0), TEXT);
        Set<NotificationType> events =
                sink.has("events") ? EnumSet.noneOf(NotificationType.class) : EnumSet.allOf(NotificationType.class);
        events.addAll(texts(sink, "events", EVENT, errors));
        if (name.isEmpty() || type.isEmpty() || ref.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SinkSpec(name.get(), type.get(), given.get(0), ref.get(), events));
    }

    /** A policy's {@code notifications}: which of the endpoint's sinks hear of which more events. */
    static List<NotificationSubscription> policy(MappingReader top, List<PolicyError> errors) {
        List<NotificationSubscription> subscriptions = new ArrayList<>();
        List<JsonNode> items = top.list("notifications").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String path = FieldPath.index(top.pathOf("notifications"), i);
            MappingReader.of(items.get(i), path, SUBSCRIPTION_KEYS, errors).ifPresent(entry -> {
                Optional<String> sink = entry.required("sink", SINK_NAME);
                if (!entry.has("events")) {
                    entry.error("events", "is required; expected events such as [started, promoted]");
                }
                Set<NotificationType> events = EnumSet.noneOf(NotificationType.class);
                events.addAll(texts(entry, "events", EVENT, errors));
                sink.ifPresent(name -> subscriptions.add(new NotificationSubscription(name, events)));
            });
        }
        return subscriptions;
    }

    /**
     * The endpoint's sinks with the policy's additions. A policy that names a sink the endpoint does not have is
     * refused, with its path, before anything moves.
     *
     * @param resolve gives each sink its URL (read only when a notification is sent)
     */
    public static List<NotificationSink> combine(
            NotificationSettings endpoint,
            List<NotificationSubscription> additions,
            String endpointName,
            Function<SinkSpec, NotificationSink> resolve)
            throws PolicyException {
        Map<String, NotificationSink> sinks = new LinkedHashMap<>();
        endpoint.sinks().forEach(spec -> sinks.put(spec.name(), resolve.apply(spec)));
        List<PolicyError> errors = new ArrayList<>();
        for (int i = 0; i < additions.size(); i++) {
            NotificationSubscription addition = additions.get(i);
            NotificationSink sink = sinks.get(addition.sink());
            if (sink == null) {
                errors.add(new PolicyError(
                        "notifications[" + i + "].sink",
                        "'" + addition.sink() + "' is not a notification sink of endpoint '" + endpointName + "'"
                                + (sinks.isEmpty()
                                        ? " (it has none)"
                                        : " (" + String.join(", ", sinks.keySet()) + ")")));
            } else {
                sinks.put(addition.sink(), sink.plus(addition.events()));
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return List.copyOf(sinks.values());
    }

    private static <T> List<T> texts(MappingReader reader, String key, ValueType<T> type, List<PolicyError> errors) {
        List<T> values = new ArrayList<>();
        List<JsonNode> items = reader.list(key).orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            MappingReader.read(items.get(i), FieldPath.index(reader.pathOf(key), i), type, errors)
                    .ifPresent(values::add);
        }
        return values;
    }
}
