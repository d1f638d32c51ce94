package io.mlrollout.core.rollout;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.metrics.Window;
import io.mlrollout.core.policy.TemplateOrigin;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.GateTally;
import io.mlrollout.core.signoff.RoleTally;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the engine decides or observes, in order. Events are the audit trail: each becomes one human line in the
 * build log and one hash-chained line in the evidence file, and the report is drawn from them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RolloutEvent.Started.class, name = "started"),
    @JsonSubTypes.Type(value = RolloutEvent.Inspected.class, name = "inspected"),
    @JsonSubTypes.Type(value = RolloutEvent.TrafficShifted.class, name = "traffic-shifted"),
    @JsonSubTypes.Type(value = RolloutEvent.ShiftRetry.class, name = "shift-retry"),
    @JsonSubTypes.Type(value = RolloutEvent.StageStarted.class, name = "stage-started"),
    @JsonSubTypes.Type(value = RolloutEvent.Looked.class, name = "looked"),
    @JsonSubTypes.Type(value = RolloutEvent.StageConcluded.class, name = "stage-concluded"),
    @JsonSubTypes.Type(value = RolloutEvent.StageExtended.class, name = "stage-extended"),
    @JsonSubTypes.Type(value = RolloutEvent.GateOpened.class, name = "gate-opened"),
    @JsonSubTypes.Type(value = RolloutEvent.Signed.class, name = "signed"),
    @JsonSubTypes.Type(value = RolloutEvent.SignatureRefused.class, name = "signature-refused"),
    @JsonSubTypes.Type(value = RolloutEvent.GateSettled.class, name = "gate-settled"),
    @JsonSubTypes.Type(value = RolloutEvent.CanaryPassed.class, name = "canary-passed"),
    @JsonSubTypes.Type(value = RolloutEvent.PromotionStarted.class, name = "promotion-started"),
    @JsonSubTypes.Type(value = RolloutEvent.WatchStarted.class, name = "watch-started"),
    @JsonSubTypes.Type(value = RolloutEvent.Promoted.class, name = "promoted"),
    @JsonSubTypes.Type(value = RolloutEvent.RollbackStarted.class, name = "rollback-started"),
    @JsonSubTypes.Type(value = RolloutEvent.RolledBack.class, name = "rolled-back"),
    @JsonSubTypes.Type(value = RolloutEvent.RollbackFailed.class, name = "rollback-failed"),
    @JsonSubTypes.Type(value = RolloutEvent.Halted.class, name = "halted"),
    @JsonSubTypes.Type(value = RolloutEvent.Aborted.class, name = "aborted"),
    @JsonSubTypes.Type(value = RolloutEvent.DryRunChecked.class, name = "dry-run-checked"),
    @JsonSubTypes.Type(value = RolloutEvent.Ignored.class, name = "ignored"),
    @JsonSubTypes.Type(value = RolloutEvent.WindowWaiting.class, name = "window-waiting"),
    @JsonSubTypes.Type(value = RolloutEvent.WindowOpened.class, name = "window-opened"),
    @JsonSubTypes.Type(value = RolloutEvent.GateEscalated.class, name = "gate-escalated"),
    @JsonSubTypes.Type(value = RolloutEvent.GateExpiring.class, name = "gate-expiring"),
    @JsonSubTypes.Type(value = RolloutEvent.EvidenceAttached.class, name = "evidence-attached"),
    @JsonSubTypes.Type(value = RolloutEvent.PackSealed.class, name = "pack-sealed"),
    @JsonSubTypes.Type(value = RolloutEvent.TierChosen.class, name = "tier-chosen"),
    @JsonSubTypes.Type(value = RolloutEvent.BaselineLearned.class, name = "baseline-learned"),
    @JsonSubTypes.Type(value = RolloutEvent.PolicyKept.class, name = "policy-kept"),
})
public sealed interface RolloutEvent {

    Instant at();

    /** One planned stage, as announced at the start; {@code shadow} is its mirror share, 0 for a canary stage. */
    record PlannedStage(int weight, Duration bake, boolean signOff, int shadow) {
        public PlannedStage(int weight, Duration bake, boolean signOff) {
            this(weight, bake, signOff, 0);
        }
    }

    record Started(
            Instant at,
            String rolloutId,
            String endpoint,
            String candidate,
            String startedBy,
            List<PlannedStage> stages,
            List<String> metrics,
            double falseRollbackRate,
            boolean dryRun,
            TemplateOrigin template)
            implements RolloutEvent {
        public Started {
            stages = List.copyOf(stages);
            metrics = List.copyOf(metrics);
        }
    }

    /** The router's split before anything moved. */
    record Inspected(Instant at, TrafficSplit split) implements RolloutEvent {}

    /** The router reports the split asked for. {@code stage} is 1-based, 0 for promotion and rollback. */
    record TrafficShifted(Instant at, int stage, TrafficSplit split) implements RolloutEvent {}

    /** A shift attempt failed or is not ready yet; it will be asked again. */
    record ShiftRetry(Instant at, int targetWeight, int attempt, String reason, Instant retryAt)
            implements RolloutEvent {}

    /** {@code shadow}, here and below: the share mirrored to the candidate in a shadow stage, else 0. */
    record StageStarted(Instant at, int stage, int stageCount, int weight, Instant bakeEndsAt, int shadow)
            implements RolloutEvent {
        public StageStarted(Instant at, int stage, int stageCount, int weight, Instant bakeEndsAt) {
            this(at, stage, stageCount, weight, bakeEndsAt, 0);
        }
    }

    /** One look at the metrics. {@code stage} is 1-based, 0 while watching a promotion. */
    record Looked(Instant at, int stage, int weight, Window window, List<MetricLook> metrics, int shadow)
            implements RolloutEvent {
        public Looked {
            metrics = List.copyOf(metrics);
        }

        public Looked(Instant at, int stage, int weight, Window window, List<MetricLook> metrics) {
            this(at, stage, weight, window, metrics, 0);
        }
    }

    record StageConcluded(
            Instant at,
            int stage,
            int stageCount,
            int weight,
            Verdict verdict,
            double score,
            List<String> reasons,
            int shadow)
            implements RolloutEvent {
        public StageConcluded {
            reasons = List.copyOf(reasons);
        }

        public StageConcluded(
                Instant at,
                int stage,
                int stageCount,
                int weight,
                Verdict verdict,
                double score,
                List<String> reasons) {
            this(at, stage, stageCount, weight, verdict, score, reasons, 0);
        }
    }

    /** An inconclusive stage bakes once more, as the policy allows. */
    record StageExtended(Instant at, int stage, int extension, Instant bakeEndsAt) implements RolloutEvent {}

    /** @param roles each required role with its holders and quorum; empty when the gate requires no roles */
    record GateOpened(
            Instant at, String purpose, List<String> approvers, int quorum, Instant expiresAt, List<RoleTally> roles)
            implements RolloutEvent {
        public GateOpened {
            approvers = List.copyOf(approvers);
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        public GateOpened(Instant at, String purpose, List<String> approvers, int quorum, Instant expiresAt) {
            this(at, purpose, approvers, quorum, expiresAt, List.of());
        }
    }

    /** @param roles after this signature, who counts for each required role; empty when the gate requires no roles */
    record Signed(
            Instant at,
            String userId,
            Decision decision,
            String comment,
            int approvals,
            int quorum,
            List<RoleTally> roles)
            implements RolloutEvent {
        public Signed {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        public Signed(Instant at, String userId, Decision decision, String comment, int approvals, int quorum) {
            this(at, userId, decision, comment, approvals, quorum, List.of());
        }

        /** E.g. {@code waiting for: risk 0/1, platform 1/1}; empty when the gate requires no roles. */
        public String waitingFor() {
            return new GateTally(approvals, quorum, roles).waitingFor();
        }
    }

    record SignatureRefused(Instant at, String userId, Decision decision, String reason) implements RolloutEvent {}

    /** A gate closed: approved, rejected, overridden or expired. */
    record GateSettled(Instant at, String purpose, String outcome) implements RolloutEvent {}

    record CanaryPassed(Instant at, int weight) implements RolloutEvent {}

    record PromotionStarted(Instant at, String by) implements RolloutEvent {}

    record WatchStarted(Instant at, Instant endsAt) implements RolloutEvent {}

    record Promoted(Instant at) implements RolloutEvent {}

    record RollbackStarted(Instant at, String reason, String by) implements RolloutEvent {}

    record RolledBack(Instant at, TrafficSplit split) implements RolloutEvent {}

    /** The rollback did not take; {@code lastKnown} is the split last reported, or null. */
    record RollbackFailed(Instant at, String reason, TrafficSplit lastKnown) implements RolloutEvent {}

    record Halted(Instant at, String reason) implements RolloutEvent {}

    record Aborted(Instant at, String by) implements RolloutEvent {}

    /** A dry run read the router and every metric once; nothing moved. */
    record DryRunChecked(Instant at, List<MetricLook> metrics) implements RolloutEvent {
        public DryRunChecked {
            metrics = List.copyOf(metrics);
        }
    }

    /** A request that does not apply in the current phase (e.g. promote before the canary passed). */
    record Ignored(Instant at, String request, String reason) implements RolloutEvent {}

    /**
     * A move forward waits for the deployment window.
     *
     * @param move e.g. {@code stage 2/3 (25%)} or {@code promotion to 100%}
     * @param explanation when it opens and why it is closed
     */
    record WindowWaiting(Instant at, String move, String explanation, Instant opensAt) implements RolloutEvent {}

    /**
     * The held move goes ahead.
     *
     * @param openedBy the administrator who opened the window early, or null when it opened on time
     * @param comment the administrator's reason, or null
     */
    record WindowOpened(Instant at, String move, String openedBy, String comment) implements RolloutEvent {}

    /**
     * A gate is still unsettled after {@code signOff.escalateAfter}; the escalation contacts are told.
     *
     * @param roleContacts the escalation contacts of the roles the gate still lacks, from the endpoint's
     *     responsibility matrix (told besides the endpoint's own contacts); empty in events saved before them
     */
    record GateEscalated(Instant at, String purpose, Instant openedAt, Instant expiresAt, List<String> roleContacts)
            implements RolloutEvent {
        public GateEscalated {
            roleContacts = roleContacts == null ? List.of() : List.copyOf(roleContacts);
        }
    }

    /** A gate will expire soon. */
    record GateExpiring(Instant at, String purpose, Instant expiresAt) implements RolloutEvent {}

    /** A file the pipeline attached, as it was when the rollout started. */
    record AttachedFile(String name, String file, String sha256, long size) {}

    /**
     * Recorded right after {@link Started}, before anything moves: the lineage facts the pipeline stated (model and
     * data versions, ...) and the digest of every file it attached, so a later copy can be checked against them.
     */
    record EvidenceAttached(Instant at, Map<String, String> lineage, List<AttachedFile> attachments)
            implements RolloutEvent {
        public EvidenceAttached {
            lineage = Collections.unmodifiableMap(new TreeMap<>(lineage));
            attachments = List.copyOf(attachments);
        }
    }

    /** An evidence pack was written at rest; the chain vouches for its manifest through this digest. */
    record PackSealed(Instant at, String manifestSha256, int entries) implements RolloutEvent {}

    /**
     * Recorded by the command line after {@link Started} (and the attachments and the tier, when there are any), before
     * anything moves: the name and digest of the copy it keeps of the policy file the rollout started with, for the
     * commands that follow and for the pack, so that a policy edited afterwards, the copy included, is refused rather
     * than taken for the policy the rollout announced.
     */
    record PolicyKept(Instant at, String file, String sha256) implements RolloutEvent {}

    /**
     * Recorded after {@link Started} (and {@link TierChosen}, when facts chose a tier) when the pre-flight plan read
     * the baseline's recent intervals, before anything moves: what the judge learned how the baseline wanders and
     * drifts from, per metric, each interval's counts (ratio metrics) or buckets (latency quantiles judged on the
     * histogram's counts), oldest first. With it the evidence holds everything the rollout's verdicts rest on.
     *
     * @param histograms absent in evidence written before latency metrics learned from the history
     */
    record BaselineLearned(
            Instant at, Map<String, List<IntervalCounts>> intervals, Map<String, IntervalBuckets> histograms)
            implements RolloutEvent {
        public BaselineLearned {
            Map<String, List<IntervalCounts>> copied = new LinkedHashMap<>();
            intervals.forEach((metric, counts) -> copied.put(metric, List.copyOf(counts)));
            intervals = Collections.unmodifiableMap(copied);
            histograms = histograms == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
        }

        /** How many intervals the metric with the most has. */
        public int longest() {
            return Math.max(
                    intervals.values().stream().mapToInt(List::size).max().orElse(0),
                    histograms.values().stream()
                            .mapToInt(h -> h.counts().size())
                            .max()
                            .orElse(0));
        }

        /** The metrics learned from, in the order they were read. */
        public List<String> metrics() {
            List<String> metrics = new ArrayList<>(intervals.keySet());
            metrics.addAll(histograms.keySet());
            return List.copyOf(metrics);
        }
    }

    /**
     * One histogram metric's intervals: its finite bucket bounds (the last bucket, {@code le="+Inf"}, has none: JSON
     * has no infinity) and each interval's requests per bucket, not cumulative, one more than the bounds.
     */
    record IntervalBuckets(List<Double> finiteBounds, List<List<Double>> counts) {
        public IntervalBuckets {
            finiteBounds = List.copyOf(finiteBounds);
            counts = counts.stream().map(List::copyOf).toList();
        }
    }

    /** One interval's bad and total counts. */
    record IntervalCounts(double bad, double total) {}

    /**
     * Recorded right after {@link Started}, before anything moves: the tier the stated facts chose and what the
     * endpoint's floors added, as {@code summary} says it ("tier minor: auto-approved by rule tiers[0] on facts {...}").
     */
    record TierChosen(
            Instant at, String tier, String rule, Map<String, String> facts, boolean autoApproved, String summary)
            implements RolloutEvent {
        public TierChosen {
            facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        }
    }
}
