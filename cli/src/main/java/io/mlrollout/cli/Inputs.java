package io.mlrollout.cli;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.policy.PolicyTemplate;
import io.mlrollout.core.policy.PolicyTemplateFile;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.tier.TierFloors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the files a command is given and turns every problem with them into bad input naming the file and field. */
final class Inputs {

    private Inputs() {}

    /** A person named by a flag such as {@code --user}: a blank id would act, and be recorded, as nobody. */
    static void requirePerson(String flag, String id, String who) throws InputException {
        if (id == null || id.isBlank()) {
            throw new InputException("", flag, "is blank: give the user id of " + who);
        }
    }

    static String read(Path file, String flag) throws InputException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            throw new InputException("", flag, "no such file: " + file);
        } catch (MalformedInputException notText) {
            throw new InputException("", flag, file + " is not UTF-8 text");
        } catch (IOException unreadable) {
            throw new InputException("", flag, "cannot read " + file + ": " + unreadable.getMessage());
        }
    }

    static Policy policy(Path file) throws InputException {
        String text = read(file, "--policy");
        try {
            return PolicyParser.parse(text);
        } catch (PolicyException refused) {
            throw new InputException(file.toString(), errors(refused));
        }
    }

    /** A template kept in a file (see {@link PolicyTemplateFile}), refused with its file and field paths. */
    static PolicyTemplate template(Path file) throws InputException {
        String text = read(file, "--template");
        try {
            return PolicyTemplateFile.parse(text);
        } catch (PolicyException refused) {
            throw new InputException(file.toString(), errors(refused));
        }
    }

    /**
     * The policy {@code template} makes with {@code params}; a parameter's problem is at {@code template.params.NAME},
     * one of the template's text at its path inside the template.
     */
    static PolicyTemplate.ResolvedTemplate resolve(PolicyTemplate template, Path file, Map<String, String> params)
            throws InputException {
        try {
            return template.resolve(params);
        } catch (PolicyException refused) {
            throw new InputException(
                    file + " (template " + template.name() + " v" + template.version() + ")", errors(refused));
        }
    }

    static EndpointFile endpoint(Path file) throws InputException {
        return EndpointFileParser.parse(read(file, "--endpoint"), file.toString());
    }

    /** As {@link #endpoint(Path)}, telling {@code notes} about each old spelling the file uses. */
    static EndpointFile endpoint(Path file, PrintWriter notes) throws InputException {
        EndpointFile endpoint = endpoint(file);
        endpoint.deprecations().forEach(hint -> notes.println("mlrollout: " + file + ": " + hint));
        return endpoint;
    }

    /**
     * Combines the policy with the endpoint: the names must agree, and the endpoint's sign-off bounds are applied.
     *
     * @return the effective sign-off rules, empty when nobody is named to sign
     */
    static Optional<SignOffRules> combine(Policy policy, Path policyFile, EndpointFile endpoint) throws InputException {
        return combine(policy, policyFile, endpoint, Optional.empty());
    }

    /**
     * As {@link #combine(Policy, Path, EndpointFile)}, for the policy as the facts' tier made it: the endpoint checks it
     * as any policy, and a problem with the tier's stages is reported where the tier wrote them.
     */
    static Optional<SignOffRules> combine(
            Policy policy, Path policyFile, EndpointFile endpoint, Optional<TierDecision> tier) throws InputException {
        requireSameEndpoint(policy, policyFile, endpoint);
        try {
            return SignOffRules.effective(policy, endpoint.signOff());
        } catch (PolicyException refused) {
            throw new InputException(policyFile.toString(), errors(writtenAt(tier, refused)));
        }
    }

    /** {@code refused} with its paths where they were written: in the tier's stages, when the tier replaced them. */
    static PolicyException writtenAt(Optional<TierDecision> tier, PolicyException refused) {
        return tier.map(decision -> decision.writtenAt(refused)).orElse(refused);
    }

    /** Refuses a policy written for another endpoint than the endpoint file describes. */
    static void requireSameEndpoint(Policy policy, Path policyFile, EndpointFile endpoint) throws InputException {
        if (policy.endpoint().isPresent() && !policy.endpoint().get().equals(endpoint.name())) {
            throw new InputException(
                    policyFile.toString(),
                    "endpoint",
                    "the policy is for '" + policy.endpoint().get() + "' but the endpoint file describes '"
                            + endpoint.name() + "'");
        }
    }

    /**
     * The tier the stated facts choose under the policy's tiers and the endpoint's floors; refused (before anything
     * moves) with the field path of every undeclared, missing or ill-typed fact and every rule that fails.
     */
    static Optional<TierDecision> tier(Policy policy, Path policyFile, EndpointFile endpoint, Map<String, ?> facts)
            throws InputException {
        return tier(policy, policyFile, endpoint.tiers(), facts);
    }

    /** As {@link #tier(Policy, Path, EndpointFile, Map)}, with the endpoint's floors (or none) given directly. */
    static Optional<TierDecision> tier(Policy policy, Path policyFile, TierFloors floors, Map<String, ?> facts)
            throws InputException {
        try {
            return TierChooser.decide(policy.tiers(), floors, facts);
        } catch (PolicyException refused) {
            throw new InputException(policyFile.toString(), errors(refused));
        }
    }

    private static List<InputError> errors(PolicyException refused) {
        return refused.errors().stream().map(InputError::from).toList();
    }
}
