package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.PolicyParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ratio metric passes a stage only when the data rule out a doubling of its rate, and its sentence says what was
 * shown: never "within" a bound the rates are beyond, and "not enough data" when the evidence is short.
 */
class RatioPassExplanationTest {

    private static final String POLICY = """
            stages: [{weight: 50, bake: 1m}]
            analysis: {minRequests: 500}
            metrics:
              - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 1.5%}
            """;

    /** {@code looks} looks with the same counts, the last one at the end of the bake. */
    private static MetricLook after(int looks, boolean lastChance, Reading.Counts candidate, Reading.Counts baseline)
            throws Exception {
        Judge judge = new Judge(PolicyParser.parse(POLICY));
        JudgeState state = judge.beginStage(judge.begin());
        LookResult look = null;
        for (int i = 1; i <= looks; i++) {
            boolean end = i == looks;
            look = judge.look(
                    state,
                    Map.of("error-rate", new Readings(candidate, baseline)),
                    LookContext.canary(0, end, end && lastChance));
            state = look.state();
        }
        return look.metrics().get(0);
    }

    @Test
    void ratesWithinTheBoundsPassOnceADoublingIsRuledOut() throws Exception {
        MetricLook look = after(12, true, new Reading.Counts(50, 5000), new Reading.Counts(50, 5000));

        assertThat(look.outcome()).isEqualTo(Outcome.PASS);
        assertThat(look.explanation())
                .startsWith("1.00% on the candidate vs 1.00% on the baseline in this stage: 1× the baseline, within"
                        + " the allowed +20%; shown below 2× the baseline (evidence ")
                .endsWith("≥ 100) and under the limit of 1.50%");
    }

    @Test
    void withTooLittleEvidenceTheStageBakesOnAndSaysWhatIsMissing() throws Exception {
        MetricLook look = after(1, false, new Reading.Counts(5, 500), new Reading.Counts(5, 500));

        assertThat(look.outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(look.explanation())
                .contains("not enough data yet to show the candidate below 2× the baseline")
                .endsWith("; baking on");
    }

    @Test
    void ratesBeyondTheBoundsWithoutEnoughEvidenceAreNeverAPassNorCalledWithinThem() throws Exception {
        // 1.6x the baseline and over the 1.5% limit, but 13 bad events are too few to show anything
        MetricLook look = after(1, true, new Reading.Counts(8, 500), new Reading.Counts(5, 500));

        assertThat(look.outcome()).isEqualTo(Outcome.HOLD);
        assertThat(look.explanation())
                .doesNotContain("within")
                .contains("1.60% on the candidate vs 1.00% on the baseline in this stage")
                .contains("not enough data yet to show the candidate below 2× the baseline");
    }
}
