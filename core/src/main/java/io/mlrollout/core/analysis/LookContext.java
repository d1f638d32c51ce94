package io.mlrollout.core.analysis;

/**
 * What a look is for.
 *
 * @param mode canary vs baseline, the promoted candidate against the baseline's history, or a dry-run check
 * @param stageIndex the 0-based stage (canary mode)
 * @param end whether this look ends the stage's bake (or the promotion watch): the judge must then decide
 */
public record LookContext(Mode mode, int stageIndex, boolean end) {

    /** What a look compares. */
    public enum Mode {
        /** Candidate against baseline, side by side, at the stage's weight. */
        CANARY,
        /** The promoted candidate at 100% against what the baseline showed during the canary. */
        WATCH,
        /** A dry run: read everything once and say what came back; decide nothing. */
        CHECK
    }

    public static LookContext canary(int stageIndex, boolean stageEnd) {
        return new LookContext(Mode.CANARY, stageIndex, stageEnd);
    }

    public static LookContext watch(boolean watchEnd) {
        return new LookContext(Mode.WATCH, -1, watchEnd);
    }

    public static LookContext check() {
        return new LookContext(Mode.CHECK, -1, false);
    }
}
