package io.mlrollout.core.signoff;

import java.util.Optional;

/** A user id or group name as a list of people (approvers, role members, overriders) writes it. */
public final class PersonEntry {

    private PersonEntry() {}

    /**
     * Why {@code entry} cannot stand in a list of people, if it cannot: ids are compared as written, so spaces around
     * one would make it match nobody, silently.
     */
    public static Optional<String> problem(String entry) {
        if (entry.isBlank()) {
            return Optional.of("is blank");
        }
        if (!entry.strip().equals(entry)) {
            return Optional.of(
                    "'" + entry + "' has spaces around it, so it would match nobody; write '" + entry.strip() + "'");
        }
        return Optional.empty();
    }
}
