package io.mlrollout.cli.bench;

/** A way of deciding a rollout from its readings, minute by minute: the shipped judge or one it is compared with. */
interface RolloutJudge {

    /** Returned by {@link #decide} when the judge did not roll back within the rollout. */
    int PASSED = Integer.MAX_VALUE;

    /**
     * Looks at the readings one interval at a time, as they would arrive, and stops at the first rollback.
     *
     * @return the 1-based look at which the judge rolled back (minutes into the rollout), or {@link #PASSED}
     */
    int decide(Traffic traffic);
}
