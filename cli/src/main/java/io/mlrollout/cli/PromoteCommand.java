package io.mlrollout.cli;

import io.mlrollout.core.rollout.Input;
import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutDriver;
import io.mlrollout.core.rollout.RolloutState;
import io.mlrollout.core.rollout.Step;
import java.io.IOException;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlrollout promote}: moves a passed canary to 100% and watches it, in real time. */
@Command(
        mixinStandardHelpOptions = true,
        name = "promote",
        description = {
            "Moves a passed canary to 100%% and watches the promoted candidate for the policy's promote.bake; rolls"
                    + " back by itself if it regresses.",
            "Exit 0 promoted, 1 rolled back, 2 refused (the canary has not passed), 4 waiting for the promotion's"
                    + " sign-off."
        })
final class PromoteCommand extends StatefulCommand {

    /** A promotion already under way: resumed, not requested again. */
    private static final Set<Phase> PROMOTING = Set.of(Phase.PROMOTING, Phase.WATCHING);

    @Option(
            names = "--by",
            paramLabel = "USER",
            description = "who asks for the promotion; default: the CI's actor, else $USER")
    String by;

    PromoteCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException, IOException, InterruptedException {
        try (Session session = Session.open(policy, endpoint, state, err())) {
            RolloutState saved = session.requireState();
            if (saved.phase() == Phase.PROMOTED) {
                return finish(session, saved);
            }
            boolean resuming = PROMOTING.contains(saved.phase())
                    || (saved.phase() == Phase.AWAITING_SIGNOFF
                            && saved.gatePurpose() == RolloutState.GatePurpose.PROMOTION);
            String requester = by != null ? by : env.actor();
            RolloutState end;
            try (RolloutTime time = env.time().get()) {
                FileRecorder recorder = new FileRecorder(session.files);
                RolloutDriver.Listener listener = session.listener(recorder, out(), time, env);
                Input.PromoteRequested request =
                        new Input.PromoteRequested(requester, time.clock().instant());
                if (!resuming) {
                    // Asked of the pure engine first: a refused request must not set the rollout going.
                    Step preview = session.engine.on(saved, request);
                    if (preview.refusal().isPresent()) {
                        preview.events().forEach(listener::recorded);
                        throw refused(
                                session, saved, "promote", preview.refusal().get(), request.at());
                    }
                }
                var router = Connectors.router(session.endpoint, env, endpoint.toString());
                var metrics = Connectors.metrics(session.endpoint, env, endpoint.toString());
                RolloutDriver driver = new RolloutDriver(
                        session.engine, router, metrics, time.clock(), time.scheduler(), listener, saved);
                if (!resuming) {
                    driver.submit(request);
                }
                end = session.runUntil(driver, time, Session::restingOrAwaitingSignOff, resuming, requester);
            }
            return finish(session, end);
        }
    }
}
