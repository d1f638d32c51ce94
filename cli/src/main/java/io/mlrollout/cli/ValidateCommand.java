package io.mlrollout.cli;

import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlrollout validate POLICY [--endpoint FILE]}: checks a policy, and with an endpoint file the pair, the way
 * {@code canary} would before it moves anything, reporting every error at once. Offline: no router, Prometheus or
 * credential variable is touched.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "validate",
        description = {
            "Checks a policy, and with --endpoint the endpoint file and the pair (names, sign-off bounds), as canary"
                    + " would before anything moves. Reports every error at once. Contacts nothing.",
            "Exit 0 valid, 2 not valid."
        })
final class ValidateCommand extends CommandBase {

    @Parameters(paramLabel = "POLICY", description = "the rollout policy (YAML or JSON)")
    Path policy;

    @Option(names = "--endpoint", paramLabel = "FILE", description = "the endpoint file to check with the policy")
    Path endpoint;

    ValidateCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException {
        List<String> problems = new ArrayList<>();
        Optional<Policy> parsed = collect(problems, () -> Inputs.policy(policy));
        Optional<EndpointFile> file =
                endpoint == null ? Optional.empty() : collect(problems, () -> Inputs.endpoint(endpoint, err()));
        if (parsed.isPresent() && file.isPresent()) {
            collect(problems, () -> Inputs.combine(parsed.get(), policy, file.get()));
        }
        if (!problems.isEmpty()) {
            err().println("mlrollout validate: not valid; " + problems.size() + " problem(s):");
            problems.forEach(problem -> err().println("  " + problem));
            return ExitCodes.BAD_INPUT;
        }
        Policy p = parsed.orElseThrow();
        out().println("valid: " + policy + (file.isPresent() ? " with " + endpoint : "") + ": "
                + p.stageCount() + " stage(s) "
                + p.stages().stream()
                        .map(s -> s.label() + " for " + Durations.format(s.bake()) + (s.signOff() ? " (sign-off)" : ""))
                        .collect(Collectors.joining(" → "))
                + "; metrics " + p.metrics().stream().map(m -> m.name()).collect(Collectors.joining(", ")));
        if (endpoint == null) {
            out().println("  (the endpoint file was not checked; pass --endpoint FILE to check the pair)");
        }
        return ExitCodes.OK;
    }

    @FunctionalInterface
    private interface Check<T> {
        T run() throws InputException;
    }

    /** Runs one check; its errors, one per line, join the others instead of ending the command. */
    private static <T> Optional<T> collect(List<String> problems, Check<T> check) {
        try {
            return Optional.ofNullable(check.run());
        } catch (InputException refused) {
            problems.addAll(refused.getMessage().lines().toList());
            return Optional.empty();
        }
    }
}
