package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.ValueType.DURATION;
import static io.mlrollout.core.policy.ValueType.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.schedule.DeploymentSchedule.OutsideWindow;
import io.mlrollout.core.schedule.Freeze;
import io.mlrollout.core.schedule.WeeklyWindow;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads deployment calendars: a policy's {@code schedule} section, and an endpoint's calendar (the same keys without
 * {@code outsideWindow} and {@code maxWait}) for the CLI's endpoint file and Jenkins' endpoint settings. Every problem is
 * reported with its field path, like the rest of the policy.
 */
public final class ScheduleSection {

    static final List<String> CALENDAR_KEYS = List.of("timeZone", "windows", "freezes");
    static final List<String> POLICY_KEYS = List.of("timeZone", "windows", "freezes", "outsideWindow", "maxWait");
    private static final List<String> WINDOW_KEYS = List.of("days", "from", "to");
    private static final List<String> FREEZE_KEYS = List.of("name", "from", "to", "reason");

    private static final Map<String, DayOfWeek> DAYS = Map.of(
            "mon", DayOfWeek.MONDAY,
            "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY,
            "thu", DayOfWeek.THURSDAY,
            "fri", DayOfWeek.FRIDAY,
            "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);
    private static final Pattern DAY_RANGE = Pattern.compile("([a-z]{3})-([a-z]{3})");
    private static final Pattern CLOCK = Pattern.compile("([01][0-9]|2[0-4]):([0-5][0-9])");

    private final List<PolicyError> errors;

    private ScheduleSection(List<PolicyError> errors) {
        this.errors = errors;
    }

    /**
     * An endpoint's calendar from a YAML or JSON document (Jenkins' endpoint settings), blank meaning always open.
     *
     * @throws PolicyException listing every problem with its field path
     */
    public static DeploymentCalendar endpointCalendar(String text) throws PolicyException {
        if (text == null || text.isBlank()) {
            return DeploymentCalendar.ALWAYS_OPEN;
        }
        List<PolicyError> errors = new ArrayList<>();
        Optional<DeploymentCalendar> calendar =
                DocumentReader.read(text, "calendar", errors).flatMap(root -> endpointCalendar(root, "", errors));
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return calendar.orElse(DeploymentCalendar.ALWAYS_OPEN);
    }

    /** An endpoint's calendar from a node of a larger document (the CLI's endpoint file), errors under {@code path}. */
    public static Optional<DeploymentCalendar> endpointCalendar(JsonNode node, String path, List<PolicyError> errors) {
        int before = errors.size();
        Optional<DeploymentCalendar> calendar = MappingReader.of(node, path, CALENDAR_KEYS, errors)
                .map(reader -> new ScheduleSection(errors).calendar(reader));
        return errors.size() == before ? calendar : Optional.empty();
    }

    /** A policy's {@code schedule}, defaults when absent. */
    static ScheduleSettings policySchedule(MappingReader top, List<PolicyError> errors) {
        ScheduleSettings defaults = ScheduleSettings.defaults();
        return top.mapping("schedule", POLICY_KEYS)
                .map(schedule -> new ScheduleSettings(
                        new ScheduleSection(errors).calendar(schedule),
                        schedule.orDefault(
                                "outsideWindow", ValueType.choice(OutsideWindow.class), defaults.outsideWindow()),
                        schedule.orDefault("maxWait", DURATION, defaults.maxWait())))
                .orElse(defaults);
    }

    private DeploymentCalendar calendar(MappingReader calendar) {
        boolean needsZone = calendar.has("windows") || calendar.has("freezes");
        Optional<ZoneId> zone = calendar.has("timeZone") || needsZone
                ? zone(calendar)
                : Optional.of(DeploymentCalendar.ALWAYS_OPEN.zone());
        List<WeeklyWindow> windows = new ArrayList<>();
        Optional<List<JsonNode>> windowList = calendar.list("windows");
        List<JsonNode> windowItems = windowList.orElse(List.of());
        if (windowList.isPresent() && windowItems.isEmpty()) {
            calendar.error(
                    "windows",
                    "is empty; leave it out to allow any time, or list windows such as"
                            + " {days: [mon-fri], from: '09:00', to: '17:00'}");
        }
        for (int i = 0; i < windowItems.size(); i++) {
            String path = FieldPath.index(calendar.pathOf("windows"), i);
            MappingReader.of(windowItems.get(i), path, WINDOW_KEYS, errors)
                    .flatMap(this::window)
                    .ifPresent(windows::add);
        }
        List<Freeze> freezes = new ArrayList<>();
        List<JsonNode> freezeItems = calendar.list("freezes").orElse(List.of());
        for (int i = 0; i < freezeItems.size(); i++) {
            String path = FieldPath.index(calendar.pathOf("freezes"), i);
            MappingReader.of(freezeItems.get(i), path, FREEZE_KEYS, errors)
                    .flatMap(freeze -> freeze(freeze, zone))
                    .ifPresent(freezes::add);
        }
        return new DeploymentCalendar(zone.orElse(DeploymentCalendar.ALWAYS_OPEN.zone()), windows, freezes);
    }

    private Optional<ZoneId> zone(MappingReader calendar) {
        return calendar.required(
                "timeZone",
                TEXT.where(ZoneId.getAvailableZoneIds()::contains, ScheduleSection::notAZone)
                        .map(ZoneId::of));
    }

    private static String notAZone(String id) {
        String example = " such as Europe/Berlin, America/New_York or UTC";
        return isOffset(id)
                ? "'" + id + "' is a fixed offset, not an IANA time zone: the windows would not follow daylight"
                        + " saving; use an IANA time zone" + example
                : "'" + id + "' is not an IANA time zone" + example
                        + Suggestions.hint(id, ZoneId.getAvailableZoneIds());
    }

    /** {@code +01:00}, {@code UTC+1}: Java reads them as zones, but they keep one offset all year. */
    private static boolean isOffset(String id) {
        try {
            return ZoneId.of(id).normalized() instanceof ZoneOffset;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private Optional<WeeklyWindow> window(MappingReader window) {
        Optional<Set<DayOfWeek>> days = days(window);
        Optional<Integer> from = window.required("from", clock(false));
        Optional<Integer> to = window.required("to", clock(true));
        if (from.isPresent() && to.isPresent() && to.get() <= from.get()) {
            window.error(
                    "to",
                    WeeklyWindow.clock(to.get()) + " is not after from (" + WeeklyWindow.clock(from.get())
                            + "); a window closes on the day it opens: split an overnight window in two");
            return Optional.empty();
        }
        if (days.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new WeeklyWindow(days.get(), from.get(), to.get()));
    }

    private Optional<Set<DayOfWeek>> days(MappingReader window) {
        if (!window.has("days")) {
            window.error("days", "is required; expected a list of days such as [mon-fri] or [mon, wed]");
            return Optional.empty();
        }
        Optional<List<JsonNode>> list = window.list("days");
        List<JsonNode> items = list.orElse(List.of());
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        boolean ok = list.isPresent();
        if (ok && items.isEmpty()) {
            window.error("days", "is empty; expected days such as [mon-fri]");
            ok = false;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = FieldPath.index(window.pathOf("days"), i);
            Optional<Set<DayOfWeek>> read = MappingReader.read(items.get(i), path, DAY_SPEC, errors);
            read.ifPresent(days::addAll);
            ok &= read.isPresent();
        }
        return ok ? Optional.of(days) : Optional.empty();
    }

    private static final ValueType<Set<DayOfWeek>> DAY_SPEC = TEXT.map(text -> {
        String word = text.toLowerCase(Locale.ROOT);
        Matcher range = DAY_RANGE.matcher(word);
        if (range.matches() && DAYS.containsKey(range.group(1)) && DAYS.containsKey(range.group(2))) {
            DayOfWeek first = DAYS.get(range.group(1));
            DayOfWeek last = DAYS.get(range.group(2));
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                days.add(d);
                if (d == last) {
                    return days;
                }
            }
        }
        if (DAYS.containsKey(word)) {
            return EnumSet.of(DAYS.get(word));
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a day: use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri");
    });

    /** A local time of day as HH:MM; 24:00 only where a window closes. */
    private static ValueType<Integer> clock(boolean closing) {
        return TEXT.map(text -> {
            Matcher m = CLOCK.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not a time of day such as '09:00' (HH:MM, quoted" + " in YAML)");
            }
            int minute = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
            if (minute > WeeklyWindow.END_OF_DAY || (minute == WeeklyWindow.END_OF_DAY && !closing)) {
                throw new IllegalArgumentException("'" + text + "' is not a time of day"
                        + (closing ? "; the latest is 24:00" : "; a window opens at 23:59 at the latest"));
            }
            return minute;
        });
    }

    /**
     * Without a time zone (itself an error) the freeze is still read, so that its own mistakes are reported now: its
     * times are then read in UTC only to check how they are written, and not compared, as their order may depend on
     * the zone.
     */
    private Optional<Freeze> freeze(MappingReader freeze, Optional<ZoneId> zone) {
        ZoneId readIn = zone.orElse(ZoneOffset.UTC);
        Optional<String> name = freeze.required("name", TEXT);
        Optional<Instant> from = freeze.required("from", moment(readIn, false));
        Optional<Instant> to = freeze.required("to", moment(readIn, true));
        String reason = freeze.optional("reason", TEXT).orElse("");
        if (zone.isEmpty()) {
            return Optional.empty();
        }
        if (from.isPresent() && to.isPresent() && !to.get().isAfter(from.get())) {
            freeze.error("to", "is not after from; a freeze must end after it starts");
            return Optional.empty();
        }
        if (name.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Freeze(name.get(), from.get(), to.get(), reason));
    }

    /**
     * A local time as the freeze reads it: it covers every moment the local clock shows a time between its ends. A
     * time the spring gap skips is the moment the clock jumps past it (as a window's opening is); a time the autumn
     * overlap shows twice starts a freeze at its first showing and ends one at its second.
     */
    private static Instant localMoment(LocalDateTime local, ZoneId zone, boolean end) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        ZonedDateTime earlier = ZonedDateTime.ofLocal(local, zone, null);
        return (end ? earlier.withLaterOffsetAtOverlap() : earlier).toInstant();
    }

    /**
     * A date ({@code 2026-12-20}: from the start of the day, or to its end when it closes a freeze), a local date-time
     * in the calendar's zone ({@code 2026-12-20T18:00}) or one with an offset ({@code 2026-12-20T18:00+01:00}).
     */
    private static ValueType<Instant> moment(ZoneId zone, boolean end) {
        return TEXT.map(text -> {
            try {
                if (text.length() == 10) {
                    LocalDate day = LocalDate.parse(text);
                    return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
                }
                if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                    return OffsetDateTime.parse(text).toInstant();
                }
                return localMoment(LocalDateTime.parse(text), zone, end);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a date (2026-12-20) or a date and time"
                        + " (2026-12-20T18:00, optionally with an offset such as +01:00)");
            }
        });
    }
}
