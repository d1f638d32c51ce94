package io.mlrollout.core.policy;

import java.time.Duration;

/**
 * One step of the ramp: send {@code weight}% of traffic to the candidate and watch it for {@code bake}. A shadow stage
 * sends no user to the candidate ({@code weight} 0) and mirrors {@code shadow}% of the requests to it instead; its
 * answers are thrown away.
 *
 * @param maxBake how long the stage may bake on when its bake ends before the data show the candidate within its
 *     margins; then the stage is inconclusive
 * @param signOff when true, the rollout waits for the sign-off quorum after this stage passes
 * @param shadow percent of requests mirrored to the candidate in a shadow stage, 1..100; 0 in a canary stage
 */
public record Stage(int weight, Duration bake, Duration maxBake, boolean signOff, int shadow) {

    /** By default a stage may bake on for twice its bake again: three times its bake in all. */
    public static final int DEFAULT_MAX_BAKE_FACTOR = 3;

    public Stage {
        if (shadow < 0 || shadow > 100 || (shadow > 0) == (weight > 0)) {
            throw new IllegalArgumentException("a stage has either a weight (canary) or a shadow share, got weight "
                    + weight + ", shadow " + shadow);
        }
    }

    /** A canary stage. */
    public Stage(int weight, Duration bake, Duration maxBake, boolean signOff) {
        this(weight, bake, maxBake, signOff, 0);
    }

    /** A canary stage whose longest bake is the default. */
    public Stage(int weight, Duration bake, boolean signOff) {
        this(weight, bake, bake.multipliedBy(DEFAULT_MAX_BAKE_FACTOR), signOff);
    }

    /** A shadow stage: {@code percent}% of requests mirrored to the candidate, none of its answers used. */
    public static Stage shadowStage(int percent, Duration bake, Duration maxBake, boolean signOff) {
        return new Stage(0, bake, maxBake, signOff, percent);
    }

    public boolean isShadow() {
        return shadow > 0;
    }

    /** The share of requests the candidate sees, as a fraction: its weight, or in a shadow stage its mirror share. */
    public double candidateShare() {
        return (isShadow() ? shadow : weight) / 100.0;
    }

    /** The share of requests the baseline serves: all of them in a shadow stage, the rest in a canary stage. */
    public double baselineShare() {
        return isShadow() ? 1 : 1 - weight / 100.0;
    }

    /** How the stage is named in logs and reports: {@code 25%}, or {@code shadow 20%}. */
    public String label() {
        return label(weight, shadow);
    }

    /** The label of a stage with this weight and shadow share. */
    public static String label(int weight, int shadow) {
        return shadow > 0 ? "shadow " + shadow + "%" : weight + "%";
    }
}
