package io.mlrollout.core.policy;

import io.mlrollout.core.tier.TierSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A rollout policy: how traffic moves from the baseline model to a candidate, how the two are judged, who must sign and
 * what happens on failure. Immutable; built by {@link PolicyParser}, which refuses bad input with field paths.
 *
 * @param endpoint the model endpoint, as an administrator configured it; empty when the caller names it instead
 * @param template the shared template the policy was made from; empty for a policy written out in full
 * @param schedule the policy's deployment windows and freezes, on top of the endpoint's, and what to do outside them
 * @param notifications events the policy adds to the endpoint's notification sinks
 * @param evidence what the rollout must attach for its evidence pack
 * @param tiers the facts the pipeline states and the tiers they choose, which decide the sign-offs (and may replace
 *     the stages and bounds) at the start
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
        Optional<TemplateOrigin> template,
        ScheduleSettings schedule,
        List<NotificationSubscription> notifications,
        EvidenceSettings evidence,
        TierSettings tiers) {

    public Policy {
        Objects.requireNonNull(endpoint, "endpoint");
        stages = List.copyOf(stages);
        Objects.requireNonNull(analysis, "analysis");
        metrics = List.copyOf(metrics);
        Objects.requireNonNull(signOff, "signOff");
        Objects.requireNonNull(promote, "promote");
        Objects.requireNonNull(rollback, "rollback");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(schedule, "schedule");
        notifications = List.copyOf(notifications);
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(tiers, "tiers");
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
        return edited(draft -> draft.endpoint = Optional.of(name));
    }

    /** The policy with other stages, e.g. those of the risk tier the facts chose. */
    public Policy withStages(List<Stage> replacing) {
        return edited(draft -> draft.stages = replacing);
    }

    /** The policy with other metrics (the same, with the bounds of the risk tier the facts chose). */
    public Policy withMetrics(List<MetricSpec> replacing) {
        return edited(draft -> draft.metrics = replacing);
    }

    public Policy withSignOff(Optional<SignOffPolicy> rules) {
        return edited(draft -> draft.signOff = rules);
    }

    /** The policy with every sign-off taken away: for a replay of recorded metrics, where nobody signs. */
    public Policy withoutSignOffs() {
        return edited(draft -> {
            draft.stages = stages.stream()
                    .map(s -> new Stage(s.weight(), s.bake(), s.maxBake(), false, s.shadow()))
                    .toList();
            draft.signOff = Optional.empty();
            draft.promote = new PromoteSettings(promote.bake(), promote.holdback(), false);
        });
    }

    public Policy withPromote(PromoteSettings settings) {
        return edited(draft -> draft.promote = settings);
    }

    public Policy withDryRun(boolean dry) {
        return edited(draft -> draft.dryRun = dry);
    }

    public Policy withTemplate(TemplateOrigin origin) {
        return edited(draft -> draft.template = Optional.of(origin));
    }

    private Policy edited(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.policy();
    }

    /** This policy's components, for a wither to change some and build the new policy from all. */
    private static final class Draft {
        Optional<String> endpoint;
        List<Stage> stages;
        AnalysisSettings analysis;
        List<MetricSpec> metrics;
        Optional<SignOffPolicy> signOff;
        PromoteSettings promote;
        RollbackSettings rollback;
        boolean dryRun;
        Optional<TemplateOrigin> template;
        ScheduleSettings schedule;
        List<NotificationSubscription> notifications;
        EvidenceSettings evidence;
        TierSettings tiers;

        Draft(Policy from) {
            endpoint = from.endpoint;
            stages = from.stages;
            analysis = from.analysis;
            metrics = from.metrics;
            signOff = from.signOff;
            promote = from.promote;
            rollback = from.rollback;
            dryRun = from.dryRun;
            template = from.template;
            schedule = from.schedule;
            notifications = from.notifications;
            evidence = from.evidence;
            tiers = from.tiers;
        }

        Policy policy() {
            return new Policy(
                    endpoint,
                    stages,
                    analysis,
                    metrics,
                    signOff,
                    promote,
                    rollback,
                    dryRun,
                    template,
                    schedule,
                    notifications,
                    evidence,
                    tiers);
        }
    }
}
