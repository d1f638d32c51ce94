package io.mlrollout.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.ScheduleSection;
import io.mlrollout.core.schedule.DeploymentSchedule.OutsideWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows are local hours in their zone: daylight-saving changes move them in UTC, never in local time. */
class DeploymentScheduleTest {

    private static DeploymentSchedule schedule(String... calendars) throws PolicyException {
        List<DeploymentCalendar> all = new java.util.ArrayList<>();
        for (String yaml : calendars) {
            all.add(ScheduleSection.endpointCalendar(yaml));
        }
        return new DeploymentSchedule(all, OutsideWindow.WAIT, Duration.ofDays(4));
    }

    private static final String BERLIN_OFFICE = """
            timeZone: Europe/Berlin
            windows: [{days: [mon-fri], from: '09:00', to: '17:00'}]
            """;

    @Test
    void afterTheAutumnChangeTheWindowOpensAnHourLaterInUtc() throws PolicyException {
        // Friday 2026-10-23 18:00 CEST; the clocks go back on Sunday the 25th.
        WindowStatus status = schedule(BERLIN_OFFICE).at(Instant.parse("2026-10-23T16:00:00Z"));

        assertThat(status.open()).isFalse();
        assertThat(status.opensAt()).contains(Instant.parse("2026-10-26T08:00:00Z")); // 09:00 CET
        assertThat(schedule(BERLIN_OFFICE)
                        .at(Instant.parse("2026-10-23T07:00:00Z"))
                        .open())
                .isTrue(); // 09:00 CEST
        assertThat(schedule(BERLIN_OFFICE)
                        .at(Instant.parse("2026-10-26T07:30:00Z"))
                        .open())
                .isFalse(); // 08:30 CET
    }

    @Test
    void aWindowOpeningInTheSpringGapOpensWhenTheLocalClockGetsThere() throws PolicyException {
        // Europe/Berlin skips 02:00-03:00 on Sunday 2026-03-29.
        DeploymentSchedule night = schedule("""
                timeZone: Europe/Berlin
                windows: [{days: [sun], from: '02:30', to: '04:00'}]
                """);

        WindowStatus status = night.at(Instant.parse("2026-03-28T12:00:00Z"));

        // The clock jumps from 02:00 CET to 03:00 CEST, which is already inside 02:30-04:00.
        assertThat(status.opensAt()).contains(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST
        assertThat(night.at(Instant.parse("2026-03-29T00:59:59Z")).open()).isFalse(); // 01:59:59 CET
        assertThat(night.at(Instant.parse("2026-03-29T01:00:00Z")).open()).isTrue();
        assertThat(night.at(Instant.parse("2026-03-29T02:00:00Z")).open()).isFalse(); // 04:00 CEST
    }

    @Test
    void aWindowWhoseOpeningTheGapSkipsStillOpensForTheMinutesThatExist() throws PolicyException {
        // 02:30-03:15 on the night Berlin skips 02:00-03:00 exists only from 03:00 to 03:15 CEST. Shifting the opening
        // by the gap's length (03:30) would miss those minutes and wait a week for the next Sunday.
        DeploymentSchedule night = schedule("""
                timeZone: Europe/Berlin
                windows: [{days: [sun], from: '02:30', to: '03:15'}]
                """);

        WindowStatus status = night.at(Instant.parse("2026-03-28T12:00:00Z"));

        assertThat(status.opensAt()).contains(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST
        assertThat(night.at(Instant.parse("2026-03-29T01:14:59Z")).open()).isTrue();
        assertThat(night.at(Instant.parse("2026-03-29T01:15:00Z")).open()).isFalse();
    }

    @Test
    void aWindowOpeningInTheAutumnOverlapOpensAgainWhenTheClockShowsItTheSecondTime() throws PolicyException {
        // Berlin shows 02:00-03:00 twice on Sunday 2026-10-25. At 02:10 CET, after the window's first 02:30-03:00, the
        // local clock reaches 02:30 again in 20 minutes: waiting a week for the next Sunday would fail the 4d maxWait.
        DeploymentSchedule night = schedule("""
                timeZone: Europe/Berlin
                windows: [{days: [sun], from: '02:30', to: '04:00'}]
                """);

        WindowStatus status = night.at(Instant.parse("2026-10-25T01:10:00Z")); // 02:10 CET

        assertThat(status.opensAt()).contains(Instant.parse("2026-10-25T01:30:00Z")); // 02:30 CET
        // 02:30 alone would not say which of the two: the offset does
        assertThat(status.explanation()).startsWith("opens Sun 2026-10-25 02:30+01:00 Europe/Berlin (outside");
        assertThat(night.describe(Instant.parse("2026-10-25T03:30:00Z")))
                .isEqualTo("Sun 2026-10-25 04:30 Europe/Berlin");
    }

    @Test
    void aFreezeStartingInTheSpringGapHoldsFromTheMomentTheClockJumpsPastIt() throws PolicyException {
        // Berlin skips 02:00-03:00 on Sunday 2027-03-28: at 03:00 CEST the local clock is past 02:30, so the freeze
        // holds. Shifting 02:30 by the gap's length (03:30) would leave the half hour after the jump unfrozen.
        DeploymentSchedule frozen = schedule("""
                timeZone: Europe/Berlin
                freezes: [{name: migration, from: '2027-03-28T02:30', to: '2027-03-28T05:00'}]
                """);

        assertThat(frozen.at(Instant.parse("2027-03-28T00:59:59Z")).open()).isTrue(); // 01:59:59 CET
        assertThat(frozen.at(Instant.parse("2027-03-28T01:00:00Z")).open()).isFalse(); // 03:00 CEST
        assertThat(frozen.at(Instant.parse("2027-03-28T01:20:00Z")).open()).isFalse(); // 03:20 CEST
    }

    @Test
    void aFreezeEndingInTheAutumnOverlapHoldsUntilTheClockShowsItsEndTheSecondTime() throws PolicyException {
        // Berlin shows 02:00-03:00 twice on Sunday 2026-10-25 (CEST, then CET). At 02:10 CET the local clock is
        // again before 02:30: the freeze still holds, as it did at 02:10 CEST.
        DeploymentSchedule frozen = schedule("""
                timeZone: Europe/Berlin
                freezes: [{name: night-batch, from: '2026-10-25T00:00', to: '2026-10-25T02:30'}]
                """);

        assertThat(frozen.at(Instant.parse("2026-10-25T00:40:00Z")).open()).isFalse(); // 02:40 CEST
        assertThat(frozen.at(Instant.parse("2026-10-25T01:10:00Z")).open()).isFalse(); // 02:10 CET
        assertThat(frozen.at(Instant.parse("2026-10-25T01:30:00Z")).open()).isTrue(); // 02:30 CET
    }

    @Test
    void twoCalendarsInDifferentZonesOpenOnlyWhereBothAre() throws PolicyException {
        // New York 09:00-12:00 and Berlin 09:00-17:00 overlap only 15:00-17:00 Berlin (EST: UTC-5).
        DeploymentSchedule both = schedule(BERLIN_OFFICE, """
                timeZone: America/New_York
                windows: [{days: [mon-fri], from: '09:00', to: '12:00'}]
                """);

        WindowStatus status = both.at(Instant.parse("2026-11-23T08:00:00Z"));

        assertThat(status.opensAt()).contains(Instant.parse("2026-11-23T14:00:00Z"));
        assertThat(status.explanation())
                .isEqualTo("opens Mon 2026-11-23 15:00 Europe/Berlin (outside the windows Mon,Tue,Wed,Thu,Fri"
                        + " 09:00-12:00 America/New_York)");
        assertThat(both.at(Instant.parse("2026-11-23T16:00:00Z")).open()).isFalse(); // 11:00 NY, 17:00 Berlin
    }

    @Test
    void aFreezeOverridesTheWindowsUntilItsEnd() throws PolicyException {
        DeploymentSchedule frozen = schedule(BERLIN_OFFICE + """
                freezes:
                  - {name: launch, from: '2026-11-23T12:00+01:00', to: '2026-11-23T14:30'}
                """);

        WindowStatus status = frozen.at(Instant.parse("2026-11-23T12:00:00Z"));

        assertThat(status.opensAt()).contains(Instant.parse("2026-11-23T13:30:00Z"));
        assertThat(status.explanation())
                .isEqualTo("opens Mon 2026-11-23 14:30 Europe/Berlin (freeze 'launch' until Mon 2026-11-23 14:30"
                        + " Europe/Berlin)");
    }

    @Test
    void overlappingFreezesAreEachNamedSoTheOpeningIsExplained() throws PolicyException {
        DeploymentSchedule frozen = schedule("""
                timeZone: UTC
                freezes:
                  - {name: launch, from: '2026-12-01', to: '2026-12-05'}
                  - {name: year-end, from: '2026-12-03', to: '2026-12-10', reason: books closing}
                """);

        WindowStatus status = frozen.at(Instant.parse("2026-12-04T00:00:00Z"));

        assertThat(status.opensAt()).contains(Instant.parse("2026-12-11T00:00:00Z"));
        assertThat(status.explanation())
                .isEqualTo("opens Fri 2026-12-11 00:00 UTC (freeze 'launch' until Sun 2026-12-06 00:00 UTC; freeze"
                        + " 'year-end': books closing until Fri 2026-12-11 00:00 UTC)");
    }

    @Test
    void aFreezeThePolicyRepeatsFromTheEndpointIsNamedOnce() throws PolicyException {
        String yearEnd = """
                timeZone: Europe/Berlin
                freezes: [{name: year-end, from: '2026-12-19', to: '2027-01-03', reason: books closing}]
                """;

        WindowStatus status = schedule(yearEnd, yearEnd).at(Instant.parse("2026-12-21T09:00:00Z"));

        assertThat(status.explanation())
                .isEqualTo("opens Mon 2027-01-04 00:00 Europe/Berlin (freeze 'year-end': books closing until Mon"
                        + " 2027-01-04 00:00 Europe/Berlin)");
    }

    @Test
    void aCalendarThatNeverOpensSaysSo() throws PolicyException {
        DeploymentSchedule never = schedule(BERLIN_OFFICE + """
                freezes:
                  - {name: forever, from: '2026-01-01', to: '2030-01-01'}
                """);

        WindowStatus status = never.at(Instant.parse("2026-11-23T12:00:00Z"));

        assertThat(status.opensAt()).isEmpty();
        assertThat(status.explanation()).startsWith("does not open within 400 days");
    }
}
