package io.jenkins.plugins.mlrollout;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import io.mlrollout.core.metrics.MetricsSource;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.PolicyParser;
import io.mlrollout.core.rollout.RolloutEngine;
import io.mlrollout.core.rollout.ShadowStages;
import io.mlrollout.core.signoff.EndpointSignOffBounds;
import io.mlrollout.core.signoff.SignOffRules;
import io.mlrollout.core.tier.TierChooser;
import io.mlrollout.core.tier.TierDecision;
import io.mlrollout.core.traffic.TrafficRouter;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A policy combined with the endpoint an administrator configured: the engine that will run the rollout, and the
 * connectors it will use. Built the same way when {@code mlCanary} starts and when a rollout is picked up again after a
 * restart, so both follow the current endpoint settings.
 *
 * @param policy the parsed policy, with the endpoint and the dry-run switch the step gave
 * @param endpoint the endpoint's configuration
 * @param rules the effective sign-off rules; empty when nobody is named to sign
 * @param note something the build log should say about how the plan was made (e.g. an endpoint override), or empty
 * @param tier the tier the step's facts chose (the policy is already adjusted to it); empty without tiers or floors
 */
record RolloutPlan(
        Policy policy,
        ModelEndpoint endpoint,
        Optional<SignOffRules> rules,
        Optional<String> note,
        Optional<TierDecision> tier) {

    /**
     * Reads the policy and combines it with its endpoint. Nothing is contacted and nothing moves.
     *
     * @param endpointOverride the step's {@code endpoint}, which replaces (or supplies) the policy's
     * @throws AbortException listing every problem with its field path: the policy's own, a missing or unknown
     *     endpoint, and conflicts with the endpoint's sign-off bounds
     */
    static RolloutPlan of(
            String policyText, @CheckForNull String endpointOverride, boolean dryRun, Map<String, ?> facts)
            throws AbortException {
        Policy parsed;
        try {
            parsed = PolicyParser.parse(policyText);
        } catch (PolicyException e) {
            throw refused("the policy", e);
        }
        return of(parsed, endpointOverride, dryRun, facts);
    }

    /**
     * As {@link #of(String, String, boolean, Map)}, for a policy already read (e.g. made from a shared template).
     *
     * @param facts the facts the step stated, which choose the policy's tier under the endpoint's floors
     */
    static RolloutPlan of(Policy parsed, @CheckForNull String endpointOverride, boolean dryRun, Map<String, ?> facts)
            throws AbortException {
        String override = FieldRules.trimToNull(endpointOverride);
        Optional<String> note = Optional.empty();
        if (override != null
                && parsed.endpoint().isPresent()
                && !parsed.endpoint().get().equals(override)) {
            note = Optional.of("the step's endpoint '" + override + "' replaces the policy's '"
                    + parsed.endpoint().get() + "'");
        }
        String name = override != null ? override : parsed.endpoint().orElse(null);
        if (name == null) {
            throw new AbortException("endpoint: the policy has no 'endpoint:' and the step gives none; name the model"
                    + " endpoint in one of them. Nothing was moved.");
        }
        ModelEndpoint endpoint = MlRolloutConfiguration.get().requireEndpoint(name);
        Optional<TierDecision> tier;
        try {
            tier = TierChooser.decide(parsed.tiers(), endpoint.floors(), facts);
        } catch (PolicyException e) {
            throw refused("the step's facts, with the policy's tiers and the floors of endpoint '" + name + "',", e);
        }
        Policy written =
                tier.map(decision -> TierChooser.apply(parsed, decision)).orElse(parsed);
        Policy policy = written.withEndpoint(name).withDryRun(parsed.dryRun() || dryRun);
        Optional<SignOffRules> rules;
        try {
            rules = SignOffRules.effective(policy, bounds(endpoint));
        } catch (PolicyException e) {
            throw refused("the policy, with the sign-off rules of endpoint '" + name + "',", writtenAt(tier, e));
        }
        return new RolloutPlan(policy, endpoint, rules, note, tier);
    }

    /**
     * A policy for a replay on its endpoint: its sign-offs left out (nobody signs in a replay), so the endpoint's
     * sign-off rules (e.g. a minimum before promotion) have nothing to decide. A replay states no facts, so it judges
     * with the policy's own stages and bounds, not a tier's. Nothing is contacted and nothing moves.
     */
    static RolloutPlan forReplay(Policy parsed, @CheckForNull String endpointOverride) throws AbortException {
        String override = FieldRules.trimToNull(endpointOverride);
        String name = override != null ? override : parsed.endpoint().orElse(null);
        if (name == null) {
            throw new AbortException("endpoint: the policy has no 'endpoint:' and the step gives none; name the model"
                    + " endpoint in one of them. Nothing was moved.");
        }
        ModelEndpoint endpoint = MlRolloutConfiguration.get().requireEndpoint(name);
        return new RolloutPlan(
                parsed.withoutSignOffs().withEndpoint(name),
                endpoint,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    static EndpointSignOffBounds bounds(ModelEndpoint endpoint) {
        return new EndpointSignOffBounds(
                endpoint.approverIds(),
                endpoint.getMinimumQuorum(),
                endpoint.isAllowSelfApproval(),
                endpoint.responsibilityMatrix());
    }

    String endpointName() {
        return endpoint.getName();
    }

    RolloutEngine engine() {
        return new RolloutEngine(
                policy, rules, People.approverMatcher(), policy.schedule().with(endpoint.calendar()));
    }

    /** The endpoint's router, with its credential looked up for {@code run}. */
    TrafficRouter router(Run<?, ?> run, RolloutServices services) throws AbortException {
        return router(endpoint, run, services);
    }

    /** {@code endpoint}'s router, with its credential looked up for {@code run}. */
    static TrafficRouter router(ModelEndpoint endpoint, Run<?, ?> run, RolloutServices services) throws AbortException {
        return connect(
                endpoint, "router", () -> services.connectors().router(endpoint, endpoint.routerCredential(run)));
    }

    /** Refuses a shadow stage when the endpoint's router cannot mirror, before anything moves. */
    void requireMirroring(TrafficRouter router) throws AbortException {
        try {
            ShadowStages.requireMirroring(policy, router);
        } catch (PolicyException e) {
            throw refused("the policy, on the router of endpoint '" + endpoint.getName() + "',", writtenAt(tier, e));
        }
    }

    /** The endpoint's checks run on the policy as the tier made it; a problem with the tier's stages is its. */
    private static PolicyException writtenAt(Optional<TierDecision> tier, PolicyException refused) {
        return tier.map(decision -> decision.writtenAt(refused)).orElse(refused);
    }

    /** The endpoint's metrics source, with its credential looked up for {@code run}. */
    MetricsSource metrics(Run<?, ?> run, RolloutServices services) throws AbortException {
        return connect(
                endpoint,
                "prometheusUrl",
                () -> services.connectors().metrics(endpoint, endpoint.prometheusCredential(run)));
    }

    @FunctionalInterface
    private interface Connect<T> {
        T get() throws AbortException;
    }

    private static <T> T connect(ModelEndpoint endpoint, String field, Connect<T> connect) throws AbortException {
        try {
            return connect.get();
        } catch (IllegalArgumentException e) {
            // A connector refuses settings it cannot use; its message names the setting, never a credential.
            throw new AbortException("endpoint '" + endpoint.getName() + "' " + field + ": " + e.getMessage());
        }
    }

    static AbortException refused(String what, PolicyException e) {
        return new AbortException(what + " was refused, nothing was moved:\n"
                + e.errors().stream()
                        .map(PolicyError::toString)
                        .map(line -> "  " + line)
                        .collect(Collectors.joining("\n")));
    }
}
