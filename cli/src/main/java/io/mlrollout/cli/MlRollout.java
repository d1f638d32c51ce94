package io.mlrollout.cli;

import io.mlrollout.cli.bench.BenchCommand;
import io.mlrollout.core.http.Backoff;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code mlrollout} command: the rollout engine outside Jenkins. {@code demo} plays a whole rollout against the
 * built-in simulator; {@code canary}, {@code promote}, {@code rollback}, {@code status}, {@code approve} and {@code
 * reject} run a real rollout from any CI with a state file, and {@code open-window} lets one go ahead outside its
 * deployment window; {@code verify-evidence} checks an evidence file; {@code
 * validate} checks a policy and an endpoint file offline; {@code simulator} runs the serving simulator as a standing
 * endpoint; {@code bench} measures the judge against other judges and what waiting rollouts cost. See {@code
 * docs/cli.md}.
 */
@Command(
        name = "mlrollout",
        mixinStandardHelpOptions = true,
        version = "mlrollout 0.1.0",
        description =
                "Rolls out a new model version safely: staged traffic, sound statistics, named sign-offs, rollback.",
        footer = {
            "",
            "Exit codes: 0 passed or done, 1 regression or rolled back, 2 bad input, 3 infrastructure error,"
                    + " 4 waiting for sign-off.",
            "Documentation: docs/cli.md"
        })
public final class MlRollout implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a command: the usage, as bad input. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    /** The command line with every command, working in {@code env}. */
    public static CommandLine commandLine(Environment env) {
        CommandLine line = new CommandLine(new MlRollout())
                .addSubcommand(new DemoCommand(env))
                .addSubcommand(new CanaryCommand(env))
                .addSubcommand(new PromoteCommand(env))
                .addSubcommand(new RollbackCommand(env, Backoff.Sleeper.REAL))
                .addSubcommand(new StatusCommand(env))
                .addSubcommand(new SignCommand.Approve(env))
                .addSubcommand(new SignCommand.Reject(env))
                .addSubcommand(new OpenWindowCommand(env))
                .addSubcommand(new VerifyEvidenceCommand(env))
                .addSubcommand(new ValidateCommand(env))
                .addSubcommand(new PlanCommand(env))
                .addSubcommand(new ReplayCommand(env))
                .addSubcommand(new SimulatorCommand(env))
                .addSubcommand(new BenchCommand());
        line.setExecutionExceptionHandler((failure, command, parsed) -> {
            // Expected failures are exit codes already (CommandBase); this is a bug, reported as such.
            command.getErr().println("mlrollout: unexpected error: " + failure);
            failure.printStackTrace(command.getErr());
            return ExitCodes.INFRASTRUCTURE;
        });
        return line;
    }

    public static void main(String[] args) {
        CommandLine line = commandLine(Environment.system());
        line.setOut(new PrintWriter(System.out, true, Charset.defaultCharset()));
        line.setErr(new PrintWriter(System.err, true, Charset.defaultCharset()));
        StopSignal.exit(line.execute(args));
    }
}
