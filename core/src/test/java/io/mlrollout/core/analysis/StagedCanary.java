package io.mlrollout.core.analysis;

import io.mlrollout.core.metrics.Readings;
import java.util.Map;

/**
 * A canary run through stages of 5%, 25% and 50% look by look, as the engine drives the judge: each stage bakes 10
 * looks and may run on to 20; the first stage that does not pass ends it. For simulations that draw each minute's
 * readings themselves.
 */
final class StagedCanary {

    static final int[] WEIGHTS = {5, 25, 50};
    static final int BAKE = 10;
    static final int MAX_BAKE = 20;

    /** One minute's readings per metric, drawn for a canary at {@code weight} percent. */
    interface Draw {
        Map<String, Readings> minute(int minute, int weight);
    }

    private StagedCanary() {}

    /** The first verdict that is not a pass, or PASS when every stage passed. */
    static Verdict run(Judge judge, Draw draw) {
        JudgeState state = judge.begin();
        int minute = 0;
        for (int stage = 0; stage < WEIGHTS.length; stage++) {
            state = judge.beginStage(state);
            Verdict verdict = null;
            for (int look = 1; verdict == null; look++, minute++) {
                LookResult result = judge.look(
                        state,
                        draw.minute(minute, WEIGHTS[stage]),
                        LookContext.canary(stage, look >= BAKE, look == MAX_BAKE));
                state = result.state();
                verdict = result.verdict().map(StageVerdict::verdict).orElse(null);
            }
            if (verdict != Verdict.PASS) {
                return verdict;
            }
        }
        return Verdict.PASS;
    }
}
