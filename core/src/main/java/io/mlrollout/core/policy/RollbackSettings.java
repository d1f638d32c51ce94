package io.mlrollout.core.policy;

/**
 * @param automatic roll back by itself on a failed verdict; when false, a failure leaves traffic where it is (HALTED)
 *     for a person to decide
 * @param onAbort what an aborted build does with the traffic
 */
public record RollbackSettings(boolean automatic, OnAbort onAbort) {

    /** Roll back by itself on failure and on abort. */
    public static RollbackSettings defaults() {
        return new RollbackSettings(true, OnAbort.ROLLBACK);
    }

    /** What aborting the build does. */
    public enum OnAbort {
        ROLLBACK,
        HOLD
    }
}
