package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlrollout.core.analysis.stats.LogRatioTest;
import io.mlrollout.core.json.Json;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Classification per metric and scoring across metrics, fed readings directly. The p99 metric has a hand-written query
 * giving one value per look, judged on the per-look ratio; a quantile preset reads buckets instead, judged on counts
 * ({@link LatencyCountJudgeTest}).
 */
class JudgeTest {

    static final String METRICS = """
            stages:
              - {weight: 10, bake: 10m}
            analysis: {interval: 1m, minRequests: 1000, score: {pass: 100, marginal: 50}}
            promote: {bake: 5m}
            metrics:
              - {name: errors, kind: ratio, preset: istio-errors, maxIncrease: 10%, critical: true}
              - {name: slow, kind: ratio, preset: istio-latency-over, threshold: 250ms, maxIncrease: 20%}
              - name: p99
                kind: quantile
                query: histogram_quantile(0.99, sum by (le) (rate(latency_ms_bucket{version="${version}"}[${interval}])))
                maxIncrease: 15%
                max: 400ms
              - {name: drift, kind: distribution, preset: model-score, maxPsi: 0.2}
            """;

    private final Judge judge = new Judge(parse(METRICS));

    static Policy parse(String yaml) {
        try {
            return PolicyParser.parse(yaml);
        } catch (PolicyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** One look's readings: equal versions unless a test changes a metric. */
    static Map<String, Readings> healthy() {
        Map<String, Readings> readings = new LinkedHashMap<>();
        readings.put("errors", new Readings(new Reading.Counts(10, 1000), new Reading.Counts(90, 9000)));
        readings.put("slow", new Readings(new Reading.Counts(20, 1000), new Reading.Counts(180, 9000)));
        readings.put("p99", new Readings(new Reading.Scalar(210), new Reading.Scalar(205)));
        readings.put("drift", new Readings(histogram(250, 500, 250), histogram(2250, 4500, 2250)));
        return readings;
    }

    static Reading.Histogram histogram(double... counts) {
        return new Reading.Histogram(new double[] {0.3, 0.7, Double.POSITIVE_INFINITY}, counts);
    }

    private LookResult run(int looks, Map<String, Readings> readings) {
        JudgeState state = judge.beginStage(judge.begin());
        LookResult result = null;
        for (int look = 1; look <= looks; look++) {
            result = judge.look(state, readings, LookContext.canary(0, look == 10));
            state = result.state();
            if (result.verdict().isPresent()) {
                return result;
            }
        }
        return result;
    }

    /** The baseline's history reaches the margin test of the ratio metric it was read for, and no other metric. */
    @Test
    void theBaselinesHistorySeedsTheRatioMetricItWasReadFor() {
        List<Reading.Counts> hour = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            hour.add(new Reading.Counts(i % 10 < 5 ? 120 : 80, 10_000));
        }
        JudgeState seeded = judge.begin(new BaselineHistory(Map.of("errors", hour)));

        MetricEvidence.Ratio errors = (MetricEvidence.Ratio) seeded.of("errors");
        assertThat(errors.relative().baselineSerial().pairs()).isEqualTo(58); // the first minute has no rate before it
        assertThat(errors.relative().intervals()).isZero();
        assertThat(seeded.of("slow"))
                .usingRecursiveComparison()
                .isEqualTo(judge.begin().of("slow"));
        assertThat(judge.begin(BaselineHistory.none()))
                .usingRecursiveComparison()
                .isEqualTo(judge.begin());
        // the promotion watch compares with the holdback, the same baseline: it starts knowing the drift too
        MetricEvidence.Ratio watching = (MetricEvidence.Ratio)
                judge.beginWatch(judge.beginStage(seeded)).of("errors");
        assertThat(watching.watchRelative().baselineSerial())
                .isEqualTo(errors.relative().baselineSerial());
        assertThat(watching.watchRelative().intervals()).isZero();
    }

    /**
     * Rates that swing between the versions from minute to minute (equal overall) lie beyond the envelope; for the
     * slow-requests count the note also says that a lower threshold wanders less, for the error count it does not.
     */
    @Test
    void theEnvelopeNoteAdvisesALowerThresholdOnlyForSlowRequests() {
        Map<String, String> lastExplanation = new LinkedHashMap<>();
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 9; look++) {
            boolean odd = look % 2 == 1;
            Readings swinging =
                    new Readings(new Reading.Counts(odd ? 40 : 10, 1000), new Reading.Counts(odd ? 90 : 360, 9000));
            Map<String, Readings> readings = healthy();
            readings.put("slow", swinging);
            readings.put("errors", swinging);
            LookResult result = judge.look(state, readings, LookContext.canary(0, false));
            state = result.state();
            result.metrics().forEach(metric -> lastExplanation.put(metric.metric(), metric.explanation()));
        }

        assertThat(lastExplanation.get("slow"))
                .contains("beyond the envelope")
                .endsWith("raise maxDispersion, or count slow requests over a lower bucket bound than 250ms,"
                        + " where a drift of latency moves the share less]");
        assertThat(lastExplanation.get("errors"))
                .contains("beyond the envelope")
                .endsWith("raise maxDispersion]");
    }

    /**
     * A candidate whose error rate steps up eightfold beside a steady baseline reads, around the recent ratio, as
     * wander beyond the envelope; the note says the candidate moved, not the traffic, and does not advise raising the
     * envelope, which would let such a candidate through. Until the evidence is in, the look does not call a candidate
     * above its allowance free of regression.
     */
    @Test
    void aCandidateThatStepsUpBesideASteadyBaselineIsNotAdvisedToRaiseTheEnvelope() {
        List<String> notes = new ArrayList<>();
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 9 && notes.isEmpty(); look++) {
            Map<String, Readings> readings = healthy();
            if (look > 6) {
                readings.put("errors", new Readings(new Reading.Counts(80, 1000), new Reading.Counts(90, 9000)));
            }
            LookResult result = judge.look(state, readings, LookContext.canary(0, false));
            state = result.state();
            result.metrics().stream()
                    .filter(metric -> metric.metric().equals("errors"))
                    .map(MetricLook::explanation)
                    .filter(explanation -> explanation.contains("beyond the envelope"))
                    .forEach(notes::add);
        }

        assertThat(notes).isNotEmpty();
        assertThat(notes.get(0))
                .contains("× the baseline so far (allowed +10%): beyond it so far, not yet shown to be a regression")
                .doesNotContain("no regression shown")
                .contains("the baseline's alone within it (about 0.00%)")
                .contains("the candidate's rate moved on its own")
                .doesNotContain("raise maxDispersion");
    }

    /** A value metric's first look at a candidate half again as slow is not called free of regression either. */
    @Test
    void aValueMetricBeyondItsAllowanceIsNotCalledFreeOfRegression() {
        Map<String, Readings> readings = healthy();
        readings.put("p99", new Readings(new Reading.Scalar(310), new Reading.Scalar(205)));

        MetricLook p99 =
                judge.look(judge.beginStage(judge.begin()), readings, LookContext.canary(0, false)).metrics().stream()
                        .filter(metric -> metric.metric().equals("p99"))
                        .findFirst()
                        .orElseThrow();

        assertThat(p99.outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(p99.explanation())
                .endsWith("(geometric mean over 1 look, allowed +15%): beyond it so far, not yet shown to be a"
                        + " regression");
    }

    @Test
    void equalVersionsPassAtTheEndOfTheBakeAndNotBefore() {
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look < 10; look++) {
            LookResult result = judge.look(state, healthy(), LookContext.canary(0, false));
            assertThat(result.verdict()).isEmpty();
            state = result.state();
        }
        LookResult last = judge.look(state, healthy(), LookContext.canary(0, true));

        assertThat(last.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.PASS);
            assertThat(v.score()).isEqualTo(100);
        });
        assertThat(last.metrics()).extracting(MetricLook::outcome).containsOnly(Outcome.PASS);
    }

    @Test
    void aCriticalFailureFailsAtOnceWithScoreZero() {
        Map<String, Readings> readings = healthy();
        readings.put("errors", new Readings(new Reading.Counts(40, 1000), new Reading.Counts(90, 9000)));

        LookResult result = run(10, readings);

        assertThat(result.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(v.score()).isZero();
            assertThat(v.reasons().get(0)).startsWith("errors FAIL: 4.00% on the candidate vs 1.00% on the baseline");
        });
    }

    @Test
    void looksWhoseCountsPrometheusExtrapolatedSaySoAndExactOnesDoNot() {
        Map<String, Readings> readings = healthy();
        readings.put("errors", new Readings(new Reading.Counts(10, 1000, true), new Reading.Counts(90, 9000)));
        readings.put(
                "drift",
                new Readings(
                        histogram(250, 500, 250),
                        new Reading.Histogram(
                                new double[] {0.3, 0.7, Double.POSITIVE_INFINITY},
                                new double[] {2250, 4500, 2250},
                                true)));

        LookResult result = judge.look(judge.beginStage(judge.begin()), readings, LookContext.canary(0, false));

        assertThat(result.metrics())
                .filteredOn(look -> look.explanation().endsWith("[" + Judge.EXTRAPOLATED + "]"))
                .extracting(MetricLook::metric)
                .containsExactly("errors", "drift");
    }

    @Test
    void aFailureOnExtrapolatedCountsGivesTheNoteInItsReason() {
        Map<String, Readings> readings = healthy();
        readings.put("errors", new Readings(new Reading.Counts(40, 1000, true), new Reading.Counts(90, 9000, true)));

        LookResult result = run(10, readings);

        assertThat(result.verdict())
                .hasValueSatisfying(v -> assertThat(v.reasons().get(0))
                        .startsWith("errors FAIL: 4.00% on the candidate")
                        .endsWith("[" + Judge.EXTRAPOLATED + "]"));
    }

    /** The same policy with a fifth metric, observed only: a second error metric on the same counts. */
    private static final String WITH_OBSERVED = METRICS
            + "  - {name: errors-observed, kind: ratio, preset: istio-errors, maxIncrease: 5%, observe: true}\n";

    @Test
    void anObservedMetricThatFailsIsReportedLastAndTheStageStillPasses() {
        Judge observing = new Judge(parse(WITH_OBSERVED));
        Map<String, Readings> readings = healthy();
        // four times the baseline's errors in the observed metric's readings; the deciding metrics stay healthy
        readings.put("errors-observed", new Readings(new Reading.Counts(40, 1000), new Reading.Counts(90, 9000)));
        JudgeState state = observing.beginStage(observing.begin());
        LookResult result = null;
        for (int look = 1; look <= 10; look++) {
            result = observing.look(state, readings, LookContext.canary(0, look == 10));
            state = result.state();
        }

        assertThat(result.metrics())
                .filteredOn(m -> m.metric().equals("errors-observed"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.outcome()).isEqualTo(Outcome.FAIL);
                    assertThat(m.explanation()).endsWith("[" + Judge.OBSERVED + "]");
                });
        assertThat(result.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.PASS);
            assertThat(v.score()).isEqualTo(100);
            assertThat(v.reasons().get(v.reasons().size() - 1)).startsWith("errors-observed FAIL");
        });
    }

    @Test
    void anObservedMetricWithoutDataNeverHoldsTheStage() {
        Judge observing = new Judge(parse(WITH_OBSERVED));
        Map<String, Readings> readings = healthy();
        readings.put("errors-observed", new Readings(new Reading.NoData("no series"), new Reading.NoData("no series")));
        JudgeState state = observing.beginStage(observing.begin());
        LookResult result = null;
        for (int look = 1; look <= 10; look++) {
            result = observing.look(state, readings, LookContext.canary(0, look == 10));
            state = result.state();
            if (look < 10) {
                assertThat(result.verdict()).isEmpty();
            }
        }
        assertThat(result.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.PASS));
    }

    @Test
    void anObservedMetricTakesNoShareOfTheBudget() {
        Map<String, Readings> readings = healthy();
        readings.put("errors", new Readings(new Reading.Counts(40, 1000), new Reading.Counts(90, 9000)));
        readings.put("errors-observed", readings.get("errors"));
        String alone = run(10, readings).verdict().orElseThrow().reasons().get(0);
        Judge observing = new Judge(parse(WITH_OBSERVED));
        JudgeState state = observing.beginStage(observing.begin());
        LookResult result = null;
        for (int look = 1; look <= 10 && (result == null || result.verdict().isEmpty()); look++) {
            result = observing.look(state, readings, LookContext.canary(0, look == 10));
            state = result.state();
        }
        String beside = result.verdict().orElseThrow().reasons().get(0);

        // the deciding metric's level, said in its sentence, is the same with the observed metric beside it
        assertThat(beside).startsWith("errors FAIL").isEqualTo(alone);
    }

    @Test
    void aNonCriticalFailureLowersTheScoreAndEndsInconclusiveWhenAboveMarginal() {
        Map<String, Readings> readings = healthy();
        readings.put("slow", new Readings(new Reading.Counts(80, 1000), new Reading.Counts(180, 9000)));

        LookResult result = run(10, readings);

        assertThat(result.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
            assertThat(v.score()).isEqualTo(75);
            assertThat(v.reasons().get(0)).startsWith("slow FAIL");
        });
    }

    @Test
    void aScoreBelowMarginalFailsBeforeTheBakeEnds() {
        Map<String, Readings> readings = healthy();
        readings.put("slow", new Readings(new Reading.Counts(80, 1000), new Reading.Counts(180, 9000)));
        readings.put("drift", new Readings(histogram(800, 100, 100), histogram(2250, 4500, 2250)));
        readings.put("p99", new Readings(new Reading.Scalar(900), new Reading.Scalar(205)));

        LookResult result = run(10, readings);

        assertThat(result.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.FAIL));
        assertThat(result.metrics())
                .filteredOn(m -> m.metric().equals("drift"))
                .singleElement()
                .satisfies(m -> assertThat(m.explanation()).contains("drifted"));
    }

    @Test
    void noDataForThreeLooksInARowIsInconclusiveAtOnce() {
        Map<String, Readings> readings = healthy();
        readings.put("p99", new Readings(new Reading.NoData("the value is NaN"), new Reading.Scalar(205)));

        LookResult result = run(10, readings);

        assertThat(result.verdict()).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
            assertThat(v.reasons().get(0)).contains("p99 NODATA").contains("candidate: the value is NaN");
        });
        assertThat(result.metrics())
                .filteredOn(m -> m.metric().equals("p99"))
                .extracting(MetricLook::candidate)
                .containsOnlyNulls();
    }

    @Test
    void tooLittleTrafficHoldsAndIsNeverAPass() {
        Map<String, Readings> readings = healthy();
        readings.put("errors", new Readings(new Reading.Counts(0, 50), new Reading.Counts(90, 9000)));
        readings.put("slow", new Readings(new Reading.Counts(1, 50), new Reading.Counts(180, 9000)));

        LookResult result = run(10, readings);

        assertThat(result.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
        assertThat(result.metrics())
                .filteredOn(m -> m.metric().equals("errors"))
                .extracting(MetricLook::outcome)
                .containsExactly(Outcome.HOLD);
    }

    @Test
    void aQuantileOverItsAbsoluteLimitFailsAtTheEndOfTheBake() {
        Map<String, Readings> readings = healthy();
        readings.put("p99", new Readings(new Reading.Scalar(420), new Reading.Scalar(400)));

        LookResult result = run(10, readings);

        assertThat(result.metrics())
                .filteredOn(m -> m.metric().equals("p99"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.outcome()).isEqualTo(Outcome.FAIL);
                    assertThat(m.explanation()).isEqualTo("median 420ms over 10 looks is over the limit of 400ms");
                });
    }

    @Test
    void aClearLatencyRegressionFailsWithinAFewLooksSayingByHowMuch() {
        Map<String, Readings> readings = healthy();
        JudgeState state = judge.beginStage(judge.begin());
        double[] noise = {0.02, -0.01, 0.015, -0.02, 0.01, 0.0, -0.015, 0.02, 0.005};
        MetricLook p99Look = null;
        int look = 0;
        while (look < noise.length && (p99Look == null || p99Look.outcome() != Outcome.FAIL)) {
            double p99 = 205 * 1.6 * Math.exp(noise[look]); // 60% slower; 15% allowed
            readings.put("p99", new Readings(new Reading.Scalar(p99), new Reading.Scalar(205)));
            LookResult result = judge.look(state, readings, LookContext.canary(0, false));
            state = result.state();
            p99Look = result.metrics().stream()
                    .filter(m -> m.metric().equals("p99"))
                    .findFirst()
                    .orElseThrow();
            look++;
        }

        assertThat(look).isLessThanOrEqualTo(6);
        assertThat(p99Look).satisfies(m -> {
            assertThat(m.outcome()).isEqualTo(Outcome.FAIL);
            assertThat(m.explanation())
                    .matches("1\\.6\\d*× the baseline \\(geometric mean over \\d looks\\), beyond the allowed"
                            + " \\+15% \\(evidence [\\d.]+ ≥ [\\d.]+\\)");
        });
    }

    @Test
    void aPolicyThatAssumesIndependentLooksDecidesSoonerOnTheSameLooks() {
        Judge independent =
                new Judge(parse(METRICS.replace("minRequests: 1000,", "minRequests: 1000, maxAutocorrelation: 0,")));

        int byDefault = looksToFailOnASlowerCanary(judge);
        int assumingIndependence = looksToFailOnASlowerCanary(independent);

        // Allowing for correlated looks costs looks (docs/statistics.md measures how many); the setting must reach the
        // test.
        assertThat(assumingIndependence).isLessThan(byDefault);
        assertThat(parse(METRICS).analysis().maxAutocorrelation())
                .as("the policy's default is the bound the test's figures were calibrated for")
                .isEqualTo(LogRatioTest.DEFAULT_MAX_AUTOCORRELATION);
    }

    /** Looks until the p99 metric fails on a canary 30% slower (15% allowed) with seeded noise; 61 if it never does. */
    private static int looksToFailOnASlowerCanary(Judge judge) {
        SplittableRandom noise = new SplittableRandom(11);
        Map<String, Readings> readings = healthy();
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 60; look++) {
            double p99 = 205 * 1.3 * Math.exp(0.1 * noise.nextGaussian());
            readings.put("p99", new Readings(new Reading.Scalar(p99), new Reading.Scalar(205)));
            LookResult result = judge.look(state, readings, LookContext.canary(0, false));
            state = result.state();
            if (result.metrics().stream().anyMatch(m -> m.metric().equals("p99") && m.outcome() == Outcome.FAIL)) {
                return look;
            }
        }
        return 61;
    }

    @Test
    void aLatencyThatIsNotPositiveCannotBeComparedAsARatio() {
        Map<String, Readings> readings = healthy();
        readings.put("p99", new Readings(new Reading.Scalar(0), new Reading.Scalar(205)));

        LookResult result = judge.look(judge.beginStage(judge.begin()), readings, LookContext.canary(0, false));

        assertThat(result.metrics())
                .filteredOn(m -> m.metric().equals("p99"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.outcome()).isEqualTo(Outcome.NODATA);
                    assertThat(m.explanation()).contains("values cannot be compared: canary must be positive");
                });
    }

    @Test
    void theEvidenceSurvivesAJsonRoundTrip() throws Exception {
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 4; look++) {
            state = judge.look(state, healthy(), LookContext.canary(0, false)).state();
        }
        String json = Json.mapper().writeValueAsString(state);

        assertThat(Json.mapper().readValue(json, JudgeState.class)).isEqualTo(state);
        assertThat(json)
                .contains("\"relative\":[{\"worse\":\"HIGHER\",\"margin\":0.15,\"maxAutocorrelation\":0.6,\"looks\":4");
    }

    /** Four looks in which the canary's p99 grows and the baseline's shrinks; {@code readings} keeps the last. */
    private JudgeState afterFourLooksOfASlowerCanary(Map<String, Readings> readings) {
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 4; look++) {
            readings.put("p99", new Readings(new Reading.Scalar(230 + look), new Reading.Scalar(200 - look)));
            state = judge.look(state, readings, LookContext.canary(0, false)).state();
        }
        return state;
    }

    @Test
    void aWatchSavedWithTheFrozenBoundResumesAgainstTheHeldBackBaseline() throws Exception {
        ObjectNode tree = Json.mapper().valueToTree(watchBegun());
        // the watch as the previous version wrote it: a frozen bound and its test, no paired evidence
        ObjectNode errors = (ObjectNode) tree.get("metrics").get("errors");
        errors.remove(List.of("watchRelative", "watchAbsolute", "ruleOut"));
        errors.put("watchBound", 0.011);
        errors.putNull("watch");
        JudgeState old = Json.mapper().treeToValue(tree, JudgeState.class);

        LookResult look = judge.look(old, healthy(), LookContext.watch(false));

        assertThat(look.metrics().get(0).outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(((MetricEvidence.Ratio) look.state().metrics().get("errors")).watchRelative())
                .isNotNull();
    }

    @Test
    void aStateSavedBeforeTheLogRatioTestResumesWithItsEvidenceRebuiltFromTheValues() throws Exception {
        Map<String, Readings> readings = healthy();
        JudgeState state = afterFourLooksOfASlowerCanary(readings);
        ObjectNode tree = Json.mapper().valueToTree(state);
        ((ObjectNode) tree.get("metrics").get("p99")).remove("relative");
        JudgeState old = Json.mapper().treeToValue(tree, JudgeState.class);
        assertThat(old).isNotEqualTo(state);

        readings.put("p99", new Readings(new Reading.Scalar(240), new Reading.Scalar(195)));
        LookContext next = LookContext.canary(0, false);
        assertThat(judge.look(old, readings, next).state())
                .isEqualTo(judge.look(state, readings, next).state());
    }

    @Test
    void aStateSavedBeforeTheRuleOutResumesWithItRebuiltFromTheValues() throws Exception {
        Map<String, Readings> readings = healthy();
        JudgeState state = afterFourLooksOfASlowerCanary(readings);
        ObjectNode tree = Json.mapper().valueToTree(state);
        assertThat(tree.get("metrics").get("p99").get("ruleOut")).hasSize(1);
        ((ObjectNode) tree.get("metrics").get("p99")).remove("ruleOut");
        JudgeState old = Json.mapper().treeToValue(tree, JudgeState.class);
        assertThat(old).isNotEqualTo(state);

        readings.put("p99", new Readings(new Reading.Scalar(240), new Reading.Scalar(195)));
        LookContext next = LookContext.canary(0, false);
        assertThat(judge.look(old, readings, next).state())
                .isEqualTo(judge.look(state, readings, next).state());
    }

    @Test
    void aStateSavedBeforeTheTestAllowedForCorrelatedLooksResumesWithItsEvidenceRebuilt() throws Exception {
        Map<String, Readings> readings = healthy();
        JudgeState state = afterFourLooksOfASlowerCanary(readings);
        ObjectNode tree = Json.mapper().valueToTree(state);
        // the evidence as the previous version wrote it: direction, margin, looks, Σx, Σx² and the largest log e-value
        ObjectNode evidence =
                (ObjectNode) tree.get("metrics").get("p99").get("relative").get(0);
        evidence.remove(List.of("maxAutocorrelation", "sumOfLagProducts", "first", "last"));
        JudgeState old = Json.mapper().treeToValue(tree, JudgeState.class);
        assertThat(((MetricEvidence.Samples) old.metrics().get("p99"))
                        .relative()
                        .get(0)
                        .maxAutocorrelation())
                .isZero();

        readings.put("p99", new Readings(new Reading.Scalar(240), new Reading.Scalar(195)));
        LookContext next = LookContext.canary(0, false);
        assertThat(judge.look(old, readings, next).state())
                .isEqualTo(judge.look(state, readings, next).state());
    }

    /** Ten passing looks of the canary, then the watch begins. */
    private JudgeState watchBegun() {
        JudgeState state = judge.beginStage(judge.begin());
        for (int look = 1; look <= 10; look++) {
            state = judge.look(state, healthy(), LookContext.canary(0, look == 10))
                    .state();
        }
        return judge.beginWatch(state);
    }

    @Test
    void afterPromotionTheCandidateIsComparedWithTheHeldBackBaseline() {
        Map<String, Readings> promoted = healthy();
        // 90% candidate, 10% held back: 3% against the baseline's live 1%
        promoted.put("errors", new Readings(new Reading.Counts(270, 9000), new Reading.Counts(10, 1000)));
        JudgeState state = watchBegun();
        Optional<StageVerdict> verdict = Optional.empty();
        for (int look = 1; look <= 15 && verdict.isEmpty(); look++) {
            LookResult result = judge.look(state, promoted, LookContext.watch(false));
            state = result.state();
            verdict = result.verdict();
        }

        assertThat(verdict).hasValueSatisfying(v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(v.reasons().get(0))
                    .startsWith("errors FAIL: 3.00% on the candidate vs 1.00% on the baseline: 3× the baseline,"
                            + " more than the allowed +10%");
        });
    }

    @Test
    void aChangeThatHitsBothVersionsDuringTheWatchIsNoRegression() {
        Map<String, Readings> busierDay = healthy();
        // both versions' error rates triple at once (a bad upstream, a surge): the held-back baseline shows it too
        busierDay.put("errors", new Readings(new Reading.Counts(270, 9000), new Reading.Counts(30, 1000)));
        // and a surge slows both to nearly twice their canary-phase p99 (under its 400 ms limit): against those values
        // that would be
        // a regression
        busierDay.put("p99", new Readings(new Reading.Scalar(390), new Reading.Scalar(390)));
        JudgeState state = watchBegun();
        for (int look = 1; look <= 10; look++) {
            LookResult result = judge.look(state, busierDay, LookContext.watch(look == 10));
            state = result.state();
            assertThat(result.metrics()).extracting(MetricLook::outcome).doesNotContain(Outcome.FAIL);
            if (look == 10) {
                assertThat(result.verdict())
                        .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.PASS));
            }
        }
    }

    @Test
    void withoutAHoldbackTheWatchJudgesTheAbsoluteLimitsAloneAndSaysSo() {
        Map<String, Readings> promoted = new LinkedHashMap<>();
        promoted.put("errors", new Readings(new Reading.Counts(300, 10_000), null)); // 3% and no baseline beside it
        promoted.put("slow", new Readings(new Reading.Counts(200, 10_000), null));
        promoted.put("p99", new Readings(new Reading.Scalar(207), null));
        promoted.put("drift", new Readings(histogram(2500, 5000, 2500), null));

        LookResult result = judge.look(watchBegun(), promoted, LookContext.watch(true));

        assertThat(result.metrics().get(0).explanation())
                .contains("since promotion, not judged: no live baseline (promote.holdback: 0) and no absolute limit");
    }

    @Test
    void aDryRunCheckReportsWhatCameBackAndDecidesNothing() {
        Map<String, Readings> readings = healthy();
        readings.put("drift", new Readings(new Reading.NoData("absent series"), histogram(1, 1, 1)));

        LookResult result = judge.look(judge.begin(), readings, LookContext.check());

        assertThat(result.verdict()).isEmpty();
        assertThat(result.metrics())
                .extracting(MetricLook::outcome)
                .containsExactly(Outcome.CONTINUE, Outcome.CONTINUE, Outcome.CONTINUE, Outcome.NODATA);
        assertThat(result.state()).isEqualTo(judge.begin());
    }
}
