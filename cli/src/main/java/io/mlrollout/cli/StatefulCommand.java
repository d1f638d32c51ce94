package io.mlrollout.cli;

import io.mlrollout.core.audit.EvidenceLog;
import io.mlrollout.core.audit.Report;
import io.mlrollout.core.audit.SealKey;
import io.mlrollout.core.rollout.RolloutState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command on a rollout kept in a state file, with the policy and the endpoint file it runs under. Its evidence and
 * report are kept beside the state file.
 */
abstract class StatefulCommand extends CommandBase {

    @Option(names = "--policy", paramLabel = "FILE", description = "the rollout policy (YAML or JSON); required")
    Path policy;

    @Option(
            names = "--state",
            required = true,
            paramLabel = "FILE",
            description = "the rollout's state file; its evidence and report are kept beside it")
    Path state;

    @Option(
            names = "--endpoint",
            required = true,
            paramLabel = "FILE",
            description = "the endpoint file: router, Prometheus, sign-off bounds")
    Path endpoint;

    @Mixin
    SealKeyOption sealKey = new SealKeyOption();

    /**
     * A bad key file, or another key than the one that sealed the rollout's evidence, is refused before any traffic
     * moves, not when the rollout comes to rest.
     */
    @Override
    void checkInputs() throws InputException {
        if (policy == null) {
            throw new InputException("", "--policy", "is required: the policy the rollout runs under");
        }
        sealKey.requireTheKeyThatSealed(state, sealKey.key(env));
    }

    StatefulCommand(Environment env) {
        super(env);
    }

    /**
     * The refusal of a request whose refusal the evidence already records. A rollout at rest had its evidence sealed
     * when it came to rest; the refusal's line broke that seal, so it is sealed again and the state records the new
     * head: a refused promote or signature never leaves a finished rollout's chain looking cut short.
     */
    InputException refused(Session session, RolloutState current, String field, String reason, Instant at)
            throws IOException, InputException {
        if (current.phase().isResting()) {
            Optional<SealKey> key = sealKey.key(env);
            EvidenceLog evidence = session.evidence();
            evidence.seal(at, key);
            session.files.saveState(current, Report.EvidenceHead.of(evidence, key));
        }
        return new InputException("", field, reason);
    }

    /** Writes the report, says where the rollout stands and what to run next, and gives the exit code for it. */
    int finish(Session session, RolloutState end) throws IOException, InputException {
        return new Wrapup(out(), policy, state, endpoint, sealKey.key(env)).report(session, end);
    }
}
