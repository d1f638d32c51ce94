package io.mlrollout.core.audit;

import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.Verdict;
import io.mlrollout.core.policy.TemplateOrigin;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.RoleTally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Folds events, in order, into a {@link Report}. Feed it every event of one rollout; take a report at any time. */
public final class ReportBuilder {

    private String rolloutId;
    private String endpoint;
    private String candidate;
    private String baseline;
    private String startedBy;
    private Instant startedAt;
    private Instant updatedAt;
    private boolean dryRun;
    private double falseRollbackRate;
    private TemplateOrigin template;
    private String tier;
    private String outcome = "starting";
    private String reason;
    private final List<Report.StageRow> stages = new ArrayList<>();
    private final List<Report.TrafficPoint> traffic = new ArrayList<>();
    private final Map<String, String> units = new LinkedHashMap<>();
    private final Map<String, List<Report.MetricPoint>> points = new LinkedHashMap<>();
    private final List<Report.GateRow> gates = new ArrayList<>();
    private final List<Report.SignatureRow> signatures = new ArrayList<>();
    /** The open gate's roles, as the last signature left them. */
    private List<RoleTally> gateRoles = List.of();

    private final List<String> log = new ArrayList<>();

    public static Report of(List<RolloutEvent> events) {
        ReportBuilder builder = new ReportBuilder();
        events.forEach(builder::accept);
        return builder.report();
    }

    public synchronized void accept(RolloutEvent event) {
        updatedAt = event.at();
        // the build log has its own clock (Jenkins' timestamps); the report's copy says when each line happened
        log.add(HtmlReport.TIME.format(event.at()) + "  " + LogLines.format(event));
        if (event instanceof RolloutEvent.Started e) {
            rolloutId = e.rolloutId();
            endpoint = e.endpoint();
            candidate = e.candidate();
            startedBy = e.startedBy();
            startedAt = e.at();
            dryRun = e.dryRun();
            falseRollbackRate = e.falseRollbackRate();
            template = e.template();
            e.metrics().forEach(m -> points.put(m, new ArrayList<>()));
            for (int i = 0; i < e.stages().size(); i++) {
                RolloutEvent.PlannedStage s = e.stages().get(i);
                stages.add(new Report.StageRow(
                        i + 1, s.weight(), s.bake(), s.signOff(), null, null, null, List.of(), s.shadow()));
            }
            outcome = e.dryRun() ? "dry run" : "starting";
        } else if (event instanceof RolloutEvent.Inspected e) {
            baseline = e.split().baseline();
            traffic.add(new Report.TrafficPoint(e.at(), e.split().canaryWeight()));
        } else if (event instanceof RolloutEvent.TrafficShifted e) {
            traffic.add(new Report.TrafficPoint(e.at(), e.split().canaryWeight()));
        } else if (event instanceof RolloutEvent.RolledBack e) {
            traffic.add(new Report.TrafficPoint(e.at(), e.split().canaryWeight()));
            outcome = "rolled back";
        } else if (event instanceof RolloutEvent.StageStarted e) {
            updateStage(
                    e.stage(),
                    row -> new Report.StageRow(
                            row.stage(),
                            row.weight(),
                            row.bake(),
                            row.signOff(),
                            e.at(),
                            null,
                            null,
                            List.of(),
                            row.shadow()));
            outcome = "stage " + e.stage() + " of " + e.stageCount();
        } else if (event instanceof RolloutEvent.StageConcluded e) {
            updateStage(
                    e.stage(),
                    row -> new Report.StageRow(
                            row.stage(),
                            row.weight(),
                            row.bake(),
                            row.signOff(),
                            row.startedAt(),
                            e.verdict(),
                            e.score(),
                            e.reasons(),
                            row.shadow()));
        } else if (event instanceof RolloutEvent.Looked e) {
            for (MetricLook look : e.metrics()) {
                units.putIfAbsent(look.metric(), look.unit());
                points.computeIfAbsent(look.metric(), m -> new ArrayList<>())
                        .add(new Report.MetricPoint(
                                e.window().end(),
                                e.stage(),
                                look.candidate(),
                                look.baseline(),
                                look.outcome(),
                                look.explanation(),
                                look.slices()));
            }
        } else if (event instanceof RolloutEvent.GateOpened e) {
            closeGate("superseded");
            gateRoles = e.roles();
            gates.add(new Report.GateRow(
                    e.purpose(), e.at(), e.expiresAt(), e.approvers(), e.quorum(), List.of(), null, gateRoles));
            outcome = "awaiting sign-off";
        } else if (event instanceof RolloutEvent.Signed e) {
            gateRoles = e.roles();
            signatures.add(new Report.SignatureRow(
                    e.at(), e.userId(), lower(e.decision().name()), e.comment(), true));
        } else if (event instanceof RolloutEvent.SignatureRefused e) {
            signatures.add(new Report.SignatureRow(
                    e.at(), e.userId(), lower(e.decision().name()), e.reason(), false));
        } else if (event instanceof RolloutEvent.GateSettled e) {
            closeGate(e.outcome());
        } else if (event instanceof RolloutEvent.CanaryPassed e) {
            outcome = "canary passed";
        } else if (event instanceof RolloutEvent.PromotionStarted e) {
            outcome = "promoting";
        } else if (event instanceof RolloutEvent.WatchStarted e) {
            outcome = "watching the promotion";
            stages.add(new Report.StageRow(
                    0, 100, Duration.between(e.at(), e.endsAt()), false, e.at(), null, null, List.of()));
        } else if (event instanceof RolloutEvent.Promoted e) {
            outcome = "promoted";
            concludeWatch(Verdict.PASS, "the promoted candidate held through the watch");
        } else if (event instanceof RolloutEvent.RollbackStarted e) {
            if (outcome.equals("watching the promotion")) {
                concludeWatch(Verdict.FAIL, e.reason());
            }
            outcome = "rolling back";
            reason = e.reason();
        } else if (event instanceof RolloutEvent.RollbackFailed e) {
            outcome = "rollback failed";
            reason = e.reason();
        } else if (event instanceof RolloutEvent.Halted e) {
            outcome = "halted";
            reason = e.reason();
        } else if (event instanceof RolloutEvent.DryRunChecked e) {
            outcome = "dry run complete";
        } else if (event instanceof RolloutEvent.TierChosen e) {
            tier = e.summary();
        } else if (event instanceof RolloutEvent.WindowWaiting e) {
            outcome = "waiting for the deployment window before " + e.move();
        } else if (event instanceof RolloutEvent.WindowOpened e) {
            outcome = e.openedBy() == null
                    ? "the deployment window is open"
                    : "deployment window opened early by " + e.openedBy();
        }
    }

    public synchronized Report report() {
        List<Report.GateRow> allGates = new ArrayList<>(gates);
        if (!allGates.isEmpty() && allGates.get(allGates.size() - 1).settlement() == null) {
            Report.GateRow open = allGates.remove(allGates.size() - 1);
            allGates.add(withSignatures(open, open.settlement()));
        }
        List<Report.MetricSeries> series = new ArrayList<>();
        points.forEach((metric, list) ->
                series.add(new Report.MetricSeries(metric, units.getOrDefault(metric, ""), list, null)));
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
                series,
                allGates,
                log,
                null,
                template,
                tier);
    }

    /** The watch after promotion, a row of its own (stage 0) once it started. */
    private void concludeWatch(Verdict verdict, String why) {
        for (int i = 0; i < stages.size(); i++) {
            Report.StageRow row = stages.get(i);
            if (row.stage() == 0) {
                stages.set(
                        i,
                        new Report.StageRow(
                                0, row.weight(), row.bake(), false, row.startedAt(), verdict, null, List.of(why)));
            }
        }
    }

    private void updateStage(int stage, java.util.function.UnaryOperator<Report.StageRow> change) {
        if (stage >= 1 && stage <= stages.size()) {
            stages.set(stage - 1, change.apply(stages.get(stage - 1)));
        }
    }

    /** Attaches the signatures gathered so far to the last gate and, when given, its settlement. */
    private void closeGate(String settlement) {
        if (gates.isEmpty() || gates.get(gates.size() - 1).settlement() != null) {
            return;
        }
        Report.GateRow open = gates.remove(gates.size() - 1);
        gates.add(withSignatures(open, settlement));
        if (settlement != null) {
            signatures.clear();
        }
    }

    private Report.GateRow withSignatures(Report.GateRow gate, String settlement) {
        return new Report.GateRow(
                gate.purpose(),
                gate.openedAt(),
                gate.expiresAt(),
                gate.approvers(),
                gate.quorum(),
                List.copyOf(signatures),
                settlement,
                gateRoles);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
