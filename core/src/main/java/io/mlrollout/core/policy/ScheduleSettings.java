package io.mlrollout.core.policy;

import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.schedule.DeploymentSchedule;
import io.mlrollout.core.schedule.DeploymentSchedule.OutsideWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A policy's {@code schedule}: its own windows and freezes, applied on top of the endpoint's, and what to do outside
 * them.
 *
 * @param calendar the policy's own windows and freezes (always open when it names none)
 * @param outsideWindow wait for the window, or fail
 * @param maxWait the longest wait before the rollout fails
 */
public record ScheduleSettings(DeploymentCalendar calendar, OutsideWindow outsideWindow, Duration maxWait) {

    public ScheduleSettings {
        Objects.requireNonNull(calendar, "calendar");
        Objects.requireNonNull(outsideWindow, "outsideWindow");
        Objects.requireNonNull(maxWait, "maxWait");
    }

    /** No windows of its own; wait up to {@link DeploymentSchedule#DEFAULT_MAX_WAIT} for the endpoint's. */
    public static ScheduleSettings defaults() {
        return new ScheduleSettings(
                DeploymentCalendar.ALWAYS_OPEN, OutsideWindow.WAIT, DeploymentSchedule.DEFAULT_MAX_WAIT);
    }

    /** The endpoint's calendar first (its zone tells people the times), then the policy's. */
    public DeploymentSchedule with(DeploymentCalendar endpoint) {
        List<DeploymentCalendar> calendars = new ArrayList<>(List.of(endpoint, calendar));
        return new DeploymentSchedule(calendars, outsideWindow, maxWait);
    }
}
