package io.mlrollout.core.analysis;

/**
 * What a look is for.
 *
 * @param mode canary vs baseline, the promoted candidate against the baseline's history, or a dry-run check
 * @param stageIndex the 0-based stage (canary mode)
 * @param end whether the stage's bake (or the promotion watch) is over: the judge decides if the data allow it
 * @param lastChance whether the stage may bake no longer (its maxBake is reached): the judge must decide now, and what
 *     the data have not shown is inconclusive
 */
public record LookContext(Mode mode, int stageIndex, boolean end, boolean lastChance) {

    /** What a look compares. */
    public enum Mode {
        /** Candidate against baseline, side by side, at the stage's weight. */
        CANARY,
        /** The promoted candidate against the baseline traffic held back during the watch (or its limits alone). */
        WATCH,
        /** A dry run: read everything once and say what came back; decide nothing. */
        CHECK
    }

    /** A canary look whose stage may not bake on: at its end the judge decides. */
    public static LookContext canary(int stageIndex, boolean stageEnd) {
        return canary(stageIndex, stageEnd, stageEnd);
    }

    public static LookContext canary(int stageIndex, boolean stageEnd, boolean lastChance) {
        return new LookContext(Mode.CANARY, stageIndex, stageEnd, lastChance);
    }

    /** A watch look that may not bake on: at its end the judge decides. */
    public static LookContext watch(boolean watchEnd) {
        return watch(watchEnd, watchEnd);
    }

    public static LookContext watch(boolean watchEnd, boolean lastChance) {
        return new LookContext(Mode.WATCH, -1, watchEnd, lastChance);
    }

    public static LookContext check() {
        return new LookContext(Mode.CHECK, -1, false, false);
    }
}
