package io.mlrollout.core.policy;

import static io.mlrollout.core.policy.Policies.METRICS;
import static io.mlrollout.core.policy.Policies.assertRefused;
import static io.mlrollout.core.policy.Policies.with;
import static io.mlrollout.core.policy.Policies.withStages;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Refusals in stages, analysis, signOff, promote and rollback. */
class StageAndSettingsValidationTest {

    @Test
    void aWeightOver100IsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 10m}", "{weight: 120, bake: 10m}"),
                "stages[1].weight",
                "120 is over 100");
    }

    @Test
    void aCanaryStageOf100IsRefusedBecauseThatIsPromotion() {
        assertRefused(
                withStages("{weight: 5, bake: 10m}", "{weight: 100, bake: 10m}"),
                "stages[1].weight",
                "100 is promotion, not a canary stage: end the stages below 100 and promote (promote.holdback keeps a"
                        + " share on the baseline while the promoted candidate is watched)");
    }

    @Test
    void aMaxBakeShorterThanTheBakeIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 10m, maxBake: 5m}"),
                "stages[0].maxBake",
                "5m is shorter than the stage's bake (10m)");
    }

    @Test
    void aRuleOutWithinAMetricsMarginIsRefused() {
        assertRefused(
                with("analysis: {ruleOut: 10%}\n"),
                "analysis.ruleOut",
                "10% is not above metrics[0].maxIncrease (10%); a passing stage must rule out more than the metric"
                        + " allows");
    }

    @Test
    void aPlanModeIsWarnOrRefuse() throws Exception {
        assertRefused(
                with("analysis: {plan: refused}\n"),
                "analysis.plan",
                "'refused' is not one of warn, refuse; did you mean refuse?");
        assertThat(PolicyParser.parse(with("analysis: {plan: refuse}\n"))
                        .analysis()
                        .plan())
                .isEqualTo(AnalysisSettings.PlanMode.REFUSE);
        assertThat(PolicyParser.parse(with("")).analysis().plan()).isEqualTo(AnalysisSettings.PlanMode.WARN);
    }

    @Test
    void aHoldbackOutsideItsRangeIsRefused() {
        assertRefused(
                with("promote: {holdback: 60}\n"),
                "promote.holdback",
                "60 is not between 0 and 50 (percent of traffic)");
    }

    @Test
    void theEvidenceSettingsDefaultToTheDocumentedValues() throws Exception {
        Policy policy = PolicyParser.parse(withStages("{weight: 5, bake: 10m}"));
        assertThat(policy.analysis().maxDispersion()).isEqualTo(0.5);
        assertThat(policy.analysis().ruleOut()).isEqualTo(1.0);
        assertThat(policy.analysis().missedRegressionRate()).isEqualTo(0.01);
        assertThat(policy.stages().get(0).maxBake()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(policy.promote().holdback()).isEqualTo(10);
    }

    @Test
    void aWeightBelow1IsRefused() {
        assertRefused(withStages("{weight: 0, bake: 10m}"), "stages[0].weight", "0 is below 1");
    }

    @Test
    void weightsThatDoNotIncreaseAreRefused() {
        assertRefused(
                withStages("{weight: 25, bake: 10m}", "{weight: 25, bake: 10m}"),
                "stages[1].weight",
                "25 is not above the previous stage's 25; weights must increase");
        assertRefused(
                withStages("{weight: 50, bake: 10m}", "{weight: 10, bake: 10m}"),
                "stages[1].weight",
                "10 is not above the previous stage's 50; weights must increase");
    }

    @Test
    void aStageWithoutWeightOrBakeIsRefused() {
        assertRefused(withStages("{bake: 10m}"), "stages[0].weight", "is required; expected a whole number");
        assertRefused(withStages("{weight: 5}"), "stages[0].bake", "is required; expected a duration such as 10m");
    }

    @Test
    void anEmptyListOfStagesIsRefused() {
        assertRefused("stages: []\n" + METRICS, "stages", "is empty; a policy needs 1 to 20 stages");
    }

    @Test
    void moreThan20StagesAreRefused() {
        String stages = IntStream.rangeClosed(1, 21)
                .mapToObj(w -> "{weight: " + w + ", bake: 1m}")
                .collect(Collectors.joining(", ", "stages: [", "]\n"));
        assertRefused(stages + METRICS, "stages", "has 21 stages; at most 20 are allowed");
    }

    @Test
    void aZeroDurationIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 0s}"),
                "stages[0].bake",
                "0s is zero; a duration must be longer than zero");
    }

    @Test
    void aNegativeDurationIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: -5m}"),
                "stages[0].bake",
                "-5m is negative; a duration must be longer than zero");
    }

    @Test
    void aFractionalDurationIsRefusedWithTheWholeSpelling() {
        assertRefused(
                withStages("{weight: 5, bake: 1.5h}"),
                "stages[0].bake",
                "'1.5h' has a fraction; write a whole number with a smaller unit, e.g. 90m");
    }

    @Test
    void aBakeShorterThanTheIntervalIsRefused() {
        assertRefused(
                withStages("{weight: 5, bake: 2m}").replace("stages:", "analysis: {interval: 5m}\nstages:")
                        + "promote: {bake: 5m}\n",
                "stages[0].bake",
                "2m is shorter than analysis.interval (5m)");
    }

    @Test
    void aPromotionBakeShorterThanTheIntervalIsRefused() {
        assertRefused(with("promote: {bake: 30s}\n"), "promote.bake", "30s is shorter than analysis.interval (1m)");
    }

    @Test
    void theDefaultPromotionBakeMustFitALongInterval() {
        assertRefused(
                withStages("{weight: 5, bake: 20m}") + "analysis: {interval: 15m}\n",
                "promote.bake",
                "the default 10m is shorter than analysis.interval (15m); set it");
    }

    @Test
    void aFalseRollbackRateOutsideItsRangeIsRefused() {
        assertRefused(with("analysis: {falseRollbackRate: 25%}\n"), "analysis.falseRollbackRate", "25% is over 20%");
        assertRefused(
                with("analysis: {falseRollbackRate: 0%}\n"), "analysis.falseRollbackRate", "must be more than 0%");
    }

    @Test
    void anIntervalThatIsNotWholeSecondsIsRefusedSinceQueriesReadItInSeconds() throws Exception {
        assertRefused(
                with("analysis: {interval: 1500ms}\n"),
                "analysis.interval",
                "1500ms is not a whole number of seconds; queries read ${interval} in seconds, write e.g. 2s");
        assertRefused(
                with("analysis: {interval: 500ms}\n"),
                "analysis.interval",
                "500ms is not a whole number of seconds; queries read ${interval} in seconds, write e.g. 1s");
        assertThat(PolicyParser.parse(with("analysis: {interval: 30s}\n"))
                        .analysis()
                        .interval())
                .isEqualTo(java.time.Duration.ofSeconds(30));
    }

    @Test
    void aMaxAutocorrelationOutsideZeroToPointNineIsRefused() {
        assertRefused(
                with("analysis: {maxAutocorrelation: 0.95}\n"),
                "analysis.maxAutocorrelation",
                "0.95 is not between 0 and 0.9");
        assertRefused(
                with("analysis: {maxAutocorrelation: -0.1}\n"),
                "analysis.maxAutocorrelation",
                "-0.1 is not between 0 and 0.9");
    }

    @Test
    void aPercentageThatDoesNotParseIsRefused() {
        assertRefused(
                with("analysis: {falseRollbackRate: 1 %}\n"),
                "analysis.falseRollbackRate",
                "'1 %' is not a percentage; write a number followed by %, e.g. 10% or 0.5%");
        assertRefused(
                with("analysis: {falseRollbackRate: 0.01}\n"),
                "analysis.falseRollbackRate",
                "a percentage is written with %, e.g. 10% or 0.5%; got the number 0.01");
    }

    @Test
    void countsBelowTheirMinimumAreRefused() {
        assertRefused(with("analysis: {minRequests: 0}\n"), "analysis.minRequests", "0 is below 1");
        assertRefused(with("analysis: {limits: {noData: 0}}\n"), "analysis.limits.noData", "0 is below 1");
        assertRefused(with("analysis: {limits: {extensions: -1}}\n"), "analysis.limits.extensions", "-1 is below 0");
        assertRefused(
                with("analysis: {limits: {shiftAttempts: 0}}\n"), "analysis.limits.shiftAttempts", "0 is below 1");
    }

    @Test
    void scoresOutside0To100AreRefused() {
        assertRefused(with("analysis: {score: {pass: 120}}\n"), "analysis.score.pass", "120 is not between 0 and 100");
    }

    @Test
    void aMarginalScoreAbovePassIsRefused() {
        assertRefused(
                with("analysis: {score: {pass: 70, marginal: 80}}\n"),
                "analysis.score.marginal",
                "80 is above pass (70); marginal must not exceed pass");
        assertRefused(
                with("analysis: {score: {pass: 60}}\n"),
                "analysis.score.pass",
                "60 is below the default marginal (75); set marginal too");
    }

    @Test
    void aQuorumBelow1IsRefused() {
        assertRefused(
                with("signOff: {approvers: [alice], quorum: 0}\n"), "signOff.quorum", "must be at least 1, got 0");
    }

    @Test
    void anApproverListedTwiceIsRefused() {
        assertRefused(
                with("signOff: {approvers: [alice, bob, alice]}\n"), "signOff.approvers[2]", "'alice' is listed twice");
    }

    /** ' bob' would never match bob: ids are compared as written, so the approver would be there for nobody. */
    @Test
    void anApproverWithSpacesAroundItIsRefused() {
        assertRefused(
                with("signOff: {approvers: [alice, ' bob']}\n"),
                "signOff.approvers[1]",
                "' bob' has spaces around it, so it would match nobody; write 'bob'");
    }

    @Test
    void aBlankApproverIsRefused() {
        assertRefused(with("signOff: {approvers: [alice, ' ']}\n"), "signOff.approvers[1]", "is empty");
    }

    @Test
    void aValidPolicyPassesUnchanged() throws Exception {
        // The base the tests above change one thing of: it must be valid, or they would prove nothing.
        assertThat(PolicyParser.parse(with("")).stageCount()).isEqualTo(2);
    }
}
