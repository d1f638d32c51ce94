package io.mlrollout.core.audit;

import io.mlrollout.core.analysis.Outcome;
import io.mlrollout.core.analysis.SliceLook;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.policy.MetricSpec;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.policy.TemplateOrigin;
import io.mlrollout.core.signoff.RoleTally;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What the human report shows, drawn from the events alone (so it can be rebuilt from the evidence file). Written as
 * JSON beside the evidence, and rendered as HTML with charts by {@link HtmlReport}.
 *
 * @param outcome the last state people should know: "rolling back", "promoted", "canary passed", …
 * @param reason why it came to rest, when it did for a reason
 * @param evidence the evidence file's state when the report was written, or null when the writer did not say
 * @param template the shared template the policy was made from, or null for a policy written out in full
 * @param log the rollout's log lines as the build log has them, each after the UTC time of its event
 * @param tier the risk tier the stated facts chose, as the {@code tier-chosen} event says it, or null without facts
 */
public record Report(
        String rolloutId,
        String endpoint,
        String candidate,
        String baseline,
        String startedBy,
        Instant startedAt,
        Instant updatedAt,
        boolean dryRun,
        double falseRollbackRate,
        String outcome,
        String reason,
        List<StageRow> stages,
        List<TrafficPoint> traffic,
        List<MetricSeries> metrics,
        List<GateRow> gates,
        List<String> log,
        EvidenceHead evidence,
        TemplateOrigin template,
        String tier) {

    public Report {
        stages = List.copyOf(stages);
        traffic = List.copyOf(traffic);
        metrics = List.copyOf(metrics);
        gates = List.copyOf(gates);
        log = List.copyOf(log);
    }

    /** The same report, stating the evidence file it was drawn from (its lines, head and seal). */
    public Report withEvidence(EvidenceHead head) {
        return new Report(
                rolloutId,
                endpoint,
                candidate,
                baseline,
                startedBy,
                startedAt,
                updatedAt,
                dryRun,
                falseRollbackRate,
                outcome,
                reason,
                stages,
                traffic,
                metrics,
                gates,
                log,
                head,
                template,
                tier);
    }

    /**
     * Where an evidence file stood: quote the head to prove later that nothing was cut off or rewritten.
     *
     * @param lines its line count
     * @param head the last line's hash
     * @param sealed whether its last line is a seal
     * @param keyFingerprint the fingerprint of the key that made that seal, or null
     */
    public record EvidenceHead(long lines, String head, boolean sealed, String keyFingerprint) {
        /** Where {@code log} stands now. */
        public static EvidenceHead of(EvidenceLog log, java.util.Optional<SealKey> key) {
            return new EvidenceHead(
                    log.lines(),
                    log.head(),
                    log.sealed(),
                    log.sealed() ? key.map(SealKey::fingerprint).orElse(null) : null);
        }

        /** One line for a log or a console, e.g. {@code 42 lines, head 3f…, sealed}. */
        public String describe() {
            return lines + " lines, head " + head + ", "
                    + (sealed
                            ? "sealed" + (keyFingerprint == null ? "" : " with key " + keyFingerprint)
                            : "not sealed");
        }
    }

    /**
     * A planned stage and, once it ran, how it went; stage 0 is the watch after promotion.
     *
     * @param startedAt null until the stage started
     * @param verdict null until it was judged
     * @param shadow the share mirrored to the candidate in a shadow stage, else 0
     */
    public record StageRow(
            int stage,
            int weight,
            Duration bake,
            boolean signOff,
            Instant startedAt,
            Verdict verdict,
            Double score,
            List<String> reasons,
            int shadow) {
        public StageRow {
            reasons = List.copyOf(reasons);
        }

        /** A canary stage's row, or the watch's. */
        public StageRow(
                int stage,
                int weight,
                Duration bake,
                boolean signOff,
                Instant startedAt,
                Verdict verdict,
                Double score,
                List<String> reasons) {
            this(stage, weight, bake, signOff, startedAt, verdict, score, reasons, 0);
        }

        /** How the stage is named: {@code 25%}, or {@code shadow 20%}. */
        public String label() {
            return Stage.label(weight, shadow);
        }
    }

    /** The candidate's share of traffic from {@code at} on. */
    public record TrafficPoint(Instant at, int canaryWeight) {}

    /**
     * One metric's looks over time.
     *
     * @param limits what the policy allows, to draw beside the looks; null when the report's writer did not say
     */
    public record MetricSeries(String metric, String unit, List<MetricPoint> points, Limits limits) {
        public MetricSeries {
            points = List.copyOf(points);
        }
    }

    /**
     * A metric's bounds from the policy, in the unit of its looks (fractions for ratios, milliseconds for latency, the
     * index for drift). Any may be null.
     *
     * @param max the highest value allowed ({@code max}, or {@code maxPsi} for a distribution)
     * @param min the lowest value allowed
     * @param maxIncrease the candidate may be at most this fraction above the baseline
     * @param maxDecrease the candidate may be at most this fraction below the baseline
     */
    public record Limits(Double max, Double min, Double maxIncrease, Double maxDecrease) {
        public static Limits of(MetricSpec spec) {
            OptionalDouble max = spec.kind() == MetricSpec.Kind.DISTRIBUTION ? spec.maxPsi() : spec.max();
            return new Limits(boxed(max), boxed(spec.min()), boxed(spec.maxIncrease()), boxed(spec.maxDecrease()));
        }

        private static Double boxed(OptionalDouble value) {
            return value.isPresent() ? value.getAsDouble() : null;
        }
    }

    /** The same report with each metric's bounds from {@code specs}, so the charts can draw what is allowed. */
    public Report withLimits(List<MetricSpec> specs) {
        List<MetricSeries> drawn = metrics.stream()
                .map(series -> specs.stream()
                        .filter(spec -> spec.name().equals(series.metric()))
                        .findFirst()
                        .map(spec -> new MetricSeries(series.metric(), series.unit(), series.points(), Limits.of(spec)))
                        .orElse(series))
                .toList();
        return new Report(
                rolloutId,
                endpoint,
                candidate,
                baseline,
                startedBy,
                startedAt,
                updatedAt,
                dryRun,
                falseRollbackRate,
                outcome,
                reason,
                stages,
                traffic,
                drawn,
                gates,
                log,
                evidence,
                template,
                tier);
    }

    /** Whether the rollout has come to rest: stages it did not start then were never reached. */
    public boolean finished() {
        return List.of("rolled back", "promoted", "halted", "rollback failed", "dry run complete", "canary passed")
                .contains(outcome);
    }

    /**
     * @param stage 1-based stage, 0 while watching a promotion
     * @param candidate null without data
     * @param baseline null without data (or the reference after promotion)
     */
    public record MetricPoint(
            Instant at,
            int stage,
            Double candidate,
            Double baseline,
            Outcome outcome,
            String explanation,
            List<SliceLook> slices) {

        public MetricPoint {
            slices = slices == null ? List.of() : List.copyOf(slices);
        }
    }

    /**
     * A sign-off gate and what people did with it.
     *
     * @param roles the roles the gate required, with who counted for each by the last signature
     */
    public record GateRow(
            String purpose,
            Instant openedAt,
            Instant expiresAt,
            List<String> approvers,
            int quorum,
            List<SignatureRow> signatures,
            String settlement,
            List<RoleTally> roles) {
        public GateRow {
            approvers = List.copyOf(approvers);
            signatures = List.copyOf(signatures);
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /** @param accepted false for a refused attempt (kept: it is part of the record) */
    public record SignatureRow(Instant at, String userId, String decision, String comment, boolean accepted) {}
}
