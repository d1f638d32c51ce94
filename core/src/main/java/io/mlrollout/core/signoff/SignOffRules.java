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
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The sign-off rules a rollout actually follows: the endpoint's bounds combined with the policy's {@code signOff}
 * section.
 *
 * @param approvers user ids or group names; anyone matching one may sign
 * @param quorum how many different people must approve, at least as many as the roles need together
 * @param allowSelfApproval whether the person who started the rollout may approve it
 * @param expires how long a gate stays open
 * @param onExpiry what an expired gate leads to
 * @param roles the roles every gate needs approvals from, each with its own quorum; holders of these roles may sign
 *     too, and each approver counts for one role only
 */
public record SignOffRules(
        List<String> approvers,
        int quorum,
        boolean allowSelfApproval,
        Duration expires,
        OnExpiry onExpiry,
        List<RoleQuorum> roles)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String NOBODY = "neither the policy's signOff section nor the endpoint names any approvers";

    public SignOffRules {
        approvers = List.copyOf(approvers);
        roles = roles == null ? List.of() : List.copyOf(roles);
        int roleSeats = roles.stream().mapToInt(RoleQuorum::quorum).sum();
        if (roles.isEmpty()) {
            if (approvers.isEmpty()) {
                throw new IllegalArgumentException("sign-off rules need at least one approver or role");
            }
            if (quorum < 1 || quorum > approvers.size()) {
                throw new IllegalArgumentException(
                        "the quorum " + quorum + " is not between 1 and the " + approvers.size() + " approvers");
            }
        } else if (quorum < roleSeats) {
            throw new IllegalArgumentException(
                    "the quorum " + quorum + " is below the " + roleSeats + " approvals the roles need together");
        }
        if (roles.stream().map(RoleQuorum::role).distinct().count() < roles.size()) {
            throw new IllegalArgumentException("a role is required twice");
        }
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(onExpiry, "onExpiry");
    }

    /** Rules that require no roles. */
    public SignOffRules(
            List<String> approvers, int quorum, boolean allowSelfApproval, Duration expires, OnExpiry onExpiry) {
        this(approvers, quorum, allowSelfApproval, expires, onExpiry, List.of());
    }

    /** Whether this person may approve or reject: an approver, or a holder of a required role. */
    public boolean maySign(Identity who, ApproverMatcher matcher) {
        return matcher.isApprover(approvers, who) || !rolesOf(who, matcher).isEmpty();
    }

    /**
     * Every user id or group name that may sign: the approvers, then the required roles' members, each once. Who
     * matches one may be refused still (self-approval, a second signature), but nobody else may sign.
     */
    public List<String> signerNames() {
        Set<String> names = new LinkedHashSet<>(approvers);
        roles.forEach(role -> names.addAll(role.members()));
        return List.copyOf(names);
    }

    /** The required roles this person holds, in the rules' order. */
    public List<String> rolesOf(Identity who, ApproverMatcher matcher) {
        return roles.stream()
                .filter(role -> matcher.isApprover(role.members(), who))
                .map(RoleQuorum::role)
                .toList();
    }

    /**
     * Whom to tell when a gate waits too long for these required roles (e.g. a gate's {@link GateTally#rolesShort()}):
     * their escalation contacts from the endpoint's matrix, each once, in the rules' order.
     */
    public List<String> escalationFor(Collection<String> roleNames) {
        Set<String> contacts = new LinkedHashSet<>();
        roles.stream()
                .filter(role -> roleNames.contains(role.role()))
                .forEach(role -> contacts.addAll(role.escalation()));
        return List.copyOf(contacts);
    }

    /** Everyone who may sign, in words, e.g. {@code alice, bob; risk: carol, ml-risk}. */
    public String signers() {
        List<String> parts = new ArrayList<>();
        if (!approvers.isEmpty()) {
            parts.add(String.join(", ", approvers));
        }
        roles.forEach(role -> parts.add(role.role() + ": " + String.join(", ", role.members())));
        return String.join("; ", parts);
    }

    /**
     * Combines an endpoint's bounds with a policy. A policy may add approvers (the lists are joined) and raise the
     * quorum, and may forbid self-approval where the endpoint allows it; it may not lower the endpoint's minimum quorum,
     * allow self-approval the endpoint forbids, or skip the promotion sign-off the endpoint insists on. Without a
     * {@code signOff} section the endpoint's bounds apply as they are. Sign-offs the policy asks for (a stage's
     * {@code signOff}, {@code onInconclusive: signOff}) need approvers from one side or the other. Roles: every role
     * of the endpoint's responsibility matrix with a minimum quorum is required at least that often; the policy's
     * {@code signOff.roles} may require more roles of the matrix, or more approvals of one, never fewer; the quorum is
     * raised to the approvals the roles need together, since each approver counts for one role only.
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
        Map<String, Integer> requested = section.map(SignOffPolicy::roles).orElse(Map.of());
        List<RoleQuorum> roles = RoleRequirements.combine(requested, endpoint.matrix(), errors);
        // a refused role requirement is reported as such, not again as "nobody may sign"
        boolean rolesAsked = !requested.isEmpty() || RoleRequirements.endpointInsists(endpoint.matrix());

        Optional<SignOffRules> rules = section.isPresent()
                ? withSection(section.get(), approvers, roles, rolesAsked, endpoint, errors)
                : endpointOnly(approvers, roles, endpoint, errors);

        if (approvers.isEmpty() && !rolesAsked) {
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
        } else if (!policy.promote().signOff() && RoleRequirements.endpointInsists(endpoint.matrix())) {
            errors.add(new PolicyError(
                    "promote.signOff",
                    "the endpoint requires sign-offs by role (" + RoleRequirements.endpointFloors(endpoint.matrix())
                            + ") before promotion; a pipeline may not turn it off"));
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
        return rules;
    }

    private static Optional<SignOffRules> withSection(
            SignOffPolicy section,
            List<String> approvers,
            List<RoleQuorum> roles,
            boolean rolesAsked,
            EndpointSignOffBounds endpoint,
            List<PolicyError> errors) {
        int quorum = section.statesQuorum() ? section.quorum() : Math.max(1, endpoint.minimumQuorum());
        if (quorum < endpoint.minimumQuorum()) {
            errors.add(new PolicyError(
                    "signOff.quorum",
                    quorum + " is below the endpoint's minimum of " + endpoint.minimumQuorum()
                            + "; a pipeline may raise the quorum, never lower it"));
        }
        boolean selfApproval =
                section.selfApprovalAsEndpoint() ? endpoint.allowSelfApproval() : section.allowSelfApproval();
        if (selfApproval && !endpoint.allowSelfApproval()) {
            errors.add(new PolicyError(
                    "signOff.allowSelfApproval",
                    "the endpoint forbids self-approval; a pipeline may forbid it but not allow it"));
        }
        if (approvers.isEmpty() && !rolesAsked) {
            errors.add(new PolicyError("signOff.approvers", "no approvers: " + NOBODY));
        } else if (!rolesAsked && quorum > approvers.size()) {
            errors.add(
                    section.statesQuorum()
                            ? new PolicyError(
                                    "signOff.quorum",
                                    quorum + " is more than the " + approvers.size()
                                            + " approvers of the policy and the endpoint together")
                            : new PolicyError(
                                    "signOff.approvers",
                                    "the endpoint requires " + quorum + " approvals but the policy and the endpoint"
                                            + " name only " + approvers.size() + "; add approvers in"
                                            + " signOff.approvers"));
        }
        if (!errors.isEmpty()) {
            return Optional.empty(); // effective throws them all
        }
        return Optional.of(new SignOffRules(
                approvers,
                Math.max(quorum, RoleRequirements.seats(roles)),
                selfApproval,
                section.expires(),
                section.onExpiry(),
                roles));
    }

    private static Optional<SignOffRules> endpointOnly(
            List<String> approvers, List<RoleQuorum> roles, EndpointSignOffBounds endpoint, List<PolicyError> errors) {
        int quorum = Math.max(Math.max(1, endpoint.minimumQuorum()), RoleRequirements.seats(roles));
        if (!errors.isEmpty()) {
            return Optional.empty(); // effective throws them all
        }
        if (approvers.isEmpty() && roles.isEmpty()) {
            if (endpoint.minimumQuorum() > 0) {
                errors.add(new PolicyError(
                        "signOff.approvers",
                        "the endpoint requires " + endpoint.minimumQuorum()
                                + " approvals but names no approvers; list them in signOff.approvers"));
            }
            return Optional.empty();
        }
        if (roles.isEmpty() && quorum > approvers.size()) {
            errors.add(new PolicyError(
                    "signOff.approvers",
                    "the endpoint requires " + quorum + " approvals but names only " + approvers.size()
                            + "; add approvers in signOff.approvers"));
            return Optional.empty();
        }
        SignOffPolicy defaults = SignOffPolicy.defaults();
        return Optional.of(new SignOffRules(
                approvers, quorum, endpoint.allowSelfApproval(), defaults.expires(), defaults.onExpiry(), roles));
    }
}
