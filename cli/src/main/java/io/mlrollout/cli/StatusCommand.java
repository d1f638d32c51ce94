package io.mlrollout.cli;

import io.mlrollout.core.analysis.Format;
import io.mlrollout.core.audit.EvidenceVerifier;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.policy.Stage;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutEvent;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.StageSummary;
import io.mlrollout.core.signoff.RoleTally;
import io.mlrollout.core.signoff.SignOffGate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlrollout status}: where the rollout in a state file stands, read-only. */
@Command(
        mixinStandardHelpOptions = true,
        name = "status",
        description = {
            "Prints the rollout's phase, stage, weight, stage verdicts and any open sign-off, read from the state"
                    + " file and its evidence. Changes nothing.",
            "Exit 0 when the state could be read, 2 when it could not."
        })
final class StatusCommand extends CommandBase {

    @Option(names = "--state", required = true, paramLabel = "FILE", description = "the rollout's state file")
    Path state;

    @Option(names = "--policy", paramLabel = "FILE", description = "accepted for symmetry with the other commands")
    Path policy;

    @Option(names = "--endpoint", paramLabel = "FILE", description = "accepted for symmetry with the other commands")
    Path endpoint;

    StatusCommand(Environment env) {
        super(env);
    }

    /**
     * {@code , 20% of requests mirrored to it (shadow stage)} while a shadow stage runs, whose candidate serves no user
     * but is not idle either; empty otherwise.
     */
    private static String mirrored(RolloutState s, List<RolloutEvent.PlannedStage> planned) {
        if (s.phase().isResting() || s.stageIndex() < 0 || s.stageIndex() >= planned.size()) {
            return "";
        }
        int shadow = planned.get(s.stageIndex()).shadow();
        return shadow == 0 ? "" : ", " + shadow + "% of requests mirrored to it (shadow stage)";
    }

    /**
     * How the log names a judged stage: {@code 25%}, or {@code shadow 20%} for a shadow stage, whose candidate served
     * no user (0%); the weight alone when the evidence cannot say which it was.
     */
    private static String label(StageSummary stage, List<RolloutEvent.PlannedStage> planned) {
        if (stage.stage() < 1 || stage.stage() > planned.size()) {
            return stage.weight() + "%";
        }
        RolloutEvent.PlannedStage as = planned.get(stage.stage() - 1);
        return Stage.label(as.weight(), as.shadow());
    }

    /**
     * The evidence's events, or none when a line cannot be read: the state still tells where the rollout stands, and
     * the evidence line says where the file broke.
     */
    private static List<RolloutEvent> eventsIfReadable(RolloutFiles files) {
        try {
            return files.eventsWrittenSoFar();
        } catch (IOException damaged) {
            return List.of();
        }
    }

    @Override
    int run() throws InputException, IOException {
        RolloutFiles files = RolloutFiles.beside(state);
        RolloutState s;
        try {
            s = files.readState().orElseThrow(() -> new InputException("", "--state", "no rollout in " + state));
        } catch (IllegalArgumentException notAState) {
            throw new InputException("", "--state", state + ": " + notAState.getMessage());
        }
        // A command may be appending to the evidence meanwhile: its last line, half written, is left out.
        List<RolloutEvent> events = eventsIfReadable(files);
        List<RolloutEvent.PlannedStage> planned = events.stream()
                .filter(RolloutEvent.Started.class::isInstance)
                .map(e -> ((RolloutEvent.Started) e).stages())
                .findFirst()
                .orElse(List.of());
        int stageCount = planned.size();
        PrintWriter out = out();
        RolloutState.Subject subject = s.subject();
        show(
                out,
                "rollout   " + subject.rolloutId() + ": " + subject.candidate() + " on " + subject.endpoint()
                        + (subject.baseline() == null ? "" : " (baseline " + subject.baseline() + ")") + ", started by "
                        + Optional.ofNullable(subject.startedBy()).orElse("unknown") + " at "
                        + Format.moment(subject.startedAt()));
        show(out, "phase     " + s.phase().inWords() + " since " + Format.moment(s.phaseSince()));
        if (s.stageIndex() >= 0) {
            show(out, "stage     " + (s.stageIndex() + 1) + (stageCount > 0 ? " of " + stageCount : ""));
        }
        show(out, "weight    " + s.canaryWeight() + "% to " + subject.candidate() + mirrored(s, planned));
        if (s.bake() != null && !s.phase().isResting()) {
            show(
                    out,
                    "bake      " + Format.moment(s.bake().startedAt()) + " to "
                            + Format.moment(s.bake().endsAt()) + ", next look at "
                            + Format.moment(s.bake().nextLookAt()));
        }
        for (StageSummary stage : s.stages()) {
            show(
                    out,
                    "verdict   stage " + stage.stage() + " (" + label(stage, planned) + ") " + stage.verdict()
                            + " score " + Math.round(stage.score()));
            stage.reasons().forEach(reason -> show(out, "          - " + reason));
        }
        s.openGate().ifPresent(gate -> {
            show(out, "sign-off  " + gate(gate));
            openGateRoles(events).ifPresent(roles -> show(out, "roles     " + roles));
        });
        for (RolloutEvent event : events) {
            if (event instanceof RolloutEvent.WindowOpened opened && opened.openedBy() != null) {
                show(
                        out,
                        "window    opened early by " + opened.openedBy() + " at " + Format.moment(opened.at()) + " for "
                                + opened.move() + ": \"" + opened.comment() + "\"");
            }
        }
        if (s.phase() == Phase.WAITING_FOR_WINDOW) {
            show(
                    out,
                    "window    waiting since " + Format.moment(s.window().since()) + ": "
                            + s.window().explanation());
        }
        queuedWindowRequest(files).ifPresent(line -> show(out, line));
        if (s.reason() != null) {
            show(out, "reason    " + s.reason());
        }
        if (Files.exists(files.evidence())) {
            EvidenceVerifier.Result chain = EvidenceVerifier.verify(files.evidence());
            show(
                    out,
                    "evidence  " + files.evidence() + ": " + chain.lines() + " lines, "
                            + (chain.intact()
                                    ? "head " + chain.head() + (chain.sealed() ? ", sealed" : ", not sealed")
                                    : "BROKEN at " + chain.problem().orElseThrow()));
            files.recordedHead()
                    .filter(recorded -> chain.intact() && !recorded.head().equals(chain.head()))
                    .ifPresent(recorded -> show(
                            out,
                            "          BUT the state file recorded head " + recorded.head() + " after "
                                    + recorded.lines() + " lines: the evidence was cut or rewritten since"));
        }
        return ExitCodes.OK;
    }

    /**
     * Prints one line of the status. Its user-given parts (ids, comments, reasons) may hold line breaks or terminal
     * escape sequences: written as escapes, they can neither forge a line nor drive the terminal.
     */
    private static void show(PrintWriter out, String line) {
        out.println(LogLines.oneLine(line));
    }

    /** A request of open-window that the process driving the rollout has not taken yet. */
    private static Optional<String> queuedWindowRequest(RolloutFiles files) {
        Path file = files.windowRequest();
        try {
            return WindowRequests.read(file)
                    .map(request -> "          a request to open the window by " + request.by() + " (\""
                            + request.comment() + "\") is queued since " + Format.moment(request.at()) + " in " + file
                            + ", for the process that drives the rollout");
        } catch (IOException unreadable) {
            return Optional.of("          " + file + " is there but is not a request to open the window ("
                    + unreadable.getMessage() + "); the process that drives the rollout discards it");
        }
    }

    private static String gate(SignOffGate gate) {
        List<String> signed = gate.signatures().stream()
                .map(sig -> words(sig.decision().name()) + " by " + sig.userId() + " at " + Format.moment(sig.at())
                        + ": \"" + sig.comment() + "\"")
                .toList();
        return gate.purpose() + ": " + gate.approvals() + " approval(s) so far, open until "
                + Format.moment(gate.expiresAt()) + (signed.isEmpty() ? "" : "; " + String.join("; ", signed));
    }

    /**
     * The open gate's roles as its last event left them, e.g. {@code waiting for: risk 0/1, platform 1/1; risk may be
     * signed by carol, ml-risk}; empty when the gate requires no roles.
     */
    private static Optional<String> openGateRoles(List<RolloutEvent> events) {
        List<RoleTally> roles = List.of();
        for (RolloutEvent event : events) {
            if (event instanceof RolloutEvent.GateOpened opened) {
                roles = opened.roles();
            } else if (event instanceof RolloutEvent.Signed signed) {
                roles = signed.roles();
            }
        }
        if (roles.isEmpty()) {
            return Optional.empty();
        }
        String holders = roles.stream()
                .filter(role -> !role.isMet())
                .map(role -> role.role() + " may be signed by " + String.join(", ", role.members()))
                .collect(Collectors.joining("; "));
        String progress = roles.stream().map(RoleTally::progress).collect(Collectors.joining(", "));
        return Optional.of("waiting for: " + progress + (holders.isEmpty() ? "" : "; " + holders));
    }

    private static String words(String constant) {
        return constant.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
