package io.mlrollout.cli;

import io.mlrollout.core.policy.PolicyError;
import java.util.Objects;

/**
 * One reason an input (the endpoint file, a flag, the state file) was refused.
 *
 * @param path where: a field path such as {@code router.url}, or a flag such as {@code --candidate}
 * @param message why, in words a person can act on
 */
public record InputError(String path, String message) {

    public InputError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** The same problem, found by core's readers (the policy parser, the document reader). */
    static InputError from(PolicyError error) {
        return new InputError(error.path(), error.message());
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
