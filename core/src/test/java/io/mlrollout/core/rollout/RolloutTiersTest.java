package io.mlrollout.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.audit.HtmlReport;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.ReportBuilder;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.TiersSection;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.RoleTally;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.tier.TierRecording;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tiers chosen from facts, through the engine: an auto-approved minor change, and floors that add a gate. */
class RolloutTiersTest {

    private static final String TIERED = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m, minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true}
            signOff: {approvers: [alice, ml-risk], quorum: 2, expires: 2h}
            promote: {bake: 10m}
            facts: {changeType: string, evalDelta: double, featuresChanged: bool}
            tiers:
              - {name: minor, when: "changeType == 'retrain' && !featuresChanged && evalDelta >= -0.005", signOff: none}
              - {name: major, when: "true", signOff: {roles: {risk: 1, platform: 1}}}
            """;

    private static final Map<String, Object> MINOR =
            Map.of("changeType", "retrain", "evalDelta", 0.001, "featuresChanged", false);

    private final List<RolloutEvent> recorded = new ArrayList<>();

    private Harness start(String policyText, String floors, Map<String, Object> facts) throws PolicyException {
        return start(new Harness(), policyText, floors, facts);
    }

    private Harness start(Harness h, String policyText, Map<String, Object> facts) throws PolicyException {
        return start(h, policyText, "", facts);
    }

    private Harness start(Harness h, String policyText, String floors, Map<String, Object> facts)
            throws PolicyException {
        Policy parsed = Harness.policy(policyText);
        Optional<TierDecision> decision =
                TierChooser.decide(parsed.tiers(), TiersSection.endpointFloors(floors), facts);
        Policy policy = decision.map(d -> TierChooser.apply(parsed, d)).orElse(parsed);
        EndpointSignOffBounds endpoint = new EndpointSignOffBounds(List.of(), 0, false, RolloutRolesTest.matrix());
        h.also = TierRecording.recordedAfterStart(RolloutDriver.eventsTo(recorded::add), decision);
        return h.start(policy, SignOffRules.effective(policy, endpoint), "alice");
    }

    @Test
    void aMinorChangeIsAutoApprovedAndTheDecisionFollowsTheStart() throws PolicyException {
        Harness h = start(TIERED, "", MINOR).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.events(RolloutEvent.GateOpened.class))
                .as("no gate for a minor change")
                .isEmpty();
        assertThat(recorded.get(0)).isInstanceOf(RolloutEvent.Started.class);
        RolloutEvent.TierChosen chosen = (RolloutEvent.TierChosen) recorded.get(1);
        assertThat(chosen.autoApproved()).isTrue();
        assertThat(LogLines.format(chosen))
                .isEqualTo(LogLines.PREFIX + "tier minor: auto-approved by rule tiers[0] on facts"
                        + " {changeType=retrain, evalDelta=0.001, featuresChanged=false}");
    }

    @Test
    void aMajorChangeWaitsForTheTiersRoles() throws PolicyException {
        Map<String, Object> major = Map.of("changeType", "architecture", "evalDelta", 0.0, "featuresChanged", true);
        Harness h = start(TIERED, "", major).runFor(Duration.ofMinutes(21));

        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(h.events(RolloutEvent.GateOpened.class).get(0).roles())
                .extracting(RoleTally::role)
                .containsExactlyInAnyOrder("risk", "platform");
    }

    @Test
    void anEndpointFloorPutsBackTheGateAMinorTierWouldWaive() throws PolicyException {
        String floors = """
                facts: {featuresChanged: bool}
                floors:
                  - {when: "featuresChanged", signOff: {roles: {risk: 1}}}
                """;
        String lenient = TIERED.replace(" && !featuresChanged", "");
        Map<String, Object> facts = Map.of("changeType", "retrain", "evalDelta", 0.0, "featuresChanged", true);
        Harness h = start(lenient, floors, facts).runFor(Duration.ofMinutes(21));

        assertThat(h.phase()).isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(h.events(RolloutEvent.GateOpened.class).get(0).roles())
                .extracting(RoleTally::role)
                .containsExactly("risk");
        RolloutEvent.TierChosen chosen = (RolloutEvent.TierChosen) recorded.get(1);
        assertThat(chosen.autoApproved()).isFalse();
        assertThat(chosen.summary()).contains("endpoint floor floors[0] requires roles {risk=1}");
    }

    /** The minor tier ramps faster, with tighter bounds; the major tier keeps the policy's stages and bounds. */
    private static final String SHAPED = TIERED.replace(
                    "signOff: none}",
                    "signOff: none,\n     stages: [{weight: 20, bake: 5m}, {weight: 60, bake: 5m}],\n"
                            + "     metrics: {p99-latency: {maxIncrease: 5%}}}")
            .replace(
                    "critical: true}\n",
                    "critical: true}\n  - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99,"
                            + " maxIncrease: 20%}\n");

    @Test
    void aMinorChangeRunsItsTiersShorterStagesAndTheLineSaysSo() throws PolicyException {
        Harness h = start(SHAPED, "", MINOR).runToRest();

        assertThat(h.phase()).isEqualTo(Phase.CANARY_PASSED);
        assertThat(h.serving.shifts).containsExactly(20, 60);
        RolloutEvent.Started started = h.events(RolloutEvent.Started.class).get(0);
        assertThat(started.stages())
                .extracting(RolloutEvent.PlannedStage::weight)
                .containsExactly(20, 60);
        assertThat(((RolloutEvent.TierChosen) recorded.get(1)).summary())
                .endsWith("; stages 20% for 5m → 60% for 5m from tiers[0].stages;"
                        + " bounds p99-latency maxIncrease 5% from tiers[0].metrics");
    }

    @Test
    void theTiersTighterBoundFailsACandidateThePolicysOwnBoundWouldPass() throws PolicyException {
        Harness minor = new Harness();
        minor.serving.candidateLatency = 220; // 10% slower: within the policy's 20%, beyond the minor tier's 5%
        Harness major = new Harness();
        major.serving.candidateLatency = 220;
        Map<String, Object> majorFacts = Map.of("changeType", "retrain", "evalDelta", -0.5, "featuresChanged", false);

        start(minor, SHAPED, MINOR).runToRest();
        start(major, SHAPED, majorFacts).runFor(Duration.ofMinutes(31));

        assertThat(minor.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(minor.events(RolloutEvent.RollbackStarted.class).get(0).reason())
                .contains("p99-latency FAIL");
        assertThat(minor.serving.shifts).endsWith(0);
        assertThat(major.phase())
                .as("the major tier keeps the policy's 20%: the same candidate passes its stages")
                .isEqualTo(Phase.AWAITING_SIGNOFF);
        assertThat(major.serving.shifts).containsExactly(5, 25);
    }

    @Test
    void theDecisionSurvivesTheEvidenceFilesJsonRoundTrip() throws Exception {
        start(TIERED, "", MINOR);
        RolloutEvent.TierChosen chosen = (RolloutEvent.TierChosen) recorded.get(1);
        var mapper = io.mlrollout.core.json.Json.mapper();

        RolloutEvent read = mapper.readValue(mapper.writeValueAsString((RolloutEvent) chosen), RolloutEvent.class);

        assertThat(read).isEqualTo(chosen);
    }

    @Test
    void theReportSaysWhichTierTheFactsChose() throws PolicyException {
        start(TIERED, "", MINOR).runToRest();

        String withTier = HtmlReport.render(ReportBuilder.of(recorded));
        List<RolloutEvent> withoutTier = recorded.stream()
                .filter(e -> !(e instanceof RolloutEvent.TierChosen))
                .toList();

        assertThat(withTier)
                .contains("<th>Risk tier</th><td>tier minor: auto-approved by rule tiers[0] on facts"
                        + " {changeType=retrain, evalDelta=0.001, featuresChanged=false}</td>");
        assertThat(HtmlReport.render(ReportBuilder.of(withoutTier))).doesNotContain("Risk tier");
    }
}
