package io.mlrollout.core.policy;

import java.time.Duration;

/**
 * One step of the ramp: send {@code weight}% of traffic to the candidate and watch it for {@code bake}.
 *
 * @param maxBake how long the stage may bake on when its bake ends before the data show the candidate within its
 *     margins; then the stage is inconclusive
 * @param signOff when true, the rollout waits for the sign-off quorum after this stage passes
 */
public record Stage(int weight, Duration bake, Duration maxBake, boolean signOff) {

    /** By default a stage may bake on for twice its bake again: three times its bake in all. */
    public static final int DEFAULT_MAX_BAKE_FACTOR = 3;

    /** A stage whose longest bake is the default. */
    public Stage(int weight, Duration bake, boolean signOff) {
        this(weight, bake, bake.multipliedBy(DEFAULT_MAX_BAKE_FACTOR), signOff);
    }
}
