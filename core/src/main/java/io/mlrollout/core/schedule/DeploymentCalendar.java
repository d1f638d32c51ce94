package io.mlrollout.core.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When traffic may move forward on an endpoint: allowed weekly windows (none means any time) and freezes. An
 * administrator's calendar and a policy's are both applied (see {@link DeploymentSchedule}), so a policy can narrow
 * the endpoint's times but never widen them.
 *
 * @param zone the IANA time zone the windows are read in, and the freezes' times when they carry no offset
 * @param windows the allowed hours; empty means no restriction by hours
 * @param freezes periods closed whatever the windows say
 */
public record DeploymentCalendar(ZoneId zone, List<WeeklyWindow> windows, List<Freeze> freezes) {

    /** No windows and no freezes: always open. */
    public static final DeploymentCalendar ALWAYS_OPEN = new DeploymentCalendar(ZoneId.of("UTC"), List.of(), List.of());

    public DeploymentCalendar {
        Objects.requireNonNull(zone, "zone");
        windows = List.copyOf(windows);
        freezes = List.copyOf(freezes);
    }

    public boolean restricts() {
        return !windows.isEmpty() || !freezes.isEmpty();
    }

    boolean inWindow(Instant at) {
        if (windows.isEmpty()) {
            return true;
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        return windows.stream().anyMatch(w -> w.contains(local));
    }

    /** Every freeze in force at {@code at}: where they overlap, each is a reason the calendar is closed. */
    List<Freeze> freezesAt(Instant at) {
        return freezes.stream().filter(f -> f.covers(at)).toList();
    }

    /**
     * A local opening time as instants: one the daylight-saving gap skips is the moment the clock jumps; one the autumn
     * overlap shows twice opens twice, as the local clock reaches it again.
     */
    private List<Instant> openings(LocalDateTime local) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition == null) {
            return List.of(ZonedDateTime.of(local, zone).toInstant());
        }
        if (transition.isGap()) {
            return List.of(transition.getInstant());
        }
        return List.of(
                ZonedDateTime.ofLocal(local, zone, transition.getOffsetBefore()).toInstant(),
                ZonedDateTime.ofLocal(local, zone, transition.getOffsetAfter()).toInstant());
    }

    /**
     * The instants in {@code [from, until]} at which this calendar may turn from closed to open: each window's opening
     * and each freeze's end. An opening that falls into a daylight-saving gap is the gap's end, when the local clock
     * jumps into the window's hours: a window of 02:30-04:00 on the night that skips 02:00-03:00 holds 03:00, as
     * {@link #inWindow} reads it. One in the autumn overlap counts at both of its moments.
     */
    List<Instant> openingsBetween(Instant from, Instant until) {
        List<Instant> openings = new ArrayList<>();
        LocalDate day = LocalDate.ofInstant(from, zone).minusDays(1);
        LocalDate last = LocalDate.ofInstant(until, zone).plusDays(1);
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            for (WeeklyWindow window : windows) {
                if (window.days().contains(day.getDayOfWeek())) {
                    openings.addAll(openings(LocalDateTime.of(day, window.opens())));
                }
            }
        }
        freezes.forEach(f -> openings.add(f.to()));
        openings.removeIf(at -> at.isBefore(from) || at.isAfter(until));
        return openings;
    }
}
