package io.mlrollout.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlrollout.core.metrics.Reading;
import io.mlrollout.core.metrics.Readings;
import io.mlrollout.core.policy.PolicyParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ratio metric passes a stage when its tests show no regression, which with little traffic can happen while the
 * observed rates are beyond the bounds. The explanation must then say so, not claim the rates are within them.
 */
class RatioPassExplanationTest {

    private static MetricLook stageEnd(Reading.Counts candidate, Reading.Counts baseline) throws Exception {
        Judge judge = new Judge(PolicyParser.parse("""
                stages: [{weight: 50, bake: 1m}]
                analysis: {minRequests: 500}
                metrics:
                  - {name: error-rate, kind: ratio, preset: istio-errors, maxIncrease: 20%, max: 1.5%}
                """));
        LookResult look = judge.look(
                judge.beginStage(judge.begin()),
                Map.of("error-rate", new Readings(candidate, baseline)),
                LookContext.canary(0, true));
        return look.metrics().get(0);
    }

    @Test
    void ratesWithinTheBoundsAreSaidToBeWithinThem() throws Exception {
        MetricLook look = stageEnd(new Reading.Counts(5, 500), new Reading.Counts(5, 500));

        assertThat(look.outcome()).isEqualTo(Outcome.PASS);
        assertThat(look.explanation())
                .isEqualTo("1.00% on the candidate vs 1.00% on the baseline in this stage, within the allowed +20%"
                        + " and under the limit of 1.50%");
    }

    @Test
    void ratesBeyondTheBoundsWithoutEnoughEvidenceAreNotCalledWithinThem() throws Exception {
        // 1.6x the baseline and over the 1.5% limit, but 13 bad events are too few to show either
        MetricLook look = stageEnd(new Reading.Counts(8, 500), new Reading.Counts(5, 500));

        assertThat(look.outcome()).isEqualTo(Outcome.PASS);
        assertThat(look.explanation())
                .doesNotContain("within the allowed")
                .doesNotContain("under the limit")
                .contains("1.60% on the candidate vs 1.00% on the baseline in this stage")
                .contains("1.60× the baseline, above the allowed +20% but not shown to exceed it")
                .contains("over the limit of 1.50% but not shown to exceed it");
    }
}
