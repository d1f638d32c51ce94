package io.mlrollout.cli.bench;

import java.util.Arrays;

/**
 * One judge's decisions over all runs of one cell (scenario × traffic).
 *
 * @param decisions per run, the look of the rollback or {@link RolloutJudge#PASSED}, sorted ascending
 */
record CellResult(Scenario scenario, double canaryPerSecond, Contender contender, int[] decisions) {

    CellResult {
        decisions = decisions.clone();
        Arrays.sort(decisions);
    }

    int runs() {
        return decisions.length;
    }

    int rollbacks() {
        return (int)
                Arrays.stream(decisions).filter(d -> d != RolloutJudge.PASSED).count();
    }

    /** Rollbacks over runs: the false-rollback rate under A/A, the detection rate under a regression. */
    double rollbackRate() {
        return (double) rollbacks() / runs();
    }

    /** Minutes to a rollback that {@code share} of the runs reach; {@link RolloutJudge#PASSED} when fewer roll back. */
    int minutesAt(double share) {
        int index = (int) Math.ceil(share * decisions.length - 1e-9) - 1;
        return decisions[Math.max(0, index)];
    }

    int median() {
        return minutesAt(0.5);
    }

    /**
     * Minutes that {@code share} of the runs that rolled back reach: when false rollbacks happen, under A/A;
     * {@link RolloutJudge#PASSED} when none rolled back.
     */
    int rollbackMinutesAt(double share) {
        int rolledBack = rollbacks();
        if (rolledBack == 0) {
            return RolloutJudge.PASSED;
        }
        int index = (int) Math.ceil(share * rolledBack - 1e-9) - 1;
        return decisions[Math.max(0, index)];
    }

    int p90() {
        return minutesAt(0.9);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellResult c
                && scenario.equals(c.scenario)
                && canaryPerSecond == c.canaryPerSecond
                && contender == c.contender
                && Arrays.equals(decisions, c.decisions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(decisions) * 31 + contender.hashCode();
    }

    @Override
    public String toString() {
        return scenario.name() + " @" + canaryPerSecond + " " + contender.label() + ": " + rollbacks() + "/" + runs();
    }
}
