package io.mlrollout.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C or SIGTERM (a cancelled CI job) while a command drives a rollout. The JVM runs its shutdown hooks on either
 * signal; ours wakes the command so it can leave traffic safe (the policy's {@code rollback.onAbort}), write the report
 * and say where traffic is, and then ends the process with the command's exit code instead of 130 or 143.
 */
final class StopSignal implements AutoCloseable {

    /**
     * How long the hook waits for the command to finish. CI runners send SIGKILL some seconds after SIGTERM; a
     * rollback is one PUT and one GET, well within that, and this bounds a router that hangs.
     */
    static final Duration GRACE = Duration.ofMinutes(2);

    /** The listener whose signal arrived; {@link #exit} hands it the exit code. */
    private static volatile StopSignal received;

    private volatile Runnable wake = () -> {};
    private final AtomicBoolean arrived = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile int exitCode = ExitCodes.INFRASTRUCTURE;

    private StopSignal() {
        this.hook = new Thread(this::onSignal, "mlrollout-stop-signal");
    }

    /** Listens for a stop signal until closed. */
    static StopSignal listen() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** {@code wake} tells a waiting command to look at {@link #arrived()} (a signal may also come before). */
    void wakes(Runnable wake) {
        this.wake = wake;
    }

    boolean arrived() {
        return arrived.get();
    }

    private void onSignal() {
        received = this;
        arrived.set(true);
        wake.run();
        try {
            if (!finished.await(GRACE.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("mlrollout: stopped without finishing after " + GRACE.toMinutes()
                        + " minutes; the state file holds where the rollout is");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        System.out.flush();
        System.err.flush();
        // The JVM is shutting down already, so System.exit would block; halt ends it with the command's code.
        Runtime.getRuntime().halt(exitCode);
    }

    /** Stops listening; after a signal the hook stays, as it must end the process. */
    @Override
    public void close() {
        if (arrived.get()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The signal came just now: the hook runs and waits for the exit code.
        }
    }

    /**
     * Ends the process with {@code code}: at once, or, when a stop signal arrived, by handing the code to the hook
     * that is waiting for it.
     */
    static void exit(int code) {
        StopSignal signal = received;
        if (signal == null) {
            System.exit(code);
        }
        signal.exitCode = code;
        signal.finished.countDown();
        // The hook halts the JVM; this thread only has to not end the process another way meanwhile.
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException ignored) {
                // keep waiting for the halt
            }
        }
    }
}
