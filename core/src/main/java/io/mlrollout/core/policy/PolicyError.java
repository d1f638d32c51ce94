package io.mlrollout.core.policy;

import java.util.Objects;

/**
 * One reason a policy was refused.
 *
 * @param path where in the document, e.g. {@code stages[1].weight}; empty for the document as a whole
 * @param message why, in words a pipeline author can act on, e.g. {@code 120 is over 100}
 */
public record PolicyError(String path, String message) {

    public PolicyError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
