package io.mlrollout.core.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a connector authenticates to a router or a metrics source. The secret never appears in {@link #toString()}, so a
 * credential can be logged, put in an exception message or a report by mistake without leaking.
 */
public sealed interface Credential permits Credential.None, Credential.Bearer, Credential.Basic {

    Credential NONE = new None();

    /** The value of the {@code Authorization} header, if any. */
    Optional<String> authorizationHeader();

    /** Every form in which the secret could come back in text: the header, its encoded part, what it encodes. */
    List<String> secretForms();

    /**
     * {@code text} (from a server, a proxy or a library, which may echo what it was sent) with every form of the secret
     * replaced by "(hidden)", also where it was JSON-escaped or percent-encoded. Forms shorter than 4 characters are
     * left: replacing them wherever they occur in text the reader knows would reveal them rather than hide them.
     */
    default String redact(String text) {
        String result = text;
        for (String secret : secretForms()) {
            if (secret.length() >= 4) {
                for (String echoed : echoedForms(secret)) {
                    result = result.replace(echoed, "(hidden)");
                }
            }
        }
        return result;
    }

    /**
     * A secret as a server may write it back: as sent, inside a JSON string (with '/' written as '\/', as PHP does, or
     * not), and percent-encoded. Base64 secrets hold '/' and '+', which these change.
     */
    private static List<String> echoedForms(String secret) {
        String json = secret.replace("\\", "\\\\").replace("\"", "\\\"");
        return List.of(
                secret,
                json,
                json.replace("/", "\\/"),
                URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** How much of a server's text an error message quotes. */
    int QUOTE_CHARS = 300;

    /**
     * The start of {@code text} (a server's body or reason) on one line, for an error message: the secret is hidden
     * before the text is cut or its whitespace folded, since a secret cut in two or re-spaced no longer matches and
     * its start would be quoted.
     */
    default String quote(String text) {
        String oneLine = redact(text).strip().replaceAll("\\s+", " ");
        return oneLine.length() <= QUOTE_CHARS ? oneLine : oneLine.substring(0, QUOTE_CHARS) + "…";
    }

    /** No authentication. */
    record None() implements Credential {
        @Override
        public Optional<String> authorizationHeader() {
            return Optional.empty();
        }

        @Override
        public List<String> secretForms() {
            return List.of();
        }

        @Override
        public String toString() {
            return "no credential";
        }
    }

    /** {@code Authorization: Bearer <token>}. */
    final class Bearer implements Credential {
        private final String token;

        public Bearer(String token) {
            this.token = Objects.requireNonNull(token, "token");
        }

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.of("Bearer " + token);
        }

        @Override
        public List<String> secretForms() {
            return List.of("Bearer " + token, token);
        }

        @Override
        public String toString() {
            return "bearer token (hidden)";
        }
    }

    /** {@code Authorization: Basic base64(user:password)}. */
    final class Basic implements Credential {
        private final String username;
        private final String password;

        public Basic(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
        }

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.of("Basic " + encodedPair());
        }

        @Override
        public List<String> secretForms() {
            return List.of("Basic " + encodedPair(), encodedPair(), username + ":" + password, password);
        }

        private String encodedPair() {
            String pair = username + ":" + password;
            return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "basic auth as " + username + " (password hidden)";
        }
    }
}
