package io.mlrollout.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The deployment calendars a rollout must respect (the endpoint's and the policy's: traffic moves forward only when
 * all are open, so a policy narrows and never widens) and what to do outside them.
 *
 * @param calendars every calendar that applies; the first one's zone is used to tell people the times
 * @param outsideWindow wait for the window, or fail at once
 * @param maxWait how long a rollout may wait for the window before it fails
 */
public record DeploymentSchedule(List<DeploymentCalendar> calendars, OutsideWindow outsideWindow, Duration maxWait) {

    /** How far ahead an opening is looked for: a window further away is as good as none. */
    public static final Duration HORIZON = Duration.ofDays(400);

    /** The default longest wait for a window: a long weekend plus a day. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofDays(4);

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

    public DeploymentSchedule {
        calendars = calendars.stream().filter(DeploymentCalendar::restricts).toList();
    }

    /** What the policy says to do outside the window. */
    public enum OutsideWindow {
        /** Hold traffic where it is (still judged) until the window opens, up to maxWait. */
        WAIT,
        /** Fail the shift or the promotion at once. */
        FAIL
    }

    public WindowStatus at(Instant now) {
        List<String> closed = closedBecause(now);
        if (closed.isEmpty()) {
            return WindowStatus.OPEN;
        }
        Optional<Instant> opensAt = nextOpening(now);
        String when =
                opensAt.map(at -> "opens " + describe(at)).orElse("does not open within " + HORIZON.toDays() + " days");
        return new WindowStatus(false, opensAt, when + " (" + String.join("; ", closed) + ")");
    }

    /**
     * Whether, from {@code now}, the calendars stay closed until {@code opening} and are open then: a wait made for
     * that opening still stands. Looks only as far as the opening, so it is cheap to ask at every look of a wait.
     */
    public boolean firstOpensAt(Instant now, Instant opening) {
        if (opening.isBefore(now) || openAt(now)) {
            return false;
        }
        TreeSet<Instant> candidates = new TreeSet<>();
        calendars.forEach(c -> candidates.addAll(c.openingsBetween(now, opening)));
        return candidates.stream().filter(this::openAt).findFirst().equals(Optional.of(opening));
    }

    /**
     * How an instant is shown to people: in the zone of the first calendar, with the day of the week, and with its
     * offset when the autumn overlap shows that local time twice.
     */
    public String describe(Instant at) {
        ZoneId zone = calendars.isEmpty() ? ZoneId.of("UTC") : calendars.get(0).zone();
        ZonedDateTime local = ZonedDateTime.ofInstant(at, zone);
        boolean shownTwice =
                zone.getRules().getValidOffsets(local.toLocalDateTime()).size() > 1;
        return WHEN.format(local) + (shownTwice ? local.getOffset().getId() : "") + " " + zone.getId();
    }

    private boolean openAt(Instant at) {
        return calendars.stream()
                .allMatch(c -> c.inWindow(at) && c.freezesAt(at).isEmpty());
    }

    /** Each reason once: a policy that repeats the endpoint's year-end freeze is closed for one reason, not two. */
    private List<String> closedBecause(Instant at) {
        Set<String> reasons = new LinkedHashSet<>();
        for (DeploymentCalendar calendar : calendars) {
            calendar.freezesAt(at)
                    .forEach(freeze -> reasons.add(
                            "freeze '" + freeze.name() + "'" + (freeze.reason().isEmpty() ? "" : ": " + freeze.reason())
                                    + " until " + describe(freeze.to())));
            if (!calendar.inWindow(at)) {
                reasons.add("outside the windows "
                        + calendar.windows().stream()
                                .map(WeeklyWindow::toString)
                                .collect(Collectors.joining(", "))
                        + " " + calendar.zone().getId());
            }
        }
        return List.copyOf(reasons);
    }

    /** Openness changes from closed to open only at some calendar's window opening or freeze end. */
    private Optional<Instant> nextOpening(Instant now) {
        Instant until = now.plus(HORIZON);
        TreeSet<Instant> candidates = new TreeSet<>();
        calendars.forEach(c -> candidates.addAll(c.openingsBetween(now, until)));
        return candidates.stream().filter(this::openAt).findFirst();
    }
}
