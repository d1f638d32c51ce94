package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.TiersSection;
import io.mlrollout.core.tier.TierFloors;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An endpoint's tier floors as an administrator types them: YAML ({@code facts}, {@code floors}) read by the policy's
 * own tier reader, so a rule that does not compile is refused when the endpoint is saved.
 */
final class TierFloorsField {

    private TierFloorsField() {}

    /** Every problem of the text, each with its path; empty when it reads (or is blank: no floors). */
    static Optional<String> problems(@CheckForNull String yaml) {
        try {
            TiersSection.endpointFloors(yaml);
            return Optional.empty();
        } catch (PolicyException e) {
            return Optional.of(e.errors().stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
        }
    }

    static TierFloors read(@CheckForNull String yaml) {
        try {
            return TiersSection.endpointFloors(yaml);
        } catch (PolicyException e) {
            throw new IllegalStateException("tierFloors was accepted when it was saved: " + e.getMessage(), e);
        }
    }
}
