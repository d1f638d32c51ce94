package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.notify.NotificationSettings;
import io.mlrollout.core.policy.NotificationsSection;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** An endpoint's notifications as an administrator types them: YAML whose sinks name their URL by credential id. */
final class NotificationsField {

    /** In Jenkins a sink's URL is a secret text credential. */
    static final List<String> SECRET_KEYS = List.of("credentialsId");

    private NotificationsField() {}

    static Optional<String> problems(@CheckForNull String yaml) {
        try {
            NotificationsSection.endpoint(yaml, SECRET_KEYS);
            return Optional.empty();
        } catch (PolicyException e) {
            return Optional.of(e.errors().stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
        }
    }

    static NotificationSettings read(@CheckForNull String yaml) {
        try {
            return NotificationsSection.endpoint(yaml, SECRET_KEYS);
        } catch (PolicyException e) {
            throw new IllegalStateException("notifications were accepted when they were saved: " + e.getMessage(), e);
        }
    }
}
