package io.mlrollout.core.policy;

import io.mlrollout.core.tier.TierSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /** A policy without facts or tiers. */
    public Policy(
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
            EvidenceSettings evidence) {
        this(
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
                TierSettings.none());
    }

    /** A policy with its schedule, notifications and template, requiring no attachments. */
    public Policy(
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
            List<NotificationSubscription> notifications) {
        this(
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
                EvidenceSettings.none());
    }

    /** A policy written out in full, with no schedule or notifications of its own. */
    public Policy(
            Optional<String> endpoint,
            List<Stage> stages,
            AnalysisSettings analysis,
            List<MetricSpec> metrics,
            Optional<SignOffPolicy> signOff,
            PromoteSettings promote,
            RollbackSettings rollback,
            boolean dryRun,
            EvidenceSettings evidence) {
        this(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                promote,
                rollback,
                dryRun,
                Optional.empty(),
                ScheduleSettings.defaults(),
                List.of(),
                evidence);
    }

    /** A policy written out in full, not made from a template, without a schedule or notifications of its own. */
    public Policy(
            Optional<String> endpoint,
            List<Stage> stages,
            AnalysisSettings analysis,
            List<MetricSpec> metrics,
            Optional<SignOffPolicy> signOff,
            PromoteSettings promote,
            RollbackSettings rollback,
            boolean dryRun) {
        this(endpoint, stages, analysis, metrics, signOff, promote, rollback, dryRun, Optional.empty());
    }

    /** A policy without a schedule or notifications of its own. */
    public Policy(
            Optional<String> endpoint,
            List<Stage> stages,
            AnalysisSettings analysis,
            List<MetricSpec> metrics,
            Optional<SignOffPolicy> signOff,
            PromoteSettings promote,
            RollbackSettings rollback,
            boolean dryRun,
            Optional<TemplateOrigin> template) {
        this(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                promote,
                rollback,
                dryRun,
                template,
                ScheduleSettings.defaults(),
                List.of());
    }

    /** A policy written out in full, not made from a template. */
    public Policy(
            Optional<String> endpoint,
            List<Stage> stages,
            AnalysisSettings analysis,
            List<MetricSpec> metrics,
            Optional<SignOffPolicy> signOff,
            PromoteSettings promote,
            RollbackSettings rollback,
            boolean dryRun,
            ScheduleSettings schedule,
            List<NotificationSubscription> notifications) {
        this(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                promote,
                rollback,
                dryRun,
                Optional.empty(),
                schedule,
                notifications);
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
        return new Policy(
                Optional.of(name),
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

    /** The policy with other stages, e.g. those of the risk tier the facts chose. */
    public Policy withStages(List<Stage> replacing) {
        return new Policy(
                endpoint,
                replacing,
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

    /** The policy with other metrics (the same, with the bounds of the risk tier the facts chose). */
    public Policy withMetrics(List<MetricSpec> replacing) {
        return new Policy(
                endpoint,
                stages,
                analysis,
                replacing,
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

    public Policy withSignOff(Optional<SignOffPolicy> rules) {
        return new Policy(
                endpoint,
                stages,
                analysis,
                metrics,
                rules,
                promote,
                rollback,
                dryRun,
                template,
                schedule,
                notifications,
                evidence,
                tiers);
    }

    /** The policy with every sign-off taken away: for a replay of recorded metrics, where nobody signs. */
    public Policy withoutSignOffs() {
        List<Stage> unsigned = stages.stream()
                .map(s -> new Stage(s.weight(), s.bake(), s.maxBake(), false, s.shadow()))
                .toList();
        PromoteSettings promoteUnsigned = new PromoteSettings(promote.bake(), promote.holdback(), false);
        return new Policy(
                endpoint,
                unsigned,
                analysis,
                metrics,
                Optional.empty(),
                promoteUnsigned,
                rollback,
                dryRun,
                template,
                schedule,
                notifications,
                evidence,
                tiers);
    }

    public Policy withPromote(PromoteSettings settings) {
        return new Policy(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                settings,
                rollback,
                dryRun,
                template,
                schedule,
                notifications,
                evidence,
                tiers);
    }

    public Policy withDryRun(boolean dry) {
        return new Policy(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                promote,
                rollback,
                dry,
                template,
                schedule,
                notifications,
                evidence,
                tiers);
    }

    public Policy withTemplate(TemplateOrigin origin) {
        return new Policy(
                endpoint,
                stages,
                analysis,
                metrics,
                signOff,
                promote,
                rollback,
                dryRun,
                Optional.of(origin),
                schedule,
                notifications,
                evidence,
                tiers);
    }
}
