package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.ScheduleSection;
import io.mlrollout.core.schedule.DeploymentCalendar;
import java.util.Optional;
import java.util.stream.Collectors;

/** An endpoint's deployment calendar as an administrator types it: YAML read by the policy's own calendar reader. */
final class CalendarField {

    private CalendarField() {}

    /** Every problem of the text, each with its path; empty when it reads (or is blank: always open). */
    static Optional<String> problems(@CheckForNull String yaml) {
        try {
            ScheduleSection.endpointCalendar(yaml);
            return Optional.empty();
        } catch (PolicyException e) {
            return Optional.of(e.errors().stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
        }
    }

    static DeploymentCalendar read(@CheckForNull String yaml) {
        try {
            return ScheduleSection.endpointCalendar(yaml);
        } catch (PolicyException e) {
            throw new IllegalStateException("deploymentCalendar was accepted when it was saved: " + e.getMessage(), e);
        }
    }
}
