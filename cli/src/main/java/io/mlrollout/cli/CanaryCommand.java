package io.mlrollout.cli;

import io.mlrollout.core.analysis.BaselineHistory;
import io.mlrollout.core.analysis.PreflightPlan;
import io.mlrollout.core.audit.Attachment;
import io.mlrollout.core.audit.Attachments;
import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.QueryPlaceholders;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.ShadowStages;
import io.mlrollout.core.tier.TierRecording;
import io.mlrollout.core.traffic.TrafficException;
import io.mlrollout.core.traffic.TrafficRouter;
import io.mlrollout.core.traffic.TrafficSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mlrollout canary}: starts a rollout, or resumes the one in the state file, and runs it in real time. */
@Command(
        mixinStandardHelpOptions = true,
        name = "canary",
        description = {
            "Starts a canary rollout, or resumes the one in the state file, and runs it in real time until the canary"
                    + " passes (exit 0), rolls back (1) or waits for a sign-off (4).",
            "The state is saved after every step; run the same command again to resume where it stopped."
        })
final class CanaryCommand extends StatefulCommand {

    @Option(
            names = "--candidate",
            paramLabel = "VERSION",
            description = "the version to roll out; required to start, checked when resuming")
    String candidate;

    @Option(
            names = "--started-by",
            paramLabel = "USER",
            description = "who starts the rollout (self-approval rule); default: the CI's actor, else $USER")
    String startedBy;

    @Option(names = "--rollout-id", paramLabel = "ID", description = "an id for the rollout; default: the CI's run id")
    String rolloutId;

    @Option(
            names = "--template",
            paramLabel = "FILE",
            description = "a shared policy template (name, version, body) instead of --policy; the policy it makes is"
                    + " kept beside the state file, for the commands that follow")
    Path template;

    @Option(
            names = "--param",
            paramLabel = "NAME=VALUE",
            description = "a template parameter, e.g. --param errorBudget=20%%; repeat for each")
    List<String> paramArgs = new ArrayList<>();

    /** The parameters by name, read from {@link #paramArgs} by {@link #checkInputs}. */
    private final Map<String, String> params = new LinkedHashMap<>();

    @Option(
            names = EvidenceInputs.ATTACH,
            paramLabel = "NAME=FILE",
            description = "a file for the evidence pack, e.g. fairness=reports/fairness.html (repeatable); read and"
                    + " recorded by its SHA-256 when the rollout starts")
    List<String> attach = new ArrayList<>();

    @Option(
            names = "--lineage",
            paramLabel = "KEY=VALUE",
            description = "a lineage fact for the evidence, e.g. model=fraud-v2 or data=2026-11-01 (repeatable)")
    List<String> lineage = new ArrayList<>();

    @Mixin
    FactOptions facts = new FactOptions();

    CanaryCommand(Environment env) {
        super(env);
    }

    /** Exactly one of --policy and --template; --param only with a template. */
    @Override
    void checkInputs() throws InputException {
        if (template != null && policy != null) {
            throw new InputException("", "--template", "give --policy or --template, not both");
        }
        if (startedBy != null) {
            Inputs.requirePerson("--started-by", startedBy, "who starts the rollout");
        }
        readParams();
        if (template == null && !params.isEmpty()) {
            throw new InputException("", "--param", "parameters need a --template");
        }
        if (template != null) {
            // Beside the state file, for the commands that follow: rollout.json keeps it in rollout.policy.json.
            Path evidence = RolloutFiles.beside(state).evidence();
            String name = evidence.getFileName().toString();
            policy = evidence.resolveSibling(
                    name.substring(0, name.length() - "evidence.jsonl".length()) + "policy.json");
        }
        super.checkInputs();
    }

    /**
     * Each {@code NAME=VALUE} once: as a map option, a name given twice silently took its last value, and the rollout
     * ran with one the person may not have meant.
     */
    private void readParams() throws InputException {
        params.clear();
        for (String arg : paramArgs) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new InputException("", "--param", "expected NAME=VALUE, got '" + arg + "'");
            }
            String name = arg.substring(0, equals);
            String value = arg.substring(equals + 1);
            String first = params.putIfAbsent(name, value);
            if (first != null) {
                throw new InputException(
                        "",
                        "--param",
                        name + " is given twice (" + first + ", " + value + "); give each parameter once");
            }
        }
    }

    /** The session under the policy given, or the one the template makes (written where the next commands read it). */
    private Session open() throws InputException, IOException {
        if (template == null) {
            return Session.open(Inputs.policy(policy), policy, endpoint, state, err(), facts.stated());
        }
        PolicyTemplate.ResolvedTemplate resolved = Inputs.resolve(Inputs.template(template), template, params);
        if (Files.exists(state)
                && Files.exists(policy)
                && !Files.readString(policy, StandardCharsets.UTF_8).equals(resolved.policyText())) {
            // A rollout under way keeps the policy it started with: the template may have been edited since.
            throw new InputException(
                    "",
                    "--template",
                    "the rollout in " + state + " started with the policy kept in " + policy + ", and " + template
                            + " now makes another with these parameters, from "
                            + resolved.policy().template().orElseThrow().describe() + "; go on with --policy "
                            + policy + ", or start a new rollout with a new state file");
        }
        Files.createDirectories(policy.toAbsolutePath().getParent());
        Files.writeString(policy, resolved.policyText(), StandardCharsets.UTF_8);
        out().println(LogLines.note("the policy from template "
                + resolved.policy().template().orElseThrow().describe() + " is kept in " + policy));
        return Session.open(resolved.policy(), policy, endpoint, state, err(), facts.stated());
    }

    /**
     * One rollout per endpoint, also across state files and machines: a router that already sends traffic to another
     * candidate is another rollout under way (or a promotion not yet made the baseline). Starting would take over its
     * canary slot, and either rollout's rollback would then remove both.
     */
    private void requireNoOtherCandidate(TrafficRouter router, String endpointName) throws InputException {
        TrafficSplit now;
        try {
            now = router.current();
        } catch (TrafficException unreadable) {
            return; // the rollout's own first read fails the same way, and halts saying nothing moved
        }
        // A mirror is traffic too: another rollout's shadow stage copies requests to its candidate.
        if ((now.canaryWeight() > 0 || now.mirrorPercent() > 0) && !now.canary().equals(candidate)) {
            String sends = now.canaryWeight() > 0
                    ? "sends " + now.canaryWeight() + "% to "
                    : "mirrors " + now.mirrorPercent() + "% to ";
            throw new InputException(
                    "",
                    "--candidate",
                    "the router of '" + endpointName + "' (" + router.describe() + ") already " + sends
                            + now.canary() + ", not to " + candidate
                            + ": another rollout is under way on this endpoint. Let it finish, or roll it back first:"
                            + "\n  mlrollout rollback --policy ITS_POLICY --state ITS_STATE --endpoint " + endpoint
                            + "\n  (or, without its state file: mlrollout rollback --endpoint " + endpoint
                            + ", which sets the router to 0% to " + now.canary() + ")");
        }
    }

    /** A shadow stage on a router that cannot mirror is bad input, refused before anything moves. */
    private static void requireMirroring(Session session, TrafficRouter router) throws InputException {
        try {
            ShadowStages.requireMirroring(session.policy, router);
        } catch (PolicyException refused) {
            throw new InputException(
                    session.policyFile.toString(),
                    Inputs.writtenAt(session.tier, refused).errors().stream()
                            .map(InputError::from)
                            .toList());
        }
    }

    /**
     * Prints the pre-flight plan as the rollout's first lines, and returns what it read of the baseline for the judge
     * to learn from; empty when the policy refuses to start on it. A plan that cannot be read is a warning: the
     * rollout's own reads decide.
     */
    private Optional<BaselineHistory> plan(
            Session session, TrafficRouter router, MetricsSource metrics, RolloutTime time) {
        String baseline;
        try {
            baseline = router.current().baseline();
        } catch (TrafficException unreadable) {
            out().println(LogLines.note("plan: WARNING: the router could not be read (" + unreadable.getMessage()
                    + "), so there is no plan; the rollout goes on and its own reads decide"));
            return Optional.of(BaselineHistory.none());
        }
        PreflightPlan.Result plan = PreflightPlan.plan(
                session.engine.policy(),
                metrics,
                session.endpoint.name(),
                baseline,
                time.clock().instant());
        plan.lines().forEach(line -> out().println(LogLines.note(line)));
        out().flush();
        return plan.refused() ? Optional.empty() : Optional.of(plan.history());
    }

    @Override
    int run() throws InputException, IOException, InterruptedException {
        try (Session session = open()) {
            Optional<RolloutState> saved = session.state();
            if (saved.isEmpty() && (candidate == null || candidate.isBlank())) {
                throw new InputException(
                        "", "--candidate", "is required to start a rollout (there is none in " + state + " yet)");
            }
            if (saved.isEmpty()) {
                Optional<String> unsafe = QueryPlaceholders.valueProblem(candidate);
                if (unsafe.isPresent()) {
                    throw new InputException("", "--candidate", unsafe.get());
                }
            }
            if (saved.isPresent()
                    && candidate != null
                    && !saved.get().subject().candidate().equals(candidate)) {
                throw new InputException(
                        "",
                        "--candidate",
                        state + " holds the rollout of " + saved.get().subject().candidate() + ", not of " + candidate
                                + "; use a new state file for a new rollout");
            }
            boolean stated = facts.given();
            if (saved.isPresent() && !(attach.isEmpty() && lineage.isEmpty() && !stated)) {
                throw new InputException(
                        "",
                        stated ? "--fact" : attach.isEmpty() ? "--lineage" : EvidenceInputs.ATTACH,
                        "is recorded when a rollout starts, and the rollout in " + state + " has started already");
            }
            List<InputError> repeated = new ArrayList<>();
            Map<String, String> attached = NameValueOption.read(attach, EvidenceInputs.ATTACH, repeated);
            Map<String, String> lineageFacts = NameValueOption.read(lineage, "--lineage", repeated);
            if (!repeated.isEmpty()) {
                throw new InputException("", repeated);
            }
            List<Attachment> attachments =
                    saved.isEmpty() ? EvidenceInputs.read(attached, session.policy.evidence()) : List.of();
            if (saved.isPresent() && saved.get().phase().isResting()) {
                out().println(LogLines.note("the rollout in " + state + " has already ended"));
                return finish(session, saved.get());
            }
            TrafficRouter router = Connectors.router(session.endpoint, env, endpoint.toString());
            MetricsSource metrics = Connectors.metrics(session.endpoint, env, endpoint.toString());
            RolloutState end;
            try (RolloutTime time = env.time().get()) {
                FileRecorder recorder = new FileRecorder(session.files);
                RolloutDriver.Listener listener = session.listener(recorder, out(), time, env);
                if (saved.isPresent()) {
                    out().println(LogLines.note(
                            "resuming the rollout of " + saved.get().subject().candidate() + " from " + state));
                    end = session.resume(
                            saved.get(),
                            router,
                            metrics,
                            time,
                            listener,
                            Session::restingOrAwaitingSignOff,
                            env.actor());
                } else {
                    requireMirroring(session, router);
                    requireNoOtherCandidate(router, session.endpoint.name());
                    Optional<BaselineHistory> history = plan(session, router, metrics, time);
                    if (history.isEmpty()) {
                        return ExitCodes.FAILED;
                    }
                    if (!attachments.isEmpty() || !lineageFacts.isEmpty()) {
                        Attachments.store(session.files.attachments(), attachments);
                        listener = Attachments.recordedAfterStart(listener, lineageFacts, attachments);
                    }
                    listener = TierRecording.recordedAfterStart(listener, session.tier);
                    // outermost, so its event follows the attachments' and the tier's, which come right after the start
                    listener = session.keepPolicyAtStart(listener);
                    RolloutDriver driver = RolloutDriver.start(
                            session.engine,
                            router,
                            metrics,
                            time.clock(),
                            time.scheduler(),
                            listener,
                            rolloutId != null
                                    ? rolloutId
                                    : env.runId(time.clock().instant()),
                            session.endpoint.name(),
                            candidate,
                            startedBy != null ? startedBy : env.actor(),
                            history.get());
                    end = session.runUntil(driver, time, Session::restingOrAwaitingSignOff, false, env.actor());
                }
            }
            return finish(session, end);
        }
    }
}
