package io.mlrollout.core.notify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing to tell people about a rollout. It never holds a secret: the sinks' URLs stay with the sinks.
 *
 * @param type what happened
 * @param id unique per rollout and event, the same on every retry (receivers may drop duplicates by it)
 * @param time when it happened
 * @param endpoint the model endpoint
 * @param rolloutId the rollout, e.g. the build
 * @param candidate the version rolled out
 * @param summary one line for people, as the build log says it
 * @param link where to see the rollout and sign, when known
 * @param contacts whom an escalation is for; empty otherwise
 */
public record Notification(
        NotificationType type,
        String id,
        Instant time,
        String endpoint,
        String rolloutId,
        String candidate,
        String summary,
        Optional<String> link,
        List<String> contacts) {

    public Notification {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(link, "link");
        contacts = List.copyOf(contacts);
    }

    /** The CloudEvents {@code source}: which rollout on which endpoint. */
    public String source() {
        return "/mlrollout/endpoints/" + endpoint + "/rollouts/" + rolloutId;
    }
}
