package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.PolicyParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift test's outcomes and sentences, through the judge, on fixed histograms. */
class DistributionJudgeTest {

    private static final double[] BOUNDS = {0.25, 0.5, 0.75, 1.0};

    private static final String POLICY = """
            stages:
              - {weight: 20, bake: 3m}
            analysis: {interval: 1m, minRequests: 100}
            metrics:
              - {name: scores, kind: distribution, histogram: 'h{version="${version}"}', %s}
            promote: {bake: 2m}
            """;

    private static Judge judge(String bounds) throws Exception {
        return new Judge(PolicyParser.parse(POLICY.formatted(bounds)));
    }

    private static Map<String, Readings> readings(double[] candidate, double[] baseline) {
        return Map.of(
                "scores",
                new Readings(new Reading.Histogram(BOUNDS, candidate), new Reading.Histogram(BOUNDS, baseline)));
    }

    @Test
    void aShiftTheDataShowBeyondTheBoundFailsWithItsLowerBound() throws Exception {
        Judge judge = judge("maxKs: 0.1");
        LookResult look = judge.look(
                judge.beginStage(judge.begin()),
                readings(new double[] {100, 100, 400, 400}, new double[] {1600, 1600, 400, 400}),
                LookContext.canary(0, false));

        MetricLook scores = look.metrics().get(0);
        assertThat(scores.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(scores.explanation())
                .startsWith("the candidate's scores drifted beyond the limit: KS distance at least 0.")
                .contains("(estimate 0.600, limit 0.100)")
                .endsWith("in this stage against the baseline");
    }

    @Test
    void anEstimateJustBeyondTheBoundWithFewEventsIsNotFailed() throws Exception {
        // The estimate (KS 0.12) is beyond 0.1, but 200 candidate events cannot show that the true distance is.
        Judge judge = judge("maxKs: 0.1");
        LookResult look = judge.look(
                judge.beginStage(judge.begin()),
                readings(new double[] {26, 50, 62, 62}, new double[] {500, 500, 500, 500}),
                LookContext.canary(0, false));

        assertThat(look.metrics().get(0).outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(look.metrics().get(0).explanation()).endsWith("no drift beyond the limit shown");
    }

    @Test
    void theStagePassesOnlyWhenTheUpperBoundIsInsideAndIsInconclusiveAtItsLastChanceOtherwise() throws Exception {
        Judge judge = judge("maxPsi: 0.1, maxKs: 0.1");
        double[] few = {30, 30, 30, 30};
        double[] many = {30_000, 30_000, 30_000, 30_000};

        MetricLook unshown = judge.look(
                        judge.beginStage(judge.begin()), readings(few, many), LookContext.canary(0, true, true))
                .metrics()
                .get(0);
        MetricLook shown = judge.look(
                        judge.beginStage(judge.begin()), readings(many, many), LookContext.canary(0, true, true))
                .metrics()
                .get(0);

        assertThat(unshown.outcome()).isEqualTo(Outcome.HOLD);
        assertThat(unshown.explanation()).contains("not enough data yet to show it is within the limit (PSI at most");
        assertThat(shown.outcome()).isEqualTo(Outcome.PASS);
        assertThat(shown.explanation())
                .contains("; shown within: PSI at most 0.0")
                .contains("KS distance at most 0.0");
    }

    @Test
    void afterPromotionTheCandidateIsComparedWithTheHeldBackBaseline() throws Exception {
        Judge judge = judge("maxKs: 0.1");
        double[] scores = {1000, 1000, 1000, 1000};
        JudgeState canary = judge.look(
                        judge.beginStage(judge.begin()), readings(scores, scores), LookContext.canary(0, true))
                .state();
        double[] shifted = {250, 250, 1750, 1750};

        MetricLook watch = judge.look(judge.beginWatch(canary), readings(shifted, shifted), LookContext.watch(false))
                .metrics()
                .get(0);

        // The canary's baseline had the old mix; the holdback has today's, and the candidate matches it.
        assertThat(watch.outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(watch.explanation()).contains("since promotion against the held-back baseline");
    }

    @Test
    void theEvidenceSurvivesARoundTripAndStatesSavedBeforeTheTestStillLoad() throws Exception {
        Judge judge = judge("maxPsi: 0.2");
        double[] scores = {300, 300, 300, 300};
        JudgeState state = judge.look(
                        judge.beginStage(judge.begin()), readings(scores, scores), LookContext.canary(0, false))
                .state();

        String json = Json.mapper().writeValueAsString(state);
        assertThat(Json.mapper().readValue(json, JudgeState.class)).isEqualTo(state);

        ObjectNode tree = Json.mapper().valueToTree(state);
        ObjectNode evidence = (ObjectNode) tree.findParent("stageCandidate");
        evidence.remove("watchBaseline");
        evidence.remove("looks");
        JudgeState old = Json.mapper().treeToValue(tree, JudgeState.class);
        MetricLook next = judge.look(old, readings(scores, scores), LookContext.canary(0, false))
                .metrics()
                .get(0);
        assertThat(next.outcome()).isEqualTo(Outcome.CONTINUE);
    }
}
