package io.mlrollout.core.signoff;

import io.mlrollout.core.policy.AnalysisSettings.OnInconclusive;
import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.policy.SignOffPolicy;
import io.mlrollout.core.policy.SignOffPolicy.OnExpiry;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The sign-off rules a rollout actually follows: the endpoint's bounds combined with the policy's {@code signOff}
 * section.
 *
 * @param approvers user ids or group names; anyone matching one may sign
 * @param quorum how many different people must approve
 * @param allowSelfApproval whether the person who started the rollout may approve it
 * @param expires how long a gate stays open
 * @param onExpiry what an expired gate leads to
 */
public record SignOffRules(
        List<String> approvers, int quorum, boolean allowSelfApproval, Duration expires, OnExpiry onExpiry)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String NOBODY = "neither the policy's signOff section nor the endpoint names any approvers";

    public SignOffRules {
        approvers = List.copyOf(approvers);
        if (approvers.isEmpty()) {
            throw new IllegalArgumentException("sign-off rules need at least one approver");
        }
        if (quorum < 1 || quorum > approvers.size()) {
            throw new IllegalArgumentException(
                    "the quorum " + quorum + " is not between 1 and the " + approvers.size() + " approvers");
        }
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(onExpiry, "onExpiry");
    }

    /**
     * Combines an endpoint's bounds with a policy. A policy may add approvers (the lists are joined) and raise the
     * quorum, and may forbid self-approval where the endpoint allows it; it may not lower the endpoint's minimum quorum,
     * allow self-approval the endpoint forbids, or skip the promotion sign-off the endpoint insists on. Without a
     * {@code signOff} section the endpoint's bounds apply as they are. Sign-offs the policy asks for (a stage's
     * {@code signOff}, {@code onInconclusive: signOff}) need approvers from one side or the other.
     *
     * @return the rules, or empty when nobody is named to sign (then no gate can be opened)
     * @throws PolicyException listing every conflict, with the field paths of the policy
     */
    public static Optional<SignOffRules> effective(Policy policy, EndpointSignOffBounds endpoint)
            throws PolicyException {
        List<PolicyError> errors = new ArrayList<>();
        Optional<SignOffPolicy> section = policy.signOff();
        Set<String> joined = new LinkedHashSet<>(endpoint.approvers());
        section.ifPresent(s -> joined.addAll(s.approvers()));
        List<String> approvers = List.copyOf(joined);

        Optional<SignOffRules> rules = section.isPresent()
                ? withSection(section.get(), approvers, endpoint, errors)
                : endpointOnly(approvers, endpoint, errors);

        if (approvers.isEmpty()) {
            for (int i = 0; i < policy.stageCount(); i++) {
                if (policy.stage(i).signOff()) {
                    errors.add(new PolicyError("stages[" + i + "].signOff", "needs approvers, but " + NOBODY));
                }
            }
            if (policy.analysis().onInconclusive() == OnInconclusive.SIGN_OFF) {
                errors.add(new PolicyError("analysis.onInconclusive", "signOff needs approvers, but " + NOBODY));
            }
        }
        if (!policy.promote().signOff() && endpoint.minimumQuorum() > 0) {
            errors.add(new PolicyError(
                    "promote.signOff",
                    "the endpoint requires a sign-off of at least " + endpoint.minimumQuorum()
                            + " before promotion; a pipeline may not turn it off"));
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return rules;
    }

    private static Optional<SignOffRules> withSection(
            SignOffPolicy section, List<String> approvers, EndpointSignOffBounds endpoint, List<PolicyError> errors) {
        int errorsBefore = errors.size();
        if (section.quorum() < endpoint.minimumQuorum()) {
            errors.add(new PolicyError(
                    "signOff.quorum",
                    section.quorum() + " is below the endpoint's minimum of " + endpoint.minimumQuorum()
                            + "; a pipeline may raise the quorum, never lower it"));
        }
        if (section.allowSelfApproval() && !endpoint.allowSelfApproval()) {
            errors.add(new PolicyError(
                    "signOff.allowSelfApproval",
                    "the endpoint forbids self-approval; a pipeline may forbid it but not allow it"));
        }
        if (approvers.isEmpty()) {
            errors.add(new PolicyError("signOff.approvers", "no approvers: " + NOBODY));
        } else if (section.quorum() > approvers.size()) {
            errors.add(new PolicyError(
                    "signOff.quorum",
                    section.quorum() + " is more than the " + approvers.size()
                            + " approvers of the policy and the endpoint together"));
        }
        if (errors.size() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new SignOffRules(
                approvers, section.quorum(), section.allowSelfApproval(), section.expires(), section.onExpiry()));
    }

    private static Optional<SignOffRules> endpointOnly(
            List<String> approvers, EndpointSignOffBounds endpoint, List<PolicyError> errors) {
        int quorum = Math.max(1, endpoint.minimumQuorum());
        if (approvers.isEmpty()) {
            if (endpoint.minimumQuorum() > 0) {
                errors.add(new PolicyError(
                        "signOff.approvers",
                        "the endpoint requires " + endpoint.minimumQuorum()
                                + " approvals but names no approvers; list them in signOff.approvers"));
            }
            return Optional.empty();
        }
        if (quorum > approvers.size()) {
            errors.add(new PolicyError(
                    "signOff.approvers",
                    "the endpoint requires " + quorum + " approvals but names only " + approvers.size()
                            + "; add approvers in signOff.approvers"));
            return Optional.empty();
        }
        SignOffPolicy defaults = SignOffPolicy.defaults();
        return Optional.of(new SignOffRules(
                approvers, quorum, endpoint.allowSelfApproval(), defaults.expires(), defaults.onExpiry()));
    }
}
