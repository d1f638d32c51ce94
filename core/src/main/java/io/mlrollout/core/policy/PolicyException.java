package io.mlrollout.core.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy (or the combination of a policy with an endpoint's settings) was refused. Carries every error found, not
 * only the first, so an author can fix them all in one go; the message lists them one per line.
 */
public class PolicyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<PolicyError> errors;

    public PolicyException(List<PolicyError> errors) {
        super(errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a PolicyException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
