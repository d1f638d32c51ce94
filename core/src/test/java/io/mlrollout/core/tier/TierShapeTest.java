package io.mlrollout.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.rollout.ShadowStages;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.ResponsibilityMatrix;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tier's own stages and bounds: read and checked when the policy is read, put in place of the policy's when the tier
 * is chosen, said in the decision's line, and checked by the endpoint as the policy's own would be.
 */
class TierShapeTest {

    static final String SHAPED = """
            endpoint: fraud-scorer
            stages:
              - {weight: 5, bake: 10m}
              - {weight: 25, bake: 10m, signOff: true}
              - {weight: 50, bake: 10m}
            analysis: {interval: 1m}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 2%, critical: true}
              - {name: p99-latency, kind: quantile, preset: istio-latency, quantile: 0.99, maxIncrease: 20%}
              - {name: accuracy, kind: value, query: 'acc{v="${version}"}', maxDecrease: 2%, min: 0.8}
              - {name: score-drift, kind: distribution, preset: model-score, maxPsi: 0.1}
            signOff: {approvers: [alice, bob], quorum: 1}
            facts: {changeType: string}
            tiers:
              - name: minor
                when: "changeType == 'retrain'"
                signOff: none
                stages:
                  - {weight: 10, bake: 5m}
                  - {weight: 50, bake: 5m, signOff: true}
                metrics:
                  error-rate: {maxIncrease: 10%, max: 1%}
                  p99-latency: {maxIncrease: 5%}
              - {name: major, when: "true"}
            """;

    /** The minor tier's stages and metrics, for refusals: replaced by each test. */
    private static final String MINOR_SHAPE = """
                stages:
                  - {weight: 10, bake: 5m}
                  - {weight: 50, bake: 5m, signOff: true}
                metrics:
                  error-rate: {maxIncrease: 10%, max: 1%}
                  p99-latency: {maxIncrease: 5%}
            """;

    private static String minorShaped(String shape) {
        return SHAPED.replace(MINOR_SHAPE, shape);
    }

    private static TierDecision decide(String policy, String changeType) throws PolicyException {
        return TierChooser.decide(
                        PolicyParser.parse(policy).tiers(), TierFloors.none(), Map.of("changeType", changeType))
                .orElseThrow();
    }

    private static List<String> errors(String policy) {
        try {
            PolicyParser.parse(policy);
        } catch (PolicyException e) {
            return e.errors().stream().map(PolicyError::toString).toList();
        }
        throw new AssertionError("expected the policy to be refused");
    }

    @Test
    void aTiersStagesAndBoundsAreReadWithThePolicy() throws PolicyException {
        Policy policy = PolicyParser.parse(SHAPED);
        TierRule minor = policy.tiers().tiers().get(0);

        assertThat(minor.stages())
                .containsExactly(
                        new Stage(10, Duration.ofMinutes(5), false), new Stage(50, Duration.ofMinutes(5), true));
        assertThat(minor.metrics()).containsOnlyKeys("error-rate", "p99-latency");
        assertThat(minor.metrics().get("error-rate").describe()).isEqualTo("maxIncrease 10% max 1%");
        assertThat(minor.metrics().get("p99-latency").describe()).isEqualTo("maxIncrease 5%");
        assertThat(policy.tiers().tiers().get(1).stages())
                .as("major keeps the policy's")
                .isEmpty();
        assertThat(policy.stages()).extracting(Stage::weight).containsExactly(5, 25, 50);
    }

    @Test
    void theChosenTiersStagesReplaceThePolicysAndItsBoundsReplaceOnlyThoseItSets() throws PolicyException {
        Policy written = PolicyParser.parse(SHAPED);
        Policy applied = TierChooser.apply(written, decide(SHAPED, "retrain"));

        assertThat(applied.stages())
                .as("the tier's stages, their gate gone with the tier's signOff: none")
                .containsExactly(
                        new Stage(10, Duration.ofMinutes(5), false), new Stage(50, Duration.ofMinutes(5), false));
        MetricSpec errors = applied.metric("error-rate").orElseThrow();
        assertThat(errors.maxIncrease()).hasValue(0.10);
        assertThat(errors.max()).hasValue(0.01);
        assertThat(errors.critical()).isTrue();
        assertThat(errors.queries())
                .isEqualTo(written.metric("error-rate").orElseThrow().queries());
        MetricSpec latency = applied.metric("p99-latency").orElseThrow();
        assertThat(latency.maxIncrease()).hasValue(0.05);
        assertThat(latency.max())
                .as("a bound the tier does not set stays as written")
                .isEmpty();
        assertThat(latency.queries().quantile()).hasValue(0.99);
        assertThat(applied.metric("accuracy")).isEqualTo(written.metric("accuracy"));
        assertThat(applied.metric("score-drift")).isEqualTo(written.metric("score-drift"));
        assertThat(applied.metrics()).extracting(MetricSpec::name).containsExactlyElementsOf(names(written));
        assertThat(applied.analysis()).isEqualTo(written.analysis());
        assertThat(applied.promote().bake()).isEqualTo(written.promote().bake());
    }

    private static List<String> names(Policy policy) {
        return policy.metrics().stream().map(MetricSpec::name).toList();
    }

    @Test
    void aTierWithoutStagesOrBoundsLeavesThemAsWritten() throws PolicyException {
        Policy written = PolicyParser.parse(SHAPED);
        TierDecision major = decide(SHAPED, "architecture");
        Policy applied = TierChooser.apply(written, major);

        assertThat(applied.stages()).isEqualTo(written.stages());
        assertThat(applied.metrics()).isEqualTo(written.metrics());
        assertThat(major.summary())
                .isEqualTo("tier major: sign-offs as the policy writes them by rule tiers[1] on facts"
                        + " {changeType=architecture}");
    }

    @Test
    void theSummarySaysWhatTheTierChangedOnOneLine() throws PolicyException {
        assertThat(decide(SHAPED, "retrain").summary())
                .isEqualTo("tier minor: auto-approved by rule tiers[0] on facts {changeType=retrain};"
                        + " stages 10% for 5m → 50% for 5m from tiers[0].stages;"
                        + " bounds error-rate maxIncrease 10% max 1%, p99-latency maxIncrease 5% from"
                        + " tiers[0].metrics");
    }

    @Test
    void everyKindOfBoundIsSpeltAsThePolicyWritesIt() throws PolicyException {
        String shaped = minorShaped("""
                    signOff: {roles: {risk: 1}}
                    metrics:
                      p99-latency: {max: 250ms}
                      accuracy: {maxIncrease: 3%, maxDecrease: 1%, max: 0.99, min: 0.85}
                      score-drift: {maxPsi: 0.2, maxKs: 0.15}
                """).replace("    signOff: none\n", "");
        TierDecision minor = decide(shaped, "retrain");

        assertThat(minor.summary())
                .isEqualTo("tier minor: sign-off by roles {risk=1} by rule tiers[0] on facts {changeType=retrain};"
                        + " bounds p99-latency max 250ms, accuracy maxIncrease 3% maxDecrease 1% max 0.99 min 0.85,"
                        + " score-drift maxPsi 0.2 maxKs 0.15 from tiers[0].metrics");
        Policy applied = TierChooser.apply(PolicyParser.parse(shaped), minor);
        assertThat(applied.metric("p99-latency").orElseThrow().max()).hasValue(250);
        assertThat(applied.metric("p99-latency").orElseThrow().maxIncrease()).hasValue(0.20);
        assertThat(applied.metric("score-drift").orElseThrow().maxKs()).hasValue(0.15);
    }

    @Test
    void aGateInTheTiersStagesStaysWhenTheTierAsksForRolesAndTheLineSaysSo() throws PolicyException {
        String roles = SHAPED.replace("signOff: none\n", "signOff: {roles: {risk: 1}}\n")
                .replace("signOff: {approvers: [alice, bob], quorum: 1}", "promote: {signOff: false}");
        TierDecision minor = decide(roles, "retrain");
        Policy applied = TierChooser.apply(PolicyParser.parse(roles), minor);

        assertThat(applied.stage(1).signOff()).isTrue();
        assertThat(applied.promote().signOff())
                .as("the tier's stages have a gate, so none is added before promotion")
                .isFalse();
        assertThat(minor.summary()).contains("; stages 10% for 5m → 50% for 5m + sign-off from tiers[0].stages;");
    }

    @Test
    void rolesOnATierWhoseStagesHaveNoGateAddAGateBeforePromotion() throws PolicyException {
        String roles = SHAPED.replace("signOff: none\n", "signOff: {roles: {risk: 1}}\n")
                .replace("signOff: {approvers: [alice, bob], quorum: 1}", "promote: {signOff: false}")
                .replace("{weight: 50, bake: 5m, signOff: true}", "{weight: 50, bake: 5m}");
        Policy applied = TierChooser.apply(PolicyParser.parse(roles), decide(roles, "retrain"));

        assertThat(applied.stages()).noneMatch(Stage::signOff);
        assertThat(applied.promote().signOff()).isTrue();
    }

    @Test
    void aTiersStagesAreCheckedAsThePolicysOwnWithTheirPaths() {
        assertThat(errors(minorShaped("""
                    stages:
                      - {weight: 120, bake: 5m}
                      - {weight: 50, bake: 30s, speed: fast}
                      - {shadow: 10%, bake: 5m}
                      - {weight: 40, bake: 5m, maxBake: 1m}
                """)))
                .containsExactlyInAnyOrder(
                        "tiers[0].stages[0].weight: 120 is over 100",
                        "tiers[0].stages[1].speed: unknown key; known keys here: weight, bake, maxBake, signOff,"
                                + " shadow",
                        "tiers[0].stages[1].bake: 30s is shorter than analysis.interval (1m)",
                        "tiers[0].stages[2].shadow: a shadow stage must come before the canary stages: once users are"
                                + " served by the candidate, mirroring tells nothing new",
                        "tiers[0].stages[3].weight: 40 is not above the previous stage's 50; weights must increase",
                        "tiers[0].stages[3].maxBake: 1m is shorter than the stage's bake (5m)");
        assertThat(errors(minorShaped("    stages: []\n")))
                .containsExactly("tiers[0].stages: is empty; a tier needs 1 to 20 stages");
        assertThat(errors(minorShaped("    stages: {weight: 10, bake: 5m}\n")))
                .containsExactly("tiers[0].stages: expected a list, got a mapping");
    }

    @Test
    void aTiersBoundsAreCheckedAsTheMetricsOwnWithTheirPaths() {
        assertThat(errors(minorShaped("""
                    metrics:
                      error-rat: {maxIncrease: 10%}
                      error-rate: {maxIncrease: 10, max: 120%, critical: false, maxPsi: 0.2, maxIncrese: 5%}
                      p99-latency: {max: 250}
                      accuracy: {max: 0.7}
                      score-drift: {}
                """)))
                .containsExactlyInAnyOrder(
                        "tiers[0].metrics.error-rat: no metric of that name; metrics: error-rate, p99-latency,"
                                + " accuracy, score-drift; did you mean error-rate?",
                        "tiers[0].metrics.error-rate.maxIncrease: a percentage is written with %, e.g. 10% or 0.5%;"
                                + " got the number 10",
                        "tiers[0].metrics.error-rate.max: 120% is not between 0% and 100% (both excluded): the share"
                                + " of requests that may be bad; leave max out for no limit",
                        "tiers[0].metrics.error-rate.critical: is not a bound; a tier sets only a ratio metric's"
                                + " bounds (maxIncrease, max), the rest of error-rate stays as the policy's metrics"
                                + " write it",
                        "tiers[0].metrics.error-rate.maxPsi: does not apply to ratio metrics (only to distribution);"
                                + " a tier sets only a ratio metric's bounds (maxIncrease, max)",
                        "tiers[0].metrics.error-rate.maxIncrese: unknown key; did you mean maxIncrease?",
                        "tiers[0].metrics.p99-latency.max: a duration needs a unit (ms, s, m, h or d), e.g. 10m; got"
                                + " the number 250",
                        "tiers[0].metrics.accuracy.max: leaves min 0.8 above max 0.7 (one of them is accuracy's own);"
                                + " no value could pass",
                        "tiers[0].metrics.score-drift: is empty; a tier sets some of a distribution metric's bounds"
                                + " (maxPsi, maxKs)");
        assertThat(errors(minorShaped("    metrics: [error-rate]\n")))
                .containsExactly("tiers[0].metrics: got a list; expected a mapping of the policy's metric names to"
                        + " bounds, e.g. {error-rate: {maxIncrease: 10%}}");
        assertThat(errors(minorShaped("    metrics: {}\n")))
                .containsExactly("tiers[0].metrics: is empty; name a metric and its bounds, e.g. {error-rate:"
                        + " {maxIncrease: 10%}}");
    }

    @Test
    void aTiersRatioBoundMustStayBelowThePolicysRuleOut() {
        assertThat(errors(minorShaped("""
                    metrics:
                      error-rate: {maxIncrease: 150%}
                """)))
                .containsExactly("tiers[0].metrics.error-rate.maxIncrease: 150% is not below analysis.ruleOut (100%);"
                        + " a passing stage must rule out more than the metric allows");
    }

    @Test
    void aBrokenMetricIsReportedOnceNotAgainByTheTierThatBoundsIt() {
        String broken = SHAPED.replace("preset: istio-latency, quantile: 0.99", "preset: istio-latency");

        assertThat(errors(broken))
                .containsExactly("metrics[1].quantile: is required by the preset istio-latency (e.g. 0.99 for p99)");
    }

    @Test
    void theEndpointChecksTheTiersStagesAndSaysWhereTheTierWroteThem() throws PolicyException {
        String unsigned = SHAPED.replace("signOff: {approvers: [alice, bob], quorum: 1}\n", "")
                .replace("{weight: 25, bake: 10m, signOff: true}", "{weight: 25, bake: 10m}")
                .replace("    signOff: none\n", "");
        TierDecision minor = decide(unsigned, "retrain");
        Policy applied = TierChooser.apply(PolicyParser.parse(unsigned), minor);
        EndpointSignOffBounds nobody = new EndpointSignOffBounds(List.of(), 0, false, ResponsibilityMatrix.none());

        assertThatThrownBy(() -> SignOffRules.effective(applied, nobody))
                .isInstanceOf(PolicyException.class)
                .satisfies(e -> assertThat(minor.writtenAt((PolicyException) e).errors())
                        .extracting(PolicyError::toString)
                        .containsExactly("tiers[0].stages[1].signOff: needs approvers, but neither the policy's"
                                + " signOff section nor the endpoint names any approvers"));
        assertThat(SignOffRules.effective(PolicyParser.parse(unsigned), nobody))
                .as("the policy as written, without the tier's gate, passes the same check")
                .isEmpty();
    }

    @Test
    void aShadowStageOfTheTierIsRefusedOnARouterThatCannotMirrorWithTheTiersPath() throws PolicyException {
        String shadow = minorShaped("""
                    stages:
                      - {shadow: 20%, bake: 5m}
                      - {weight: 50, bake: 5m}
                """);
        TierDecision minor = decide(shadow, "retrain");
        Policy applied = TierChooser.apply(PolicyParser.parse(shadow), minor);

        assertThatThrownBy(() -> ShadowStages.requireMirroring(applied, new NoMirror()))
                .isInstanceOf(PolicyException.class)
                .satisfies(e -> assertThat(minor.writtenAt((PolicyException) e).errors())
                        .extracting(PolicyError::path)
                        .containsExactly("tiers[0].stages[0].shadow"));
        assertThat(decide(shadow, "config").writtenAt("stages[0].shadow"))
                .as("a tier that keeps the policy's stages leaves the path alone")
                .isEqualTo("stages[0].shadow");
    }

    @Test
    void theSameFactsShapeTheSamePolicyAgain() throws PolicyException {
        Policy written = PolicyParser.parse(SHAPED);
        TierDecision first = decide(SHAPED, "retrain");
        // What a later command or a restarted controller has: the facts as recorded, as text.
        TierDecision again = TierChooser.decide(written.tiers(), TierFloors.none(), first.facts())
                .orElseThrow();

        assertThat(again).isEqualTo(first);
        assertThat(TierChooser.apply(written, again)).isEqualTo(TierChooser.apply(written, first));
    }

    @Test
    void boundsFromAnotherPolicysTierAreNotAppliedQuietly() throws PolicyException {
        TierDecision minor = decide(SHAPED, "retrain");
        Policy other = PolicyParser.parse(
                SHAPED.substring(0, SHAPED.indexOf("facts:")).replace("name: p99-latency", "name: p95-latency"));

        assertThatThrownBy(() -> TierChooser.apply(other, minor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p99-latency");
    }

    /** A router like KServe's, which cannot mirror requests. */
    private static final class NoMirror implements TrafficRouter {
        @Override
        public TrafficSplit current() {
            return new TrafficSplit("v1", "v2", 0, true);
        }

        @Override
        public TrafficSplit shift(String candidate, int canaryWeight) {
            return current();
        }

        @Override
        public String describe() {
            return "no mirror";
        }
    }
}
