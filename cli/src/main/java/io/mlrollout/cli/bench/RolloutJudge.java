package io.mlrollout.cli.bench;

/** A way of deciding a rollout from its readings, minute by minute: the shipped judge or one it is compared with. */
interface RolloutJudge {

    /** Returned by {@link #decide} when the judge promoted the candidate: it did not roll back within the rollout. */
    int PROMOTED = Integer.MAX_VALUE;

    /**
     * Returned by {@link #decide} when the judge ended the rollout neither rolled back nor promoted: our judge's
     * INCONCLUSIVE verdict. It sorts after every rollback and before {@link #PROMOTED}.
     */
    int INCONCLUSIVE = Integer.MAX_VALUE - 1;

    /**
     * Looks at the readings one interval at a time, as they would arrive, and stops at the first rollback.
     *
     * @return the 1-based minute of the rollout at which the judge rolled back, {@link #INCONCLUSIVE} or
     *     {@link #PROMOTED}
     */
    int decide(Traffic traffic);

    /** Whether {@code decision} is a rollback. */
    static boolean rolledBack(int decision) {
        return decision != PROMOTED && decision != INCONCLUSIVE;
    }
}
