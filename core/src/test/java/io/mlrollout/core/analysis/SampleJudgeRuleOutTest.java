package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.analysis.stats.Worse;
import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A quantile read from a hand-written query, or a value metric, passes a stage only when the looks rule out a regression
 * of twice its margin; until then the stage bakes on, and at its last chance it is inconclusive.
 */
class SampleJudgeRuleOutTest {

    private static final String POLICY = """
            stages:
              - {weight: 10, bake: 10m}
            analysis: {interval: 1m, missedRegressionRate: 1%}
            metrics:
              - name: p99
                kind: quantile
                query: histogram_quantile(0.99, sum by (le) (rate(latency_ms_bucket{version="${version}"}[${interval}])))
                maxIncrease: 15%
                max: 400ms
              - name: accuracy
                kind: value
                query: avg_over_time(model_accuracy{version="${version}"}[${interval}])
                maxDecrease: 2%
            """;

    private final Judge judge = new Judge(JudgeTest.parse(POLICY));

    @Test
    void theRuleOutIsTwiceTheMarginOnTheLogScaleAndAtLeastOnePercentBeyondIt() {
        assertThat(SampleJudge.ruleOutRatio(Worse.HIGHER, 0.15)).isCloseTo(1.3225, within());
        assertThat(SampleJudge.ruleOutRatio(Worse.LOWER, 0.02)).isCloseTo(0.9604, within());
        assertThat(SampleJudge.ruleOutRatio(Worse.HIGHER, 0)).isCloseTo(1.01, within());
        assertThat(SampleJudge.ruleOutRatio(Worse.LOWER, 0)).isCloseTo(1 / 1.01, within());
    }

    @Test
    void steadyEqualVersionsPassWithTheRuleOutShown() {
        LookResult last = bake(10, look -> 1.02, look -> 1.0, true);

        assertThat(last.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.PASS));
        assertThat(explanation(last, "p99"))
                .contains("1.02× the baseline (geometric mean over 10 looks), within the allowed +15%")
                .contains("shown below 1.32× the baseline (evidence ")
                .contains("median 204ms over 10 looks, under 400ms");
        assertThat(explanation(last, "accuracy")).contains("within the allowed -2%; shown above 0.960× the baseline");
    }

    @Test
    void noisyLooksThatCannotRuleOutTheRegressionBakeOnAndEndInconclusive() {
        // the canary's p99 swings between 0.7 and 1.4 times the baseline's: no regression shown, and none ruled out
        LookResult endOfBake = bake(10, look -> look % 2 == 0 ? 0.7 : 1.4, look -> 1.0, false);

        assertThat(endOfBake.verdict()).isEmpty();
        assertThat(outcome(endOfBake, "p99")).isEqualTo(Outcome.CONTINUE);
        assertThat(explanation(endOfBake, "p99"))
                .contains("not enough data yet to show the candidate below 1.32× the baseline (evidence ")
                .endsWith("; baking on");

        LookResult lastChance = bake(10, look -> look % 2 == 0 ? 0.7 : 1.4, look -> 1.0, true);
        assertThat(lastChance.verdict())
                .hasValueSatisfying(v -> assertThat(v.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
        assertThat(outcome(lastChance, "p99")).isEqualTo(Outcome.HOLD);
    }

    @Test
    void aCanaryBeyondItsMarginButNotShownToExceedItIsNeverCalledWithin() {
        // 1.17× the baseline give or take 3%: beyond +15%, not shown beyond it, well below the 1.32× ruled out
        LookResult last = bake(10, look -> 1.17 * Math.exp(look % 2 == 0 ? 0.03 : -0.03), look -> 1.0, true);

        assertThat(outcome(last, "p99")).as(explanation(last, "p99")).isEqualTo(Outcome.PASS);
        assertThat(explanation(last, "p99"))
                .contains("1.17× the baseline (geometric mean over 10 looks), beyond the allowed +15% but not shown")
                .doesNotContain("within");
    }

    private interface PerLook {
        double ratio(int look);
    }

    /** A stage of {@code looks} looks: p99 200 ms × the ratio per version, accuracy 0.9 × it. */
    private LookResult bake(int looks, PerLook p99, PerLook accuracy, boolean lastChance) {
        JudgeState state = judge.beginStage(judge.begin());
        LookResult result = null;
        for (int look = 1; look <= looks; look++) {
            Map<String, Readings> readings = Map.of(
                    "p99", new Readings(new Reading.Scalar(200 * p99.ratio(look)), new Reading.Scalar(200)),
                    "accuracy", new Readings(new Reading.Scalar(0.9 * accuracy.ratio(look)), new Reading.Scalar(0.9)));
            boolean end = look == looks;
            result = judge.look(state, readings, LookContext.canary(0, end, end && lastChance));
            state = result.state();
        }
        return result;
    }

    private static MetricLook metric(LookResult result, String name) {
        return result.metrics().stream()
                .filter(m -> m.metric().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String explanation(LookResult result, String name) {
        return metric(result, name).explanation();
    }

    private static Outcome outcome(LookResult result, String name) {
        return metric(result, name).outcome();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
