package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.ScheduleSection;
import io.mlrollout.core.schedule.DeploymentCalendar;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.Identity;
import io.mlrollout.core.signoff.SignOffRules;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Deployment windows and freezes inside a running rollout, on a virtual clock. */
class RolloutWindowTest {

    /** The endpoint's hours: weekdays 09:00–17:00 in Berlin (UTC+1 in November). */
    static final String OFFICE_HOURS = """
            timeZone: Europe/Berlin
            windows:
              - {days: [mon-fri], from: '09:00', to: '17:00'}
            """;

    static final String POLICY = RolloutEngineTest.THREE_STAGES;

    /** Monday 2026-11-23 16:45 in Berlin: stage 2 starts at 16:55, stage 3 would start after 17:00. */
    static final Instant MONDAY_1645 = Instant.parse("2026-11-23T15:45:00Z");

    static final Instant TUESDAY_0900 = Instant.parse("2026-11-24T08:00:00Z");

    private static DeploymentCalendar calendar(String yaml) throws PolicyException {
        return ScheduleSection.endpointCalendar(yaml);
    }

    private static Harness start(Instant at, String policyYaml, String endpointCalendar) throws PolicyException {
        Policy policy = Harness.policy(policyYaml);
        return new Harness(at)
                .start(policy, Optional.empty(), "alice", policy.schedule().with(calendar(endpointCalendar)));
    }

    @Test
    void aShiftToAHigherStageWaitsForTheWindowWhileTheCanaryIsStillJudged() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY, OFFICE_HOURS).runFor(Duration.ofMinutes(30));

        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.serving.weight).isEqualTo(25);
        RolloutEvent.WindowWaiting waiting =
                h.events(RolloutEvent.WindowWaiting.class).get(0);
        assertThat(waiting.move()).isEqualTo("stage 3/3 (50%)");
        assertThat(waiting.opensAt()).isEqualTo(TUESDAY_0900);
        assertThat(waiting.explanation())
                .isEqualTo("opens Tue 2026-11-24 09:00 Europe/Berlin (outside the windows Mon,Tue,Wed,Thu,Fri"
                        + " 09:00-17:00 Europe/Berlin)");
        int looksSoFar = h.events(RolloutEvent.Looked.class).size();

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50);
        RolloutEvent.WindowOpened opened =
                h.events(RolloutEvent.WindowOpened.class).get(0);
        assertThat(opened.at()).isEqualTo(TUESDAY_0900);
        assertThat(opened.openedBy()).isNull();
        assertThat(h.events(RolloutEvent.StageStarted.class).get(2).at()).isEqualTo(TUESDAY_0900);
        // looked every minute through the night, not only at the opening
        assertThat(h.events(RolloutEvent.Looked.class).size()).isGreaterThan(looksSoFar + 15 * 60 - 30);
    }

    @Test
    void aShadowStageThatWaitsForTheWindowIsNamedByItsMirroredShare() throws PolicyException {
        String shadowFirst = POLICY.replace("- {weight: 5, bake: 10m}", "- {shadow: 20%, bake: 10m}");
        // Monday 17:30 in Berlin: after the window, so the first stage waits for Tuesday 09:00
        Harness h = start(MONDAY_1645.plus(Duration.ofMinutes(45)), shadowFirst, OFFICE_HOURS)
                .runFor(Duration.ofMinutes(5));

        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.events(RolloutEvent.WindowWaiting.class).get(0).move()).isEqualTo("stage 1/3 (shadow 20%)");
    }

    @Test
    void aRegressionWhileWaitingRollsBackAtOnceWindowOrNot() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY, OFFICE_HOURS).runFor(Duration.ofMinutes(30));
        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        h.serving.candidateErrorRate = 0.05;

        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.shifts).containsExactly(5, 25, 0);
        assertThat(h.time.instant()).isBefore(TUESDAY_0900);
        assertThat(h.state().reason()).startsWith("regression while waiting for the deployment window");
    }

    @Test
    void aRollbackRequestIsNeverHeldByTheWindow() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY, OFFICE_HOURS).runFor(Duration.ofMinutes(30));
        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);

        h.driver.submit(new Input.RollbackRequested("bob", "customer complaint", h.time.instant()));
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.time.instant()).isBefore(MONDAY_1645.plus(Duration.ofMinutes(31)));
    }

    @Test
    void aPolicyNarrowsTheEndpointsWindowsAndAddsAFreeze() throws PolicyException {
        String policy = POLICY + """
                schedule:
                  timeZone: Europe/Berlin
                  windows:
                    - {days: [tue, wed], from: '10:00', to: '16:00'}
                  freezes:
                    - {name: year-end, from: '2026-11-24', to: '2026-11-24', reason: books closing}
                """;
        // Monday is outside the policy's days and Tuesday is frozen by it: stage 1 waits for Wednesday 10:00 Berlin.
        Harness h = start(MONDAY_1645.minus(Duration.ofHours(5)), policy, OFFICE_HOURS)
                .runFor(Duration.ofMinutes(11));

        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.serving.weight).isZero();
        assertThat(h.events(RolloutEvent.WindowWaiting.class).get(0).explanation())
                .isEqualTo("opens Wed 2026-11-25 10:00 Europe/Berlin (outside the windows Tue,Wed 10:00-16:00"
                        + " Europe/Berlin)");
        h.runFor(Duration.ofHours(22));
        assertThat(h.events(RolloutEvent.WindowWaiting.class)).hasSize(1);
        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);

        h.runToRest();

        assertThat(h.events(RolloutEvent.WindowOpened.class).get(0).at())
                .isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
    }

    @Test
    void aFreezeNamesItselfAndItsEnd() throws PolicyException {
        String frozen = OFFICE_HOURS + """
                freezes:
                  - {name: year-end, from: '2026-11-23T16:00', to: '2026-11-25', reason: books closing}
                """;
        Harness h =
                start(MONDAY_1645.minus(Duration.ofHours(1)), POLICY, frozen).runFor(Duration.ofMinutes(21));

        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.events(RolloutEvent.WindowWaiting.class).get(0).explanation())
                .isEqualTo("opens Thu 2026-11-26 09:00 Europe/Berlin (freeze 'year-end': books closing until Thu"
                        + " 2026-11-26 00:00 Europe/Berlin)");
    }

    @Test
    void outsideWindowFailRollsBackInsteadOfWaiting() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY + "schedule: {outsideWindow: fail}\n", OFFICE_HOURS)
                .runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.serving.shifts).containsExactly(5, 25, 0);
        assertThat(h.state().reason())
                .isEqualTo("the deployment window for stage 3/3 (50%) is closed, it opens Tue 2026-11-24 09:00"
                        + " Europe/Berlin (outside the windows Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/Berlin); the"
                        + " policy says schedule.outsideWindow: fail");
    }

    @Test
    void aWindowBeyondMaxWaitFailsAtOnceRatherThanWaitingInVain() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY + "schedule: {maxWait: 12h}\n", OFFICE_HOURS)
                .runToRest();

        assertThat(h.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(h.state().reason()).endsWith("that is beyond schedule.maxWait (12h)");
        assertThat(h.time.instant()).isBefore(MONDAY_1645.plus(Duration.ofMinutes(25)));
    }

    @Test
    void aPromotionOutsideTheWindowWaitsAndThenPromotes() throws PolicyException {
        Harness h = start(MONDAY_1645.minus(Duration.ofHours(1)), POLICY, OFFICE_HOURS)
                .runToRest();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        h.time.advance(Duration.ofMinutes(60)); // 17:15 Berlin

        assertThat(h.driver.submit(new Input.PromoteRequested("alice", h.time.instant())))
                .isEmpty();
        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.state().window().move()).isEqualTo(RolloutState.HeldMove.PROMOTION);
        h.runToRest();

        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(h.events(RolloutEvent.PromotionStarted.class).get(0).at()).isEqualTo(TUESDAY_0900);
        assertThat(h.events(RolloutEvent.PromotionStarted.class).get(0).by()).isEqualTo("alice");
    }

    @Test
    void underOutsideWindowFailAPromotionIsRefusedAndNothingMoves() throws PolicyException {
        Harness h = start(
                        MONDAY_1645.minus(Duration.ofHours(1)),
                        POLICY + "schedule: {outsideWindow: fail}\n",
                        OFFICE_HOURS)
                .runToRest();
        h.time.advance(Duration.ofMinutes(60));

        Optional<String> refusal = h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));

        assertThat(refusal)
                .hasValueSatisfying(why -> assertThat(why)
                        .startsWith("cannot promote: the deployment window is closed, it opens Tue 2026-11-24 09:00"));
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.serving.shifts).containsExactly(5, 25, 50);
    }

    @Test
    void aPromotionSignedOutsideTheWindowWaitsForIt() throws PolicyException {
        Policy policy = Harness.policy(POLICY.replace("promote: {bake: 10m, signOff: false}", "promote: {bake: 10m}")
                + "signOff: {approvers: [bob]}\n");
        Harness h = new Harness(MONDAY_1645.minus(Duration.ofHours(1)))
                .start(
                        policy,
                        SignOffRules.effective(policy, EndpointSignOffBounds.none()),
                        "alice",
                        policy.schedule().with(calendar(OFFICE_HOURS)))
                .runToRest();
        h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
        h.time.advance(Duration.ofMinutes(60));

        h.driver.submit(new Input.SignOff(Identity.user("bob"), Decision.APPROVE, "ok", h.time.instant()));

        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        h.runToRest();
        assertThat(h.phase()).isEqualTo(Phase.PROMOTED);
        assertThat(h.events(RolloutEvent.PromotionStarted.class).get(0).at()).isEqualTo(TUESDAY_0900);
    }

    @Test
    void anAdministratorOpensTheWindowNowAndItIsRecordedWithTheirName() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY, OFFICE_HOURS).runFor(Duration.ofMinutes(30));
        Instant now = h.time.instant();

        assertThat(h.driver.submit(new Input.OpenWindow("root", "incident fix must ship tonight", now)))
                .isEmpty();
        h.runFor(Duration.ofSeconds(1));

        assertThat(h.serving.weight).isEqualTo(50);
        RolloutEvent.WindowOpened opened =
                h.events(RolloutEvent.WindowOpened.class).get(0);
        assertThat(opened.openedBy()).isEqualTo("root");
        assertThat(opened.comment()).isEqualTo("incident fix must ship tonight");
        assertThat(opened.at()).isEqualTo(now);
    }

    @Test
    void openingTheWindowWhenNothingWaitsIsRefused() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY, OFFICE_HOURS).runFor(Duration.ofMinutes(3));

        assertThat(h.driver.submit(new Input.OpenWindow("root", "why not", h.time.instant())))
                .hasValueSatisfying(why -> assertThat(why).contains("nothing waits for the deployment window"));
        assertThat(h.phase()).isEqualTo(Phase.BAKING);
    }

    @Test
    void aRestartedControllerResumesTheWaitFromTheSavedStateAlone() throws PolicyException {
        Harness h = start(MONDAY_1645, POLICY, OFFICE_HOURS).runFor(Duration.ofMinutes(30));
        String saved = h.savedStates.get(h.savedStates.size() - 1);
        RolloutState restored = RolloutStateCodec.read(saved);
        assertThat(restored).isEqualTo(h.state());
        assertThat(restored.window().opensAt()).isEqualTo(TUESDAY_0900);

        Harness resumed = h.resumeFrom(saved).runToRest();

        assertThat(resumed.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(resumed.events(RolloutEvent.WindowOpened.class).get(0).at()).isEqualTo(TUESDAY_0900);
        assertThat(resumed.serving.shifts).containsExactly(5, 25, 50);
    }

    /** Monday 2026-11-23 in Berlin, frozen for an incident until Wednesday. */
    static final String INCIDENT_FREEZE = OFFICE_HOURS + """
            freezes: [{name: incident-42, from: '2026-11-23', to: '2026-11-24', reason: open incident}]
            """;

    private static RolloutEngine engineUnder(String policyYaml, String endpointCalendar) throws PolicyException {
        Policy policy = Harness.policy(policyYaml);
        return new RolloutEngine(
                policy,
                Optional.empty(),
                io.mlrollout.core.signoff.ApproverMatcher.CASE_INSENSITIVE,
                policy.schedule().with(calendar(endpointCalendar)));
    }

    @Test
    void aWaitResumedAfterTheFreezeWasLiftedGoesAheadInsteadOfWaitingForTheOldOpening() throws PolicyException {
        Harness h = start(MONDAY_1645.minus(Duration.ofHours(5)), POLICY, INCIDENT_FREEZE)
                .runFor(Duration.ofMinutes(5));
        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.state().window().opensAt()).isEqualTo(Instant.parse("2026-11-25T08:00:00Z"));
        String saved = h.savedStates.get(h.savedStates.size() - 1);

        Harness resumed = h.resumeFrom(saved, engineUnder(POLICY, OFFICE_HOURS)).runFor(Duration.ofSeconds(5));

        assertThat(resumed.serving.shifts).containsExactly(5);
        assertThat(resumed.events(RolloutEvent.WindowOpened.class).get(0).at())
                .isEqualTo(MONDAY_1645.minus(Duration.ofHours(5)).plus(Duration.ofMinutes(5)));
    }

    @Test
    void aWaitResumedUnderAShortenedFreezeOpensAtTheNewEnd() throws PolicyException {
        Harness h = start(MONDAY_1645.minus(Duration.ofHours(5)), POLICY, INCIDENT_FREEZE)
                .runFor(Duration.ofMinutes(5));
        String saved = h.savedStates.get(h.savedStates.size() - 1);
        String shortened = INCIDENT_FREEZE.replace("to: '2026-11-24'", "to: '2026-11-23T14:00'");

        Harness resumed = h.resumeFrom(saved, engineUnder(POLICY, shortened)).runFor(Duration.ofHours(3));

        RolloutEvent.WindowWaiting waiting =
                resumed.events(RolloutEvent.WindowWaiting.class).get(0);
        assertThat(waiting.opensAt()).isEqualTo(Instant.parse("2026-11-23T13:00:00Z"));
        assertThat(waiting.explanation()).contains("freeze 'incident-42': open incident until Mon 2026-11-23 14:00");
        assertThat(resumed.events(RolloutEvent.StageStarted.class).get(0).at())
                .isEqualTo(Instant.parse("2026-11-23T13:00:00Z"));
    }

    @Test
    void aPromotionResumedUnderAFreezeBeyondMaxWaitIsRefusedAndNothingMoves() throws PolicyException {
        Harness h = start(MONDAY_1645.minus(Duration.ofHours(1)), POLICY, OFFICE_HOURS)
                .runToRest();
        h.time.advance(Duration.ofMinutes(60)); // 17:15 Berlin
        h.driver.submit(new Input.PromoteRequested("alice", h.time.instant()));
        h.runFor(Duration.ofMinutes(2));
        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        String saved = h.savedStates.get(h.savedStates.size() - 1);
        String frozen = OFFICE_HOURS + "freezes: [{name: year-end, from: '2026-11-24', to: '2027-01-03'}]\n";

        Harness resumed = h.resumeFrom(saved, engineUnder(POLICY, frozen)).runFor(Duration.ofSeconds(5));

        assertThat(resumed.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(resumed.serving.shifts).containsExactly(5, 25, 50);
        assertThat(resumed.events(RolloutEvent.Ignored.class).get(0).reason())
                .startsWith("cannot promote: the deployment window is closed, it opens Mon 2027-01-04 09:00")
                .endsWith("that is beyond schedule.maxWait (4d)");
    }

    @Test
    void aRolloutStartedOutsideTheWindowMovesNothingUntilItOpens() throws PolicyException {
        Instant mondayNight = Instant.parse("2026-11-23T21:00:00Z");
        Harness h = start(mondayNight, POLICY, OFFICE_HOURS).runFor(Duration.ofHours(1));

        assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WINDOW);
        assertThat(h.serving.shifts).isEmpty();
        assertThat(h.events(RolloutEvent.WindowWaiting.class).get(0).move()).isEqualTo("stage 1/3 (5%)");
        assertThat(h.events(RolloutEvent.Looked.class)).isEmpty();

        h.runToRest();

        assertThat(h.events(RolloutEvent.StageStarted.class).get(0).at()).isEqualTo(TUESDAY_0900);
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
    }

    @Test
    void aRolloutStartedOutsideTheWindowUnderFailHaltsWithNothingMoved() throws PolicyException {
        Harness h = start(
                        Instant.parse("2026-11-23T21:00:00Z"),
                        POLICY + "schedule: {outsideWindow: fail}\n",
                        OFFICE_HOURS)
                .runToRest();

        assertThat(h.phase()).isEqualTo(Phase.HALTED);
        assertThat(h.serving.shifts).isEmpty();
        assertThat(h.state().reason()).endsWith("schedule.outsideWindow: fail; nothing was moved");
    }

    @Test
    void withoutCalendarsNothingWaits() {
        Harness h = new Harness().start(POLICY).runToRest();

        assertThat(h.events(RolloutEvent.WindowWaiting.class)).isEmpty();
        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
    }
}
