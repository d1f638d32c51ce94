package io.mlrollout.core.policy;

import java.time.Duration;

/**
 * One step of the ramp: send {@code weight}% of traffic to the candidate and watch it for {@code bake}.
 *
 * @param signOff when true, the rollout waits for the sign-off quorum after this stage passes
 */
public record Stage(int weight, Duration bake, boolean signOff) {}
