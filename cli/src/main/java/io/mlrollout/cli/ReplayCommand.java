package io.mlrollout.cli;

import io.mlrollout.core.audit.LogLines;
import io.mlrollout.core.metrics.MetricsException;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.metrics.PrometheusMetricsSource;
import io.mlrollout.core.metrics.QueryTemplates;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.replay.AaReplay;
import io.mlrollout.core.replay.Replay;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlrollout replay POLICY --endpoint FILE --from T1 [--to T2] (--baseline V1 --candidate V2 | --aa V)}: the
 * policy's judge over metrics Prometheus recorded. With two versions, what the policy would have decided on a past
 * rollout; with {@code --aa}, random splits of one version's pods into two groups judged as if they were two
 * versions, which measures the policy's false-rollback rate on the endpoint's own traffic. Moves nothing.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "replay",
        description = {
            "Runs the policy's judge over metrics Prometheus recorded between --from and --to, in simulated time:"
                    + " --baseline and --candidate replay a past rollout (what would this policy have decided?);"
                    + " --aa VERSION splits that version's pods into two random groups --splits times and judges them"
                    + " as two versions (how often does this policy roll back a healthy candidate on this traffic?)."
                    + " Nobody signs in a replay. Moves nothing.",
            "Exit 0 replayed (whatever the verdicts), 2 bad input, 3 Prometheus could not be read."
        })
final class ReplayCommand extends CommandBase {

    @Parameters(paramLabel = "POLICY", description = "the rollout policy (YAML or JSON)")
    Path policy;

    @Option(names = "--endpoint", required = true, paramLabel = "FILE", description = "the endpoint file: Prometheus")
    Path endpoint;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "TIME",
            description = "where the replay starts: an ISO-8601 instant (2026-12-01T10:00:00Z) or a duration ago (2h)")
    String from;

    @Option(
            names = "--to",
            paramLabel = "TIME",
            defaultValue = "now",
            description = "where the recording ends, as --from, or now (the default)")
    String to;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @ArgGroup(exclusive = false)
        PastRollout past;

        @Option(
                names = "--aa",
                paramLabel = "VERSION",
                description = "split this version's pods into two random groups and judge them as two versions")
        String aa;
    }

    static final class PastRollout {
        @Option(names = "--baseline", required = true, paramLabel = "VERSION", description = "the baseline version")
        String baseline;

        @Option(names = "--candidate", required = true, paramLabel = "VERSION", description = "the candidate version")
        String candidate;
    }

    @Option(
            names = "--pod-label",
            paramLabel = "LABEL",
            defaultValue = "pod",
            description = "with --aa: the label that names a series' pod (default ${DEFAULT-VALUE})")
    String podLabel;

    @Option(
            names = "--pods",
            paramLabel = "POD",
            split = ",",
            description = "with --aa: the pods to split (default: every pod of the version seen in the window)")
    List<String> pods;

    @Option(
            names = "--splits",
            paramLabel = "N",
            defaultValue = "10",
            description = "with --aa: how many random splits to judge (default ${DEFAULT-VALUE})")
    int splits;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "with --aa: the first split's seed (default ${DEFAULT-VALUE})")
    long seed;

    ReplayCommand(Environment env) {
        super(env);
    }

    /** Flags that would be ignored, or would make the replay compare a version with itself, are refused. */
    @Override
    void checkInputs() throws InputException {
        if (mode.past != null && mode.past.baseline.equals(mode.past.candidate)) {
            throw new InputException(
                    "",
                    "--candidate",
                    mode.past.candidate + " is also the --baseline: a version judged against itself shows nothing;"
                            + " to judge one version's pods against each other, use --aa " + mode.past.candidate);
        }
        if (mode.aa == null) {
            for (String aaOnly : List.of("--pods", "--pod-label", "--splits", "--seed")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(aaOnly)) {
                    throw new InputException("", aaOnly, "only an A/A replay (--aa) splits pods");
                }
            }
        }
    }

    @Override
    int run() throws InputException {
        EndpointFile file = Inputs.endpoint(endpoint, err());
        // nobody signs in a replay: the sign-offs are left out, and the endpoint's sign-off rules, which only bound
        // sign-offs (e.g. a minimum before promotion), have nothing to check
        Policy parsed = Inputs.policy(policy).withoutSignOffs();
        Inputs.requireSameEndpoint(parsed, policy, file);
        Instant now;
        try (RolloutTime time = env.time().get()) {
            now = time.clock().instant();
        }
        Instant start = instant("--from", from, now);
        Instant end = instant("--to", to, now);
        if (!end.isAfter(start)) {
            throw new InputException("", "--to", end + " is not after --from " + start);
        }
        Optional<String> future = Replay.futureEnd(end, now);
        if (future.isPresent()) {
            throw new InputException("", "--to", future.get());
        }
        if (mode.aa != null && (splits < 1 || splits > AaReplay.MAX_SPLITS)) {
            throw new InputException("", "--splits", splits + " is not 1.." + AaReplay.MAX_SPLITS);
        }
        if (mode.aa != null) {
            Optional<String> notALabel = QueryTemplates.labelNameProblem(podLabel);
            if (notALabel.isPresent()) {
                throw new InputException("", "--pod-label", notALabel.get());
            }
        }
        MetricsSource metrics = Connectors.metrics(file, env, endpoint.toString());
        if (mode.aa == null) {
            Optional<Integer> unreadable = requireSeries(parsed, file, metrics, start, end);
            if (unreadable.isPresent()) {
                return unreadable.get();
            }
        }
        if (!parsed.tiers().tiers().isEmpty()) {
            // as plan says without facts: what is judged is not what a rollout whose facts chose a tier would run
            out().println(Replay.TIERS_NOT_APPLIED);
        }
        if (mode.aa == null) {
            Replay.Result result =
                    Replay.run(parsed, metrics, file.name(), mode.past.baseline, mode.past.candidate, start, end);
            out().println("replay of " + file.name() + " from " + start + " to " + end + ": " + mode.past.baseline
                    + " (baseline) against " + mode.past.candidate + " (candidate); nobody signs in a replay, and"
                    + " no traffic moves: the traffic lines say what the policy would have asked the router for");
            result.events().forEach(event -> out().println(LogLines.format(event)));
            out().println("replay: " + result.describe());
            return ExitCodes.OK;
        }
        return aa(parsed, file, metrics, start, end);
    }

    private int aa(Policy parsed, EndpointFile file, MetricsSource metrics, Instant start, Instant end)
            throws InputException {
        if (!(metrics instanceof PrometheusMetricsSource prometheus)) {
            throw new InputException(
                    "", "--aa", "an A/A replay reads pods from Prometheus, and " + metrics + " is not");
        }
        List<String> split;
        try {
            split = AaReplay.podsToSplit(
                    prometheus, parsed, file.name(), mode.aa, podLabel, pods == null ? List.of() : pods, start, end);
        } catch (IllegalArgumentException unseen) {
            throw new InputException("", "--pods", unseen.getMessage());
        } catch (MetricsException unreadable) {
            err().println("mlrollout replay: Prometheus could not be read for the pods of " + mode.aa + ": "
                    + unreadable.getMessage());
            return ExitCodes.INFRASTRUCTURE;
        }
        AaReplay.Summary summary;
        try {
            summary = AaReplay.run(
                    parsed,
                    prometheus,
                    file.name(),
                    mode.aa,
                    podLabel,
                    split,
                    splits,
                    seed,
                    start,
                    end,
                    out()::println);
        } catch (IllegalArgumentException refused) {
            throw new InputException("", pods != null ? "--pods" : "--aa", refused.getMessage());
        }
        out().println(summary.describe(mode.aa));
        return ExitCodes.OK;
    }

    /**
     * Refuses a version Prometheus has no series of in the window (see {@link Replay#unrecorded}). The exit code when
     * Prometheus cannot be asked; empty when both versions are there.
     */
    private Optional<Integer> requireSeries(
            Policy parsed, EndpointFile file, MetricsSource metrics, Instant start, Instant end) throws InputException {
        for (String[] version : List.of(
                new String[] {"--baseline", mode.past.baseline}, new String[] {"--candidate", mode.past.candidate})) {
            Optional<String> unrecorded;
            try {
                unrecorded = Replay.unrecorded(metrics, parsed, file.name(), version[1], start, end);
            } catch (MetricsException failed) {
                err().println("mlrollout replay: Prometheus could not be read for the series of " + version[1] + ": "
                        + failed.getMessage());
                return Optional.of(ExitCodes.INFRASTRUCTURE);
            }
            if (unrecorded.isPresent()) {
                throw new InputException("", version[0], unrecorded.get());
            }
        }
        return Optional.empty();
    }

    private static Instant instant(String option, String text, Instant now) throws InputException {
        try {
            return Replay.instant(text, now);
        } catch (IllegalArgumentException e) {
            throw new InputException("", option, e.getMessage());
        }
    }
}
