package io.mlrollout.core.notify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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

    /**
     * The CloudEvents {@code source}: which rollout on which endpoint, a URI reference. The names are percent-encoded,
     * so a job name's space or the {@code #} before Jenkins' build number neither breaks it nor starts a fragment.
     */
    public String source() {
        return "/mlrollout/endpoints/" + pathEncoded(endpoint) + "/rollouts/" + pathEncoded(rolloutId);
    }

    /** {@code text} as a URI path: its UTF-8 bytes, those that may not stand in a path (RFC 3986) percent-encoded. */
    private static String pathEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : String.valueOf(text).getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~".indexOf(c) >= 0;
            if (unreserved || "!$&'()*+,;=:@/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
