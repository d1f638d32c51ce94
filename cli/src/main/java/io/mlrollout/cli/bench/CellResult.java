package io.mlrollout.cli.bench;

import java.util.Arrays;

/**
 * One judge's decisions over all runs of one cell (traffic model × scenario × canary traffic).
 *
 * @param model the traffic model's name
 * @param decisions per run, the minute of the rollback, {@link RolloutJudge#INCONCLUSIVE} or
 *     {@link RolloutJudge#PROMOTED}, sorted ascending
 */
record CellResult(String model, Scenario scenario, double canaryPerSecond, Contender contender, int[] decisions) {

    /** The normal quantile of a two-sided 95% interval. */
    private static final double Z95 = 1.959963984540054;

    CellResult {
        decisions = decisions.clone();
        Arrays.sort(decisions);
    }

    int runs() {
        return decisions.length;
    }

    int rollbacks() {
        return (int) Arrays.stream(decisions).filter(RolloutJudge::rolledBack).count();
    }

    int inconclusives() {
        return (int) Arrays.stream(decisions)
                .filter(d -> d == RolloutJudge.INCONCLUSIVE)
                .count();
    }

    int promotions() {
        return (int)
                Arrays.stream(decisions).filter(d -> d == RolloutJudge.PROMOTED).count();
    }

    /** Rollbacks over runs: the false-rollback rate under A/A, the detection rate under a regression. */
    double rollbackRate() {
        return (double) rollbacks() / runs();
    }

    double inconclusiveShare() {
        return (double) inconclusives() / runs();
    }

    /** Promotions over runs: under a regression, the share of bad candidates let through. */
    double promotedShare() {
        return (double) promotions() / runs();
    }

    /** Wilson's 95% score interval for the rollback rate: {lower, upper}. */
    double[] rollbackInterval() {
        return wilson(rollbacks(), runs());
    }

    static double[] wilson(int successes, int n) {
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // at 0 or n successes the bound is exactly 0 or 1; the formula leaves rounding dust there
        return new double[] {successes == 0 ? 0 : centre - half, successes == n ? 1 : centre + half};
    }

    /**
     * Minutes to a rollback that {@code share} of the runs reach; {@link RolloutJudge#INCONCLUSIVE} or
     * {@link RolloutJudge#PROMOTED} when fewer roll back.
     */
    int minutesAt(double share) {
        int index = (int) Math.ceil(share * decisions.length - 1e-9) - 1;
        return decisions[Math.max(0, index)];
    }

    int median() {
        return minutesAt(0.5);
    }

    /**
     * Minutes that {@code share} of the runs that rolled back reach: when false rollbacks happen, under A/A;
     * {@link RolloutJudge#PROMOTED} when none rolled back.
     */
    int rollbackMinutesAt(double share) {
        int rolledBack = rollbacks();
        if (rolledBack == 0) {
            return RolloutJudge.PROMOTED;
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
                && model.equals(c.model)
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
        return model + " " + scenario.name() + " @" + canaryPerSecond + " " + contender.label() + ": " + rollbacks()
                + "/" + runs();
    }
}
