package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.json.Json;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.Policy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sliced ratio metric, fed readings directly: a regression confined to one slice is caught and named while the same
 * data judged without slices pass; a slice with too few requests is listed, not judged.
 */
class SlicedJudgeTest {

    private static final String POLICY = """
            stages:
              - {weight: 50, bake: 10m, maxBake: 30m}
            analysis: {interval: 1m, minRequests: 1000, falseRollbackRate: 1%}
            promote: {bake: 5m}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 20%SLICES}
            """;
    private static final String SLICES = ", slices: {label: region, minRequests: 500, max: 4}";

    private static Policy policy(boolean sliced) {
        return JudgeTest.parse(POLICY.replace("SLICES", sliced ? SLICES : ""));
    }

    /** Per version per minute: 9000 requests in us-east, 1000 in eu-west, 2 in ap-south, all at 0.9% errors. */
    private static Map<String, Readings> minute(double euWestCanaryErrorRate, double apSouthCanaryErrorRate) {
        Map<String, Reading.Counts> canary = new LinkedHashMap<>();
        Map<String, Reading.Counts> baseline = new LinkedHashMap<>();
        canary.put("us-east", new Reading.Counts(81, 9000));
        baseline.put("us-east", new Reading.Counts(81, 9000));
        canary.put("eu-west", new Reading.Counts(1000 * euWestCanaryErrorRate, 1000));
        baseline.put("eu-west", new Reading.Counts(9, 1000));
        canary.put("ap-south", new Reading.Counts(2 * apSouthCanaryErrorRate, 2));
        baseline.put("ap-south", new Reading.Counts(0.018, 2));
        return Map.of(
                "errors",
                new Readings(Reading.Counts.ofSlices(canary, false), Reading.Counts.ofSlices(baseline, false)));
    }

    /** Looks once a minute: the bake ends after 10, and it may run on to 30. */
    private static LookResult bake(Judge judge, Map<String, Readings> readings) {
        JudgeState state = judge.beginStage(judge.begin());
        LookResult result = null;
        for (int look = 1; look <= 30; look++) {
            result = judge.look(state, readings, LookContext.canary(0, look >= 10, look == 30));
            state = result.state();
            if (result.verdict().isPresent()) {
                return result;
            }
        }
        return result;
    }

    @Test
    void aRegressionInOneSliceFailsAndIsNamedWhileTheAggregateAlonePasses() {
        Map<String, Readings> euWestAt2point1 = minute(0.021, 0.009);

        LookResult sliced = bake(new Judge(policy(true)), euWestAt2point1);
        LookResult aggregateOnly = bake(new Judge(policy(false)), euWestAt2point1);

        assertThat(sliced.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(v.reasons().get(0))
                    .startsWith("errors FAIL: errors in region=eu-west: 2.10% on the candidate vs"
                            + " 0.90% on the baseline: 2.33× the baseline, more than the allowed +20%");
        });
        MetricLook look = sliced.metrics().get(0);
        assertThat(look.slices())
                .extracting(SliceLook::slice, SliceLook::verdict)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("eu-west", SliceLook.Verdict.FAIL),
                        org.assertj.core.groups.Tuple.tuple("us-east", SliceLook.Verdict.SHOWN_WITHIN),
                        org.assertj.core.groups.Tuple.tuple("ap-south", SliceLook.Verdict.TOO_FEW_REQUESTS));
        assertThat(aggregateOnly.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.PASS));
    }

    /**
     * Before the evidence is in, a slice whose candidate is beyond its allowance is not listed as showing no
     * regression: its row and the look's summary say it is beyond the allowance so far.
     */
    @Test
    void aSliceBeyondItsAllowanceBeforeTheEvidenceIsInIsNotListedAsShowingNoRegression() {
        Judge judge = new Judge(policy(true));

        LookResult first =
                judge.look(judge.beginStage(judge.begin()), minute(0.021, 0.009), LookContext.canary(0, false, false));

        MetricLook look = first.metrics().get(0);
        assertThat(look.outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(look.slices())
                .extracting(SliceLook::slice, SliceLook::verdict)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("eu-west", SliceLook.Verdict.BEYOND_SO_FAR),
                        org.assertj.core.groups.Tuple.tuple("us-east", SliceLook.Verdict.NO_REGRESSION_SHOWN));
        assertThat(look.explanation())
                .contains("by region: beyond the allowance so far, not yet shown in eu-west; no regression shown in"
                        + " us-east");
    }

    @Test
    void aSliceWithTooFewRequestsIsListedNotJudgedAndDoesNotHoldTheStage() {
        LookResult result = bake(new Judge(policy(true)), minute(0.009, 0.5)); // ap-south at 50% errors, 20 requests

        assertThat(result.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.PASS));
        assertThat(result.metrics().get(0).slices())
                .filteredOn(s -> s.slice().equals("ap-south"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.verdict()).isEqualTo(SliceLook.Verdict.TOO_FEW_REQUESTS);
                    assertThat(s.candidateRequests()).isEqualTo(20);
                });
        assertThat(result.metrics().get(0).explanation())
                .contains("too few requests in ap-south (500 requests per version needed; such slices are covered by"
                        + " the aggregate only)");
    }

    @Test
    void slicesBeyondTheMaximumAreListedNotJudged() {
        Policy policy =
                JudgeTest.parse(POLICY.replace("SLICES", ", slices: {label: region, minRequests: 500, max: 1}"));

        LookResult result = bake(new Judge(policy), minute(0.021, 0.009));

        // only the largest slice has tests; eu-west's regression is left to the aggregate, which cannot show it
        assertThat(result.metrics().get(0).slices())
                .extracting(SliceLook::slice, SliceLook::verdict)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("eu-west", SliceLook.Verdict.OVER_MAX),
                        org.assertj.core.groups.Tuple.tuple("ap-south", SliceLook.Verdict.OVER_MAX));
        assertThat(result.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isNotEqualTo(Verdict.FAIL));
    }

    @Test
    void slicesBeyondTheMaximumBeyondTheListedOnesShareOneRow() {
        Policy policy =
                JudgeTest.parse(POLICY.replace("SLICES", ", slices: {label: customer, minRequests: 500, max: 1}"));
        Map<String, Reading.Counts> canary = new LinkedHashMap<>();
        Map<String, Reading.Counts> baseline = new LinkedHashMap<>();
        canary.put("c-big", new Reading.Counts(81, 9000));
        baseline.put("c-big", new Reading.Counts(81, 9000));
        for (int customer = 0; customer < 25; customer++) {
            double requests = 100 + customer; // c-24 is the largest of the small ones, c-0 the smallest
            canary.put("c-" + customer, new Reading.Counts(1, requests));
            baseline.put("c-" + customer, new Reading.Counts(1, requests));
        }
        Map<String, Readings> readings = Map.of(
                "errors",
                new Readings(Reading.Counts.ofSlices(canary, false), Reading.Counts.ofSlices(baseline, false)));

        List<SliceLook> rows =
                bake(new Judge(policy), readings).metrics().get(0).slices();

        assertThat(rows).hasSize(1 + SlicedJudge.UNJUDGED_LISTED + 1);
        assertThat(rows)
                .filteredOn(r -> r.verdict() == SliceLook.Verdict.OVER_MAX)
                .extracting(SliceLook::slice)
                .startsWith("c-24", "c-23")
                .endsWith("c-15", "(15 more)");
        SliceLook rest = rows.get(rows.size() - 1);
        // c-0 .. c-14 at 100 .. 114 requests each, per look
        assertThat(rest.candidateRequests()).isEqualTo(15 * 107.0);
        assertThat(rest.baselineRequests()).isEqualTo(15 * 107.0);
    }

    @Test
    void eachSliceTakesAShareOfTheBudgetDecidedInAdvance() {
        double sliced = new Judge(policy(true))
                .ratioJudge("errors")
                .orElseThrow()
                .marginTest()
                .alpha();
        double aggregateOnly = new Judge(policy(false))
                .ratioJudge("errors")
                .orElseThrow()
                .marginTest()
                .alpha();

        // the aggregate and up to 4 slices: 5 sets of tests share what one set had
        assertThat(sliced).isCloseTo(aggregateOnly / 5, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void theSlicesEvidenceSurvivesAJsonRoundTrip() throws Exception {
        Judge judge = new Judge(policy(true));
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 3; look++) {
            state = judge.look(state, minute(0.012, 0.009), LookContext.canary(0, false))
                    .state();
        }
        String json = Json.mapper().writeValueAsString(state);
        JudgeState restored = Json.mapper().readValue(json, JudgeState.class);

        assertThat(restored).isEqualTo(state);
        assertThat(json).contains("\"kind\":\"sliced\"").contains("\"eu-west\":{\"kind\":\"ratio\"");
        // the restored judge goes on where it left off: the same next look from either
        assertThat(judge.look(restored, minute(0.012, 0.009), LookContext.canary(0, false)))
                .isEqualTo(judge.look(state, minute(0.012, 0.009), LookContext.canary(0, false)));
    }
}
