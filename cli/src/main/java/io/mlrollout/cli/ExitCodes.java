package io.mlrollout.cli;

import io.mlrollout.core.rollout.Phase;
import io.mlrollout.core.rollout.RolloutState;

/** The exit codes of every command, as {@code docs/cli.md} documents them. */
public final class ExitCodes {

    /** Passed or done: the canary passed, the promotion finished, the rollback is complete, the evidence is intact. */
    public static final int OK = 0;

    /** A regression, a rejection or another reason to stop: the rollout rolled back or halted; a broken evidence chain. */
    public static final int FAILED = 1;

    /** Bad input: a flag, the policy, the endpoint file or the state file; a refused request. Nothing moved. */
    public static final int BAD_INPUT = 2;

    /** Infrastructure: the router or a file could not be used, the rollback failed, a tool is missing. */
    public static final int INFRASTRUCTURE = 3;

    /** A sign-off is open: run {@code approve} or {@code reject}, then the same command again. */
    public static final int AWAITING_SIGNOFF = 4;

    private ExitCodes() {}

    /**
     * The exit code of a rollout that stopped where {@code state} is: as {@link #of(Phase)}, except that a rollout
     * halted before its first stage could not read its router (nothing moved), which is an infrastructure error.
     */
    public static int of(RolloutState state) {
        if (state.phase() == Phase.HALTED && state.stageIndex() < 0) {
            return INFRASTRUCTURE;
        }
        return of(state.phase());
    }

    /** The exit code of a rollout that stopped in {@code phase}. */
    public static int of(Phase phase) {
        return switch (phase) {
            case CANARY_PASSED, PROMOTED, DRY_RUN_COMPLETE -> OK;
            case ROLLED_BACK, HALTED -> FAILED;
            case ROLLBACK_FAILED -> INFRASTRUCTURE;
            case AWAITING_SIGNOFF -> AWAITING_SIGNOFF;
            // A run that stopped mid-way (its process was interrupted) is not done; resuming continues it.
            case PENDING, SHIFTING, BAKING, WAITING_FOR_WINDOW, PROMOTING, WATCHING, ROLLING_BACK -> INFRASTRUCTURE;
        };
    }
}
