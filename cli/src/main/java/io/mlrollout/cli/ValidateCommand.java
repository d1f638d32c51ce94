package io.mlrollout.cli;

import io.mlrollout.core.policy.Durations;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.rollout.ShadowStages;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.tier.TierFloors;
import io.mlrollout.core.traffic.TrafficRouter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlrollout validate POLICY [--endpoint FILE] [--fact NAME=VALUE …]}: checks a policy, and with an endpoint file
 * the pair, the way {@code canary} would before it moves anything, reporting every error at once. With facts it checks
 * the policy as their risk tier makes it, as {@code canary} with those facts would run it. Offline: no router,
 * Prometheus or credential variable is touched.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "validate",
        description = {
            "Checks a policy, and with --endpoint the endpoint file and the pair (names, sign-off bounds, the"
                    + " router's settings, shadow stages), as canary would before anything moves. With --fact/--facts,"
                    + " the policy as the facts' risk tier makes it. Reports every error at once. Contacts nothing.",
            "Exit 0 valid, 2 not valid."
        })
final class ValidateCommand extends CommandBase {

    @Parameters(paramLabel = "POLICY", description = "the rollout policy (YAML or JSON)")
    Path policy;

    @Option(names = "--endpoint", paramLabel = "FILE", description = "the endpoint file to check with the policy")
    Path endpoint;

    @Mixin
    FactOptions facts = new FactOptions();

    ValidateCommand(Environment env) {
        super(env);
    }

    @Override
    int run() throws InputException {
        List<String> problems = new ArrayList<>();
        Optional<Policy> parsed = collect(problems, () -> Inputs.policy(policy));
        Optional<EndpointFile> file =
                endpoint == null ? Optional.empty() : collect(problems, () -> Inputs.endpoint(endpoint, err()));
        Optional<TierDecision> tier = parsed.isPresent() && facts.given() && (endpoint == null || file.isPresent())
                ? collect(problems, () -> tierOf(parsed.get(), file)).flatMap(decided -> decided)
                : Optional.empty();
        Optional<Policy> chosen = parsed.map(written ->
                tier.map(decision -> TierChooser.apply(written, decision)).orElse(written));
        if (chosen.isPresent() && file.isPresent()) {
            collect(problems, () -> Inputs.combine(chosen.get(), policy, file.get(), tier));
            collect(problems, () -> checkRouter(chosen.get(), file.get(), tier));
        }
        if (!problems.isEmpty()) {
            err().println("mlrollout validate: not valid; " + problems.size() + " problem(s):");
            problems.forEach(problem -> err().println("  " + problem));
            return ExitCodes.BAD_INPUT;
        }
        Policy p = chosen.orElseThrow();
        tier.ifPresent(decision -> out().println(decision.summary()));
        out().println("valid: " + policy + (file.isPresent() ? " with " + endpoint : "") + ": "
                + p.stageCount() + " stage(s) "
                + p.stages().stream()
                        .map(s -> s.label() + " for " + Durations.format(s.bake()) + (s.signOff() ? " (sign-off)" : ""))
                        .collect(Collectors.joining(" → "))
                + "; metrics " + p.metrics().stream().map(m -> m.name()).collect(Collectors.joining(", ")));
        if (endpoint == null) {
            out().println("  (the endpoint file was not checked; pass --endpoint FILE to check the pair)");
        }
        if (!facts.given() && !p.tiers().tiers().isEmpty()) {
            out().println("  (the policy's own stages; its tiers may choose others: give the facts (--fact, --facts)"
                    + " to check what a rollout with them would run)");
        }
        return ExitCodes.OK;
    }

    /**
     * What canary checks once it has built the router: the router's own settings (a CA certificate that is not PEM,
     * say), and that it can mirror the policy's shadow stages. Built without its credential, it contacts nothing.
     */
    private TrafficRouter checkRouter(Policy chosen, EndpointFile file, Optional<TierDecision> tier)
            throws InputException {
        TrafficRouter router = Connectors.routerWithoutCredential(file, endpoint.toString());
        try {
            ShadowStages.requireMirroring(chosen, router);
        } catch (PolicyException refused) {
            throw new InputException(
                    policy.toString(),
                    Inputs.writtenAt(tier, refused).errors().stream()
                            .map(InputError::from)
                            .toList());
        }
        return router;
    }

    /** The tier the stated facts choose, the endpoint file's floors applied when there is one. */
    private Optional<TierDecision> tierOf(Policy written, Optional<EndpointFile> file) throws InputException {
        try {
            return Inputs.tier(
                    written, policy, file.map(EndpointFile::tiers).orElse(TierFloors.none()), facts.stated());
        } catch (IOException unreadable) {
            throw new InputException("", "--facts", "cannot be read: " + unreadable.getMessage());
        }
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
