package io.mlrollout.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.schedule.DeploymentSchedule.OutsideWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule section and endpoint calendars are refused with field paths, like the rest of a policy. */
class ScheduleValidationTest {

    private static final String BASE = """
            stages: [{weight: 5, bake: 10m}]
            metrics: [{name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%}]
            """;

    private static String refusal(String yaml) {
        return assertThatThrownBy(() -> PolicyParser.parse(BASE + yaml))
                .isInstanceOf(PolicyException.class)
                .actual()
                .getMessage();
    }

    @Test
    void aFullScheduleIsRead() throws PolicyException {
        Policy policy = PolicyParser.parse(BASE + """
                schedule:
                  timeZone: Europe/Berlin
                  windows: [{days: [mon-thu, fri], from: '09:00', to: '24:00'}]
                  freezes: [{name: year-end, from: '2026-12-20', to: '2027-01-03', reason: books closing}]
                  outsideWindow: fail
                  maxWait: 2d
                signOff: {approvers: [bob], expires: 8h, escalateAfter: 2h}
                """);

        ScheduleSettings schedule = policy.schedule();
        assertThat(schedule.outsideWindow()).isEqualTo(OutsideWindow.FAIL);
        assertThat(schedule.maxWait()).isEqualTo(Duration.ofDays(2));
        assertThat(schedule.calendar().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(schedule.calendar().windows().get(0).days()).hasSize(5);
        assertThat(schedule.calendar().windows().get(0).toMinute()).isEqualTo(24 * 60);
        assertThat(schedule.calendar().freezes().get(0).to()).isEqualTo(Instant.parse("2027-01-03T23:00:00Z"));
        assertThat(policy.signOff().orElseThrow().escalateAfter()).contains(Duration.ofHours(2));
    }

    @Test
    void everyMistakeIsNamedWithItsPath() {
        String message = refusal("""
                schedule:
                  timeZone: Europe/Berln
                  windows:
                    - {days: [mon, fry], from: '9am', to: '17:00'}
                    - {days: [sat], from: '22:00', to: '02:00'}
                  outsideWindow: skip
                  maxWait: 0s
                """);

        assertThat(message)
                .contains("schedule.timeZone: 'Europe/Berln' is not an IANA time zone")
                .contains("schedule.windows[0].days[1]: 'fry' is not a day")
                .contains("schedule.windows[0].from: '9am' is not a time of day such as '09:00'")
                .contains("schedule.windows[1].to: 02:00 is not after from (22:00)")
                .contains("split an overnight window in two")
                .contains("schedule.outsideWindow: 'skip' is not one of wait, fail")
                .contains("schedule.maxWait: 0s is zero");
    }

    @Test
    void windowsOrDaysThatAreNoListAreReportedOnce() {
        assertThat(refusal("schedule: {timeZone: UTC, windows: mon-fri}\n"))
                .containsOnlyOnce("schedule.windows: expected a list");
        assertThat(refusal("schedule: {timeZone: UTC, windows: [{days: mon, from: '09:00', to: '10:00'}]}\n"))
                .containsOnlyOnce("schedule.windows[0].days: expected a list");
    }

    /** Zone ids are case-sensitive: 'europe/berlin' is refused, and the message says which one was meant. */
    @Test
    void aMisspeltOrMiscasedTimeZoneGetsASuggestion() {
        for (String zone : List.of("europe/berlin", "Europe/Berln")) {
            assertThat(refusal("schedule: {timeZone: " + zone + ", windows: [{days: [mon], from: '09:00', to:"
                            + " '10:00'}]}\n"))
                    .contains("schedule.timeZone: '" + zone + "' is not an IANA time zone such as Europe/Berlin,"
                            + " America/New_York or UTC; did you mean Europe/Berlin?");
        }
    }

    /** An offset keeps one UTC offset all year: a Berlin window written as +01:00 would open at 10:00 in summer. */
    @Test
    void aFixedOffsetIsRefusedAsATimeZone() {
        for (String offset : List.of("+01:00", "UTC+1", "Z")) {
            assertThat(refusal("schedule: {timeZone: '" + offset + "', windows: [{days: [mon], from: '09:00', to:"
                            + " '10:00'}]}\n"))
                    .contains("schedule.timeZone: '" + offset + "' is a fixed offset, not an IANA time zone: the"
                            + " windows would not follow daylight saving; use an IANA time zone such as Europe/Berlin");
        }
    }

    @Test
    void windowsNeedATimeZoneAndFreezesMustEndAfterTheyStart() {
        String message = refusal("""
                schedule:
                  windows: [{days: [mon], from: '09:00', to: '10:00'}]
                """);
        assertThat(message).contains("schedule.timeZone: is required");

        String freeze = refusal("""
                schedule:
                  timeZone: UTC
                  freezes: [{name: x, from: '2026-12-20T10:00', to: '2026-12-20T09:00'}, {from: '20.12.2026', to: '2026-12-21'}]
                """);
        assertThat(freeze)
                .contains("schedule.freezes[0].to: is not after from")
                .contains("schedule.freezes[1].name: is required")
                .contains("schedule.freezes[1].from: '20.12.2026' is not a date (2026-12-20)");
    }

    /** Every problem at once: a missing time zone does not hide the freezes' own mistakes until it is fixed. */
    @Test
    void freezesAreCheckedEvenWhenTheTimeZoneIsMissing() {
        String message = refusal("""
                schedule:
                  freezes: [{nmae: x, from: '20.12.2026', to: '2026-12-21'}]
                """);

        assertThat(message)
                .contains("schedule.timeZone: is required")
                .contains("schedule.freezes[0].nmae: unknown key")
                .contains("schedule.freezes[0].name: is required")
                .contains("schedule.freezes[0].from: '20.12.2026' is not a date (2026-12-20)");
    }

    @Test
    void anEscalationAfterTheGateExpiredIsRefused() {
        assertThat(refusal("signOff: {approvers: [bob], expires: 2h, escalateAfter: 3h}\n"))
                .contains("signOff.escalateAfter: 3h is not between 0 and signOff.expires (2h)");
    }

    @Test
    void anEndpointCalendarRefusesThePolicysKeys() {
        assertThatThrownBy(() -> ScheduleSection.endpointCalendar("timeZone: UTC\nmaxWait: 1d\n"))
                .hasMessageContaining("maxWait");
    }
}
