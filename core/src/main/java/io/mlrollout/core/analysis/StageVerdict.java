package io.mlrollout.core.analysis;

import java.util.List;

/**
 * The judge's decision on a stage.
 *
 * @param verdict pass, fail or inconclusive
 * @param score 0..100, the weighted share of metrics that passed (0 when a critical metric failed)
 * @param reasons sentences with numbers, the failing or undecided metrics first
 */
public record StageVerdict(Verdict verdict, double score, List<String> reasons) {
    public StageVerdict {
        reasons = List.copyOf(reasons);
    }
}
