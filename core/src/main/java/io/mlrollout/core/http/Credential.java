package io.mlrollout.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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

    /** No authentication. */
    record None() implements Credential {
        @Override
        public Optional<String> authorizationHeader() {
            return Optional.empty();
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

        public String username() {
            return username;
        }

        @Override
        public Optional<String> authorizationHeader() {
            String pair = username + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "basic auth as " + username + " (password hidden)";
        }
    }
}
