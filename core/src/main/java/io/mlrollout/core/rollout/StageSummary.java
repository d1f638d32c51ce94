package io.mlrollout.core.rollout;

import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.policy.Stage;
import java.util.List;

/**
 * How a finished stage was judged.
 *
 * @param stage 1-based stage number
 * @param weight percent of traffic the candidate had
 * @param verdict the stage's verdict
 * @param score 0..100
 * @param reasons one sentence with numbers per metric that mattered
 * @param shadow the share mirrored to the candidate in a shadow stage, else 0 (also in a state saved before it was
 *     kept)
 */
public record StageSummary(int stage, int weight, Verdict verdict, double score, List<String> reasons, int shadow) {
    public StageSummary {
        reasons = List.copyOf(reasons);
    }

    /** How the log names the stage: {@code 25%}, or {@code shadow 20%}, not the 0% of users its candidate served. */
    public String label() {
        return Stage.label(weight, shadow);
    }
}
