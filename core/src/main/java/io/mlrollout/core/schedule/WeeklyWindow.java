package io.mlrollout.core.schedule;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hours of some days of the week in which traffic may move forward, read in the calendar's time zone: local time, so a
 * window at 09:00 stays at 09:00 across daylight-saving changes.
 *
 * @param days the days it applies to
 * @param fromMinute the first minute of the day it is open (0 is 00:00)
 * @param toMinute the minute it closes, after {@code fromMinute}; 1440 is the end of the day (24:00)
 */
public record WeeklyWindow(Set<DayOfWeek> days, int fromMinute, int toMinute) {

    public static final int END_OF_DAY = 24 * 60;

    public WeeklyWindow {
        if (days.isEmpty()) {
            throw new IllegalArgumentException("a window needs at least one day");
        }
        if (fromMinute < 0 || toMinute > END_OF_DAY || fromMinute >= toMinute) {
            throw new IllegalArgumentException("a window must close after it opens, within one day");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    boolean contains(LocalDateTime local) {
        int minute = local.getHour() * 60 + local.getMinute();
        return days.contains(local.getDayOfWeek()) && minute >= fromMinute && minute < toMinute;
    }

    LocalTime opens() {
        return LocalTime.of(fromMinute / 60, fromMinute % 60);
    }

    @Override
    public String toString() {
        String dayNames = EnumSet.copyOf(days).stream()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT))
                .collect(Collectors.joining(","));
        return dayNames + " " + clock(fromMinute) + "-" + clock(toMinute);
    }

    public static String clock(int minute) {
        return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }
}
