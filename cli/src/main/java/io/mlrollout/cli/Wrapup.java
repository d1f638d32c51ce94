package io.mlrollout.cli;

import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.signoff.SignOffGate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Ends a command on a rollout: writes the report from the evidence, says where the rollout stands and what to run
 * next, and gives the exit code for it.
 */
final class Wrapup {

    private final PrintWriter out;
    private final Path policy;
    private final Path state;
    private final Path endpoint;
    private final Optional<SealKey> sealKey;

    Wrapup(PrintWriter out, Path policy, Path state, Path endpoint, Optional<SealKey> sealKey) {
        this.out = out;
        this.policy = policy;
        this.state = state;
        this.endpoint = endpoint;
        this.sealKey = sealKey;
    }

    /** A command line with the same files, to tell people what to run next. */
    String commandLine(String command, String extra) {
        return "mlrollout " + command + " --policy " + policy + " --state " + state + " --endpoint " + endpoint
                + (extra.isEmpty() ? "" : " " + extra);
    }

    int report(Session session, RolloutState end) throws IOException {
        EvidenceLog evidence = session.evidence();
        if (end.phase().isResting()) {
            // At rest: the pack's manifest goes into the evidence and a seal closes it, so a file cut short later
            // shows as "not sealed" and the pack as not the one the chain vouches for.
            pack(session, evidence, end);
        }
        Report.EvidenceHead head = Report.EvidenceHead.of(evidence, sealKey);
        session.files.saveState(end, head);
        session.files.writeReport(head, session.policy);
        out.println(LogLines.note("evidence " + session.files.evidence() + ": " + head.describe()));
        out.println(LogLines.note("report " + session.files.reportHtml()));
        if (session.stoppedBySignal()) {
            stopped(end);
            return ExitCodes.INFRASTRUCTURE;
        }
        Phase phase = end.phase();
        switch (phase) {
            case AWAITING_SIGNOFF -> {
                SignOffGate gate = end.gate();
                out.println("Waiting for sign-off: " + gate.purpose() + " (" + gate.approvals()
                        + " approval(s) so far), open until " + Format.moment(gate.expiresAt()) + ".");
                out.println("  approve: " + commandLine("approve", "--user ID [--group GROUP] --comment \"why\""));
                out.println("  reject:  " + commandLine("reject", "--user ID --comment \"why\""));
                out.println("Then run "
                        + commandLine(
                                end.gatePurpose() == RolloutState.GatePurpose.PROMOTION
                                                || end.gatePurpose() == RolloutState.GatePurpose.WATCH
                                        ? "promote"
                                        : "canary",
                                "")
                        + " to go on.");
            }
            case CANARY_PASSED ->
                out.println("The canary passed at " + end.canaryWeight() + "%. Promote with: "
                        + commandLine("promote", ""));
            case PROMOTED ->
                out.println("Promoted: " + end.subject().candidate() + " serves all traffic of "
                        + end.subject().endpoint() + ".");
            case ROLLED_BACK -> out.println("Rolled back: " + LogLines.oneLine(end.reason()));
            case ROLLBACK_FAILED ->
                out.println("ROLLBACK FAILED: " + LogLines.oneLine(end.reason()) + ". The router last reported "
                        + end.canaryWeight()
                        + "% to " + end.subject().candidate() + ". Check the router, then run: "
                        + commandLine("rollback", ""));
            case HALTED -> {
                out.println("Halted: " + LogLines.oneLine(end.reason()));
                if (end.stageIndex() < 0) {
                    // Nothing moved, but the state has ended: running the same command again only repeats this.
                    out.println("Nothing moved, and the rollout in " + state + " has ended. Fix what the reason"
                            + " names, then start again with a new --state (or delete " + state
                            + " and the files beside it).");
                }
            }
            case DRY_RUN_COMPLETE ->
                out.println("Dry run complete: the router and the metrics answered; nothing moved.");
            default -> {
                boolean promoting = phase == Phase.PROMOTING || phase == Phase.WATCHING;
                out.println("Now " + phase.inWords() + "; run " + commandLine(promoting ? "promote" : "canary", "")
                        + " to go on.");
            }
        }
        return ExitCodes.of(end);
    }

    /** Writes the evidence pack; if it cannot be written, the evidence is still sealed and the console says why. */
    private void pack(Session session, EvidenceLog evidence, RolloutState end) throws IOException {
        try {
            PackWriter.write(session, evidence, end.phaseSince(), sealKey)
                    .ifPresent(pack -> out.println(LogLines.note("evidence pack " + pack.file() + ": " + pack.entries()
                            + " entries, manifest sha256 " + pack.manifestSha256())));
        } catch (IOException | RuntimeException e) {
            out.println(LogLines.note(
                    "WARNING: could not write the evidence pack " + session.files.pack() + ": " + e.getMessage()));
        }
        evidence.seal(end.phaseSince(), sealKey);
    }

    /** After Ctrl-C or SIGTERM: where traffic is, and what to run next. */
    private void stopped(RolloutState end) {
        String candidate = end.subject().candidate();
        switch (end.phase()) {
            case ROLLED_BACK -> {
                out.println("Stopped by Ctrl-C or SIGTERM: the rollout was aborted and rolled back, as the policy's"
                        + " rollback.onAbort says. All traffic is on "
                        + end.subject().baseline() + " (0% to "
                        + candidate + ").");
                out.println("To roll out " + candidate + " again, start a new rollout with a new --state.");
            }
            case ROLLBACK_FAILED ->
                out.println("Stopped by Ctrl-C or SIGTERM, and the rollback FAILED: " + LogLines.oneLine(end.reason())
                        + ". Check the router, then run: " + commandLine("rollback", ""));
            default -> {
                boolean promoting = end.phase() == Phase.PROMOTING
                        || end.phase() == Phase.WATCHING
                        || end.gatePurpose() == RolloutState.GatePurpose.PROMOTION
                        || end.gatePurpose() == RolloutState.GatePurpose.WATCH;
                out.println("Stopped by Ctrl-C or SIGTERM: traffic is held at " + end.canaryWeight() + "% to "
                        + candidate + ", as the policy's rollback.onAbort: hold says; nothing watches it until a"
                        + " command runs again.");
                out.println("  resume:    " + commandLine(promoting ? "promote" : "canary", ""));
                out.println("  roll back: " + commandLine("rollback", ""));
            }
        }
    }
}
