package io.mlrollout.core.analysis;

import java.util.List;
import java.util.Optional;

/**
 * What one look concluded.
 *
 * @param state the judge's evidence after this look
 * @param metrics each metric's outcome and numbers, in policy order
 * @param verdict present when the stage is decided: a failure (at any look), an inconclusive stage (no data for too
 *     long), or any verdict at the end of the bake
 */
public record LookResult(JudgeState state, List<MetricLook> metrics, Optional<StageVerdict> verdict) {
    public LookResult {
        metrics = List.copyOf(metrics);
    }
}
