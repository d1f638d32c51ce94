package io.mlrollout.core.rollout;

import io.mlrollout.core.policy.Policy;
import io.mlrollout.core.policy.PolicyError;
import io.mlrollout.core.policy.PolicyException;
import io.mlrollout.core.traffic.TrafficRouter;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a policy's shadow stages can run on an endpoint's router. Checked when the policy meets the router, before
 * anything moves: a router that cannot mirror (KServe's) would otherwise fail the first shift and roll back a rollout
 * that never had a chance.
 */
public final class ShadowStages {

    private ShadowStages() {}

    /** Refuses a policy with a shadow stage for a router that cannot mirror, naming each such stage. */
    public static void requireMirroring(Policy policy, TrafficRouter router) throws PolicyException {
        if (router.canMirror()) {
            return;
        }
        List<PolicyError> errors = new ArrayList<>();
        for (int i = 0; i < policy.stageCount(); i++) {
            if (policy.stage(i).isShadow()) {
                errors.add(new PolicyError(
                        "stages[" + i + "].shadow",
                        "the endpoint's router (" + router.describe() + ") cannot mirror requests, so a shadow"
                                + " stage cannot run on it (KServe has no request mirroring); route with the istio,"
                                + " gateway-api or webhook router, or remove the shadow stage"));
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
    }
}
