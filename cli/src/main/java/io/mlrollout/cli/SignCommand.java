package io.mlrollout.cli;

import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.signoff.Decision;
import io.mlrollout.core.signoff.Identity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlrollout approve} and {@code reject}: a signature on the open sign-off gate, applied through the engine,
 * which checks who may sign, once, with a comment. A refusal is recorded in the evidence and printed with its reason.
 * First the looks that fell due while no process ran are caught up with; then the signature is applied and what it
 * sets off is carried out up to the next wait: after the quorum approves, the next stage's shift (then {@code canary}
 * bakes it); after a rejection, the rollback.
 *
 * <p>The command line cannot authenticate anyone: it trusts {@code --user}. Restrict who may run it with the CI's own
 * approvals (GitHub environments with required reviewers, GitLab protected environments).
 */
abstract class SignCommand extends StatefulCommand {

    @Option(names = "--user", required = true, paramLabel = "ID", description = "who signs")
    String user;

    @Option(names = "--group", paramLabel = "GROUP", description = "a group the signer belongs to; repeatable")
    List<String> groups = new ArrayList<>();

    @Option(
            names = "--comment",
            paramLabel = "TEXT",
            defaultValue = "",
            description = "why: the decision record (an approval needs one)")
    String comment;

    private final Decision decision;

    SignCommand(Environment env, Decision decision) {
        super(env);
        this.decision = decision;
    }

    @Override
    void checkInputs() throws InputException {
        super.checkInputs();
        Inputs.requirePerson("--user", user, "who signs");
    }

    @Override
    int run() throws InputException, IOException, InterruptedException {
        try (Session session = Session.open(policy, endpoint, state, err())) {
            RolloutState saved = session.requireState();
            var router = Connectors.router(session.endpoint, env, endpoint.toString());
            var metrics = Connectors.metrics(session.endpoint, env, endpoint.toString());
            RolloutState end;
            try (RolloutTime time = env.time().get()) {
                RolloutDriver.Listener listener = session.listener(new FileRecorder(session.files), out(), time, env);
                RolloutDriver driver = new RolloutDriver(
                        session.engine, router, metrics, time.clock(), time.scheduler(), listener, saved);
                // First the looks that fell due while no process ran: a regression found now settles the gate.
                RolloutState caughtUp = session.runUntil(driver, time, s -> true, true, user);
                if (caughtUp.openGate().isEmpty() && !caughtUp.equals(saved)) {
                    // The catch-up settled things (a regression rolled back, the gate expired): there is nothing
                    // left to sign, and this run did change the rollout, so it is not bad input.
                    out().println(LogLines.note(decision.name().toLowerCase(Locale.ROOT) + " by " + user
                            + " not applied: while no mlrollout process ran, the rollout moved on; it is now "
                            + caughtUp.phase().inWords()));
                    end = caughtUp;
                } else {
                    Identity who = new Identity(user, Set.copyOf(groups), false);
                    Instant at = time.clock().instant();
                    Optional<String> refusal = driver.submit(new Input.SignOff(who, decision, comment, at));
                    if (refusal.isPresent()) {
                        throw refused(session, caughtUp, decision.name().toLowerCase(Locale.ROOT), refusal.get(), at);
                    }
                    // What the signature sets off happens now (a shift, a rollback), up to the next wait.
                    end = session.runUntil(driver, time, SignCommand::waitingOrResting, false, user);
                }
            }
            int code = finish(session, end);
            return end.phase() == Phase.BAKING || end.phase() == Phase.WATCHING ? ExitCodes.OK : code;
        }
    }

    private static boolean waitingOrResting(RolloutState state) {
        return state.phase().isResting()
                || state.phase() == Phase.BAKING
                || state.phase() == Phase.WATCHING
                || state.phase() == Phase.AWAITING_SIGNOFF;
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "approve",
            description = {
                "Approves the open sign-off gate as --user (with --group memberships), with --comment as the decision"
                        + " record.",
                "Exit 0 when the quorum is reached and the next stage is shifted (run canary or promote to go on), 4"
                        + " while more approvals are needed, 2 when the signature is refused (with the reason)."
            })
    static final class Approve extends SignCommand {
        Approve(Environment env) {
            super(env, Decision.APPROVE);
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "reject",
            description = {
                "Rejects the open sign-off gate as --user; the rollout rolls back at once.",
                "Exit 1 when rolled back, 2 when the signature is refused (with the reason)."
            })
    static final class Reject extends SignCommand {
        Reject(Environment env) {
            super(env, Decision.REJECT);
        }
    }
}
