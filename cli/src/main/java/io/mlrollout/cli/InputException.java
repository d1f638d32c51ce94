package io.mlrollout.cli;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Bad input, refused before any traffic moves: every problem found, each with the field and the reason, one per line.
 * Commands exit with {@link ExitCodes#BAD_INPUT}.
 */
public final class InputException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<InputError> errors;

    public InputException(String source, List<InputError> errors) {
        super(errors.stream()
                .map(e -> source.isEmpty() ? e.toString() : source + ": " + e)
                .collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an InputException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public InputException(String source, String path, String message) {
        this(source, List.of(new InputError(path, message)));
    }

    public List<InputError> errors() {
        return errors;
    }
}
