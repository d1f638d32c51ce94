package io.mlrollout.core.rollout;

import io.mlrollout.core.analysis.Verdict;
import java.util.List;

/**
 * How a finished stage was judged.
 *
 * @param stage 1-based stage number
 * @param weight percent of traffic the candidate had
 * @param verdict the stage's verdict
 * @param score 0..100
 * @param reasons one sentence with numbers per metric that mattered
 */
public record StageSummary(int stage, int weight, Verdict verdict, double score, List<String> reasons) {
    public StageSummary {
        reasons = List.copyOf(reasons);
    }
}
