package io.mlrollout.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real {@code mlrollout} in a child JVM (its {@code main}, the test classpath): for what only a separate process
 * shows, such as file locks between processes and signals.
 */
final class ChildCli implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private ChildCli(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "child-cli-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mlrollout args} in {@code dir} with the given environment variables added. */
    static ChildCli start(Path dir, Map<String, String> variables, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                MlRollout.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(variables);
        return new ChildCli(builder.start());
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.append(line).append('\n');
                lines.add(line);
            }
        } catch (IOException ended) {
            // The process is gone; what it printed is kept.
        }
    }

    /** Waits for a line of output that {@code matches}; fails with everything printed so far if none comes. */
    String awaitLine(Predicate<String> matches, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("no such line within " + limit + "; the child printed:\n" + output);
            }
            if (matches.test(line)) {
                return line;
            }
        }
    }

    /**
     * Sends SIGTERM (on Unix), as a CI runner does when a job is cancelled. Through the process handle: {@code
     * Process.destroy()} would also close our end of its output, and what it prints while stopping would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit and gives the exit code. */
    int exitCode(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child did not exit within " + limit + "; it printed:\n" + output);
        }
        // What the process wrote before it ended may still be on its way through the pipe.
        reader.join(limit.toMillis());
        return process.exitValue();
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
