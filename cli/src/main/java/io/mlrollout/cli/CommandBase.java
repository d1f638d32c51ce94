package io.mlrollout.cli;

import io.mlrollout.core.traffic.TrafficException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command shares: where it prints, and how failures become exit codes — bad input 2 with the field and the
 * reason, infrastructure 3 with what could not be reached or written.
 */
abstract class CommandBase implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    final Environment env;

    CommandBase(Environment env) {
        this.env = env;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() {
        try {
            checkInputs();
            return run();
        } catch (InputException bad) {
            err().println("mlrollout " + spec.name() + ": bad input, nothing was changed:");
            bad.getMessage().lines().forEach(line -> err().println("  " + line));
            return ExitCodes.BAD_INPUT;
        } catch (TrafficException router) {
            err().println("mlrollout " + spec.name() + ": the router failed (" + router.kind() + "): "
                    + router.getMessage());
            return ExitCodes.INFRASTRUCTURE;
        } catch (IOException | UncheckedIOException io) {
            Throwable cause = io instanceof UncheckedIOException unchecked ? unchecked.getCause() : io;
            err().println("mlrollout " + spec.name() + ": " + io.getMessage()
                    + (cause != io && cause.getMessage() != null ? ": " + cause.getMessage() : ""));
            return ExitCodes.INFRASTRUCTURE;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            err().println("mlrollout " + spec.name() + ": interrupted; the state file holds where the rollout is");
            return ExitCodes.INFRASTRUCTURE;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Checks what can be checked before anything is contacted; bad input ends the command here. */
    void checkInputs() throws InputException {}

    abstract int run() throws InputException, IOException, TrafficException, InterruptedException;
}
