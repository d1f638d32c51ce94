package io.mlrollout.core.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether traffic may move forward now and, when not, why and when it may.
 *
 * @param open true when every calendar is open
 * @param opensAt when all calendars are next open together, empty when not within {@link DeploymentSchedule#HORIZON}
 *     (or when open now)
 * @param explanation for people, e.g. {@code opens Tue 2026-12-01 09:00 Europe/Berlin (outside the windows Mon-Fri
 *     09:00-16:00 Europe/Berlin)}; empty when open
 */
public record WindowStatus(boolean open, Optional<Instant> opensAt, String explanation) {

    static final WindowStatus OPEN = new WindowStatus(true, Optional.empty(), "");
}
