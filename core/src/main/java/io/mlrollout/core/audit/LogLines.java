package io.mlrollout.core.audit;

import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.analysis.MetricLook;
import io.mlrollout.core.analysis.SliceLook;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.RoleTally;
import io.mlrollout.core.traffic.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The human form of each event: one line a person can read in a build log, always starting with {@value #PREFIX}.
 * For example {@code [ml-rollout] stage 2/3 (25%) PASS  error-rate 0.41% vs 0.47%  p99-latency 212ms vs 205ms}.
 */
public final class LogLines {

    public static final String PREFIX = "[ml-rollout] ";

    /** What a shadow stage is, said wherever one starts. */
    public static final String SHADOW_NOTE = "mirrored, no user traffic";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private LogLines() {}

    /**
     * The event as a log line, and under a look of a sliced metric one line per slice. Text from outside (a comment, a
     * name, a server's message) is written on its line with its line breaks spelled out, so it cannot start a line of
     * its own: in a build log, every line that starts with {@link #PREFIX} was written here or by {@link #note}.
     */
    public static String format(RolloutEvent event) {
        String line = PREFIX + oneLine(text(event));
        return event instanceof RolloutEvent.Looked e ? line + sliceTables(e.metrics()) : line;
    }

    /** A line that reports no event (a plan's line, a note on a request), kept on one line as events are. */
    public static String note(String text) {
        return PREFIX + oneLine(text);
    }

    /**
     * {@code text} with line breaks, tabs and other control characters written as escapes: a backslash and n, r or t,
     * or a backslash, u and four hex digits.
     */
    public static String oneLine(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean breaksLines = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (breaksLines && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (!breaksLines) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String text(RolloutEvent event) {
        // One branch per event type (Java 17: no type patterns in switch).
        if (event instanceof RolloutEvent.Started e) {
            return "rollout of " + e.candidate() + " on " + e.endpoint()
                    + (e.dryRun() ? " (DRY RUN: no traffic will move)" : "") + ": stages "
                    + e.stages().stream()
                            .map(s -> Stage.label(s.weight(), s.shadow()) + " for " + duration(s.bake())
                                    + (s.signOff() ? " + sign-off" : ""))
                            .collect(Collectors.joining(" → "))
                    + "; metrics " + String.join(", ", e.metrics()) + "; false-rollback budget "
                    + Format.percent(e.falseRollbackRate())
                    + (e.startedBy() == null ? "" : "; started by " + e.startedBy())
                    + (e.template() == null
                            ? ""
                            : "; policy from template " + e.template().describe());
        }
        if (event instanceof RolloutEvent.Inspected e) {
            return "router reports " + split(e.split()) + "; baseline is "
                    + e.split().baseline();
        }
        if (event instanceof RolloutEvent.TrafficShifted e) {
            return (e.stage() > 0 ? "stage " + e.stage() + ": " : "") + "traffic now " + split(e.split());
        }
        if (event instanceof RolloutEvent.ShiftRetry e) {
            return "shift to " + e.targetWeight() + "% did not take (attempt " + e.attempt() + "): " + e.reason()
                    + "; trying again at " + time(e.retryAt());
        }
        if (event instanceof RolloutEvent.StageStarted e) {
            return "stage " + e.stage() + "/" + e.stageCount() + " (" + Stage.label(e.weight(), e.shadow())
                    + (e.shadow() > 0 ? ": " + SHADOW_NOTE : "") + ") baking until " + time(e.bakeEndsAt());
        }
        if (event instanceof RolloutEvent.Looked e) {
            return where(e.stage(), e.weight(), e.shadow()) + " look "
                    + time(e.window().end()) + "  " + metrics(e.metrics());
        }
        if (event instanceof RolloutEvent.StageConcluded e) {
            return "stage " + e.stage() + "/" + e.stageCount() + " (" + Stage.label(e.weight(), e.shadow()) + ") "
                    + e.verdict() + " score " + Format.number(e.score())
                    + (e.reasons().isEmpty() ? "" : "  " + String.join("; ", e.reasons()));
        }
        if (event instanceof RolloutEvent.StageExtended e) {
            return (e.stage() > 0 ? "stage " + e.stage() : "promotion watch") + " extended (" + e.extension()
                    + "), baking until " + time(e.bakeEndsAt());
        }
        if (event instanceof RolloutEvent.GateOpened e) {
            return "SIGN-OFF NEEDED for " + e.purpose() + ": " + e.quorum() + " approval(s)"
                    + (e.approvers().isEmpty() ? "" : " from " + String.join(", ", e.approvers()))
                    + roleQuorums(e.roles()) + ", open until " + Format.moment(e.expiresAt());
        }
        if (event instanceof RolloutEvent.Signed e) {
            // Only an approval is one of the quorum; beside a rejection or an override the count is the gate's so far.
            String count = (e.decision() == Decision.APPROVE ? "" : "approvals ") + e.approvals() + " of " + e.quorum();
            return e.decision().name().toLowerCase(Locale.ROOT) + " by " + e.userId() + " (" + count
                    + (e.roles().isEmpty() ? "" : "; " + e.waitingFor()) + ")"
                    + (e.comment().isBlank() ? ", no comment" : ": \"" + e.comment() + "\"");
        }
        if (event instanceof RolloutEvent.SignatureRefused e) {
            return e.decision().name().toLowerCase(Locale.ROOT) + " by " + e.userId() + " refused: " + e.reason();
        }
        if (event instanceof RolloutEvent.GateSettled e) {
            return "sign-off for " + e.purpose() + " settled: " + e.outcome();
        }
        if (event instanceof RolloutEvent.CanaryPassed e) {
            return "CANARY PASSED at " + e.weight() + "%; traffic stays there until it is promoted or rolled back";
        }
        if (event instanceof RolloutEvent.PromotionStarted e) {
            return "promoting (requested by " + e.by() + ")";
        }
        if (event instanceof RolloutEvent.WatchStarted e) {
            return "watching the promoted candidate until " + time(e.endsAt());
        }
        if (event instanceof RolloutEvent.Promoted e) {
            return "PROMOTED: the candidate serves all traffic";
        }
        if (event instanceof RolloutEvent.RollbackStarted e) {
            return "ROLLING BACK: " + e.reason();
        }
        if (event instanceof RolloutEvent.RolledBack e) {
            return "ROLLED BACK: traffic now " + split(e.split());
        }
        if (event instanceof RolloutEvent.RollbackFailed e) {
            return "ROLLBACK FAILED: " + e.reason() + "; "
                    + (e.lastKnown() == null
                            ? "the router has not reported a split"
                            : "the router last reported " + split(e.lastKnown()))
                    + ". Check the router, then roll back again";
        }
        if (event instanceof RolloutEvent.Halted e) {
            return "HALTED: " + e.reason();
        }
        if (event instanceof RolloutEvent.Aborted e) {
            return "aborted by " + e.by();
        }
        if (event instanceof RolloutEvent.DryRunChecked e) {
            return "dry run: router and metrics checked, nothing moved  " + metrics(e.metrics());
        }
        if (event instanceof RolloutEvent.Ignored e) {
            return e.request() + " ignored: " + e.reason();
        }
        if (event instanceof RolloutEvent.WindowWaiting e) {
            return "waiting for the deployment window before " + e.move() + ": " + e.explanation();
        }
        if (event instanceof RolloutEvent.WindowOpened e) {
            return e.openedBy() == null
                    ? "the deployment window is open: " + e.move() + " goes ahead"
                    : "WINDOW OPENED EARLY by " + e.openedBy() + " for " + e.move() + ": \"" + e.comment() + "\"";
        }
        if (event instanceof RolloutEvent.GateEscalated e) {
            return "ESCALATED: the sign-off for " + e.purpose() + " is unsettled since " + time(e.openedAt())
                    + "; it expires at " + Format.moment(e.expiresAt());
        }
        if (event instanceof RolloutEvent.GateExpiring e) {
            return "the sign-off for " + e.purpose() + " expires at " + Format.moment(e.expiresAt());
        }
        if (event instanceof RolloutEvent.EvidenceAttached e) {
            return "evidence attached: "
                    + (e.attachments().isEmpty()
                            ? "no files"
                            : e.attachments().stream()
                                    .map(a -> a.name() + " (" + a.file() + ", sha256 " + a.sha256() + ")")
                                    .collect(Collectors.joining(", ")))
                    + (e.lineage().isEmpty() ? "" : "; lineage " + e.lineage());
        }
        if (event instanceof RolloutEvent.TierChosen e) {
            return e.summary();
        }
        if (event instanceof RolloutEvent.BaselineLearned e) {
            return "the judge learned how the baseline wanders and drifts from its " + e.longest()
                    + " intervals before the rollout (" + String.join(", ", e.metrics()) + ")";
        }
        if (event instanceof RolloutEvent.PolicyKept e) {
            return "policy kept for the commands that follow: " + e.file() + ", sha256 " + e.sha256();
        }
        if (event instanceof RolloutEvent.PackSealed e) {
            return "evidence pack written: " + e.entries() + " entries, manifest sha256 " + e.manifestSha256();
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    private static String where(int stage, int weight, int shadow) {
        return stage > 0
                ? "stage " + stage + " (" + Stage.label(weight, shadow) + ")"
                : "promotion watch (" + weight + "%)";
    }

    private static String metrics(List<MetricLook> looks) {
        return looks.stream().map(LogLines::metric).collect(Collectors.joining("  "));
    }

    private static String metric(MetricLook look) {
        String numbers = look.baseline() == null
                ? Format.value(look.candidate(), look.unit())
                : Format.value(look.candidate(), look.unit()) + " vs " + Format.value(look.baseline(), look.unit());
        return look.metric() + " " + look.outcome() + " " + (look.candidate() == null ? look.explanation() : numbers);
    }

    /** A sliced metric's table, a line per slice under the look's line. */
    private static String sliceTables(List<MetricLook> looks) {
        StringBuilder table = new StringBuilder();
        for (MetricLook look : looks) {
            for (SliceLook slice : look.slices()) {
                table.append("\n")
                        .append(PREFIX)
                        .append("    ")
                        .append(look.metric())
                        .append(" in ")
                        .append(oneLine(slice.name()))
                        .append(": ")
                        .append(slice.verdict())
                        .append("  ")
                        .append(slice.candidateText(look.unit()))
                        .append(noBaseline(slice) ? "" : " vs " + slice.baselineText(look.unit()))
                        .append("  requests ")
                        .append((long) slice.candidateRequests())
                        .append(noBaseline(slice) ? "" : " / " + (long) slice.baselineRequests());
            }
        }
        return table.toString();
    }

    private static boolean noBaseline(SliceLook slice) {
        return slice.baseline() == null && slice.baselineRequests() == 0;
    }

    private static String split(TrafficSplit split) {
        return split.baseline() + " " + (100 - split.canaryWeight()) + "% / " + split.canary() + " "
                + split.canaryWeight() + "%"
                + (split.mirrorPercent() > 0
                        ? ", " + split.mirrorPercent() + "% of requests mirrored to " + split.canary()
                        : "")
                + (split.ready() ? "" : " (not ready)");
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    static String duration(Duration d) {
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }

    /** E.g. {@code ; by role: risk 1 of (carol, ml-risk), platform 1 of (dave); one role per approver}. */
    static String roleQuorums(List<RoleTally> roles) {
        if (roles.isEmpty()) {
            return "";
        }
        return "; by role: "
                + roles.stream()
                        .map(r -> r.role() + " " + r.quorum() + " of (" + String.join(", ", r.members()) + ")")
                        .collect(java.util.stream.Collectors.joining(", "))
                + "; one role per approver";
    }
}
