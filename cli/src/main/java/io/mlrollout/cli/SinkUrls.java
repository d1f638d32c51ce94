package io.mlrollout.cli;

import io.mlrollout.core.notify.NotificationSink;
import io.mlrollout.core.notify.SinkSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves notification sinks' URLs for the CLI when a command starts, so a missing one, or one that is no http(s)
 * URL, is refused before anything moves. Errors name the variable or the file, never what is in it.
 */
final class SinkUrls {

    private SinkUrls() {}

    static NotificationSink resolve(SinkSpec spec, int index, Environment env) {
        String field = "notifications.sinks[" + index + "]." + spec.secretKey();
        String url;
        if (spec.secretKey().equals("urlEnv")) {
            url = env.variable(spec.secretRef())
                    .filter(value -> !value.isBlank())
                    .orElseThrow(() ->
                            new SinkUrlMissing(field, "the environment variable " + spec.secretRef() + " is not set"));
        } else {
            try {
                url = Files.readString(Path.of(spec.secretRef()), StandardCharsets.UTF_8)
                        .trim();
            } catch (IOException e) {
                throw new SinkUrlMissing(
                        field,
                        "cannot read " + spec.secretRef() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (!SinkSpec.isHttpUrl(url)) {
            String holder = spec.secretKey().equals("urlEnv")
                    ? "the environment variable " + spec.secretRef()
                    : spec.secretRef();
            throw new SinkUrlMissing(field, holder + " does not hold an http(s) URL");
        }
        String resolved = url;
        return spec.resolve(() -> resolved);
    }

    /** A sink whose URL cannot be found or used; unchecked so it can leave a resolver function. */
    static final class SinkUrlMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String field;

        SinkUrlMissing(String field, String reason) {
            super(reason);
            this.field = field;
        }
    }
}
