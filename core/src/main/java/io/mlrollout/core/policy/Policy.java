package io.mlrollout.core.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rollout policy: how traffic moves from the baseline model to a candidate, how the two are judged, who must sign and
 * what happens on failure. Immutable; built by {@link PolicyParser}, which refuses bad input with field paths.
 *
 * @param endpoint the model endpoint, as an administrator configured it; empty when the caller names it instead
 * @param evidence what the rollout must attach for its evidence pack
 */
public record Policy(
        Optional<String> endpoint,
        List<Stage> stages,
        AnalysisSettings analysis,
        List<MetricSpec> metrics,
        Optional<SignOffPolicy> signOff,
        PromoteSettings promote,
        RollbackSettings rollback,
        boolean dryRun,
        EvidenceSettings evidence) {

    public Policy {
        Objects.requireNonNull(endpoint, "endpoint");
        stages = List.copyOf(stages);
        Objects.requireNonNull(analysis, "analysis");
        metrics = List.copyOf(metrics);
        Objects.requireNonNull(signOff, "signOff");
        Objects.requireNonNull(promote, "promote");
        Objects.requireNonNull(rollback, "rollback");
        Objects.requireNonNull(evidence, "evidence");
    }

    public Stage stage(int index) {
        return stages.get(index);
    }

    public int stageCount() {
        return stages.size();
    }

    public Optional<MetricSpec> metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public Policy withEndpoint(String name) {
        return new Policy(Optional.of(name), stages, analysis, metrics, signOff, promote, rollback, dryRun, evidence);
    }

    public Policy withSignOff(Optional<SignOffPolicy> rules) {
        return new Policy(endpoint, stages, analysis, metrics, rules, promote, rollback, dryRun, evidence);
    }

    public Policy withDryRun(boolean dry) {
        return new Policy(endpoint, stages, analysis, metrics, signOff, promote, rollback, dry, evidence);
    }
}
