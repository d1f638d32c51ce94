package io.mlrollout.core.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition on a real external process by polling it often, up to a deadline; never a fixed sleep. */
final class Poll {

    /** A condition that may fail while the process is not there yet; a failure counts as "not yet". */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {}

    static void until(String what, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception notYet) {
                lastFailure = notYet;
            }
            if (System.nanoTime() > deadline) {
                AssertionError timedOut = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting "
                        + what + (lastFailure == null ? "" : "; last failure: " + lastFailure));
                if (lastFailure != null) {
                    timedOut.initCause(lastFailure);
                }
                throw timedOut;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL.toMillis()));
        }
    }
}
