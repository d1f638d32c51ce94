package io.jenkins.plugins.mlrollout;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import hudson.model.Action;
import hudson.model.Cause;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import jenkins.model.RunAction2;

/**
 * A build as the steps see it, mocked at Jenkins' seams: a {@code Run} with its actions, directory, URLs and starter,
 * its job, and a {@code TaskListener} whose log is captured (a console link is written as {@code <a href='url'>text</a>},
 * as Jenkins renders it).
 */
final class FakeBuild {

    /** When each fake build was scheduled: distinct, as two builds' times are. */
    private static final AtomicLong SCHEDULED = new AtomicLong(1_795_000_000_000L);

    final Run<?, ?> run;
    final Job<?, ?> job;
    final TaskListener listener;
    final Path directory;
    final List<Action> actions = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    volatile boolean building = true;
    /** Why the build started: the starter's {@code UserIdCause}, if a starter was given; a test may add more. */
    final List<Cause> causes = new CopyOnWriteArrayList<>();
    /** Whether the authentication the build runs as may build its job. */
    volatile boolean mayBuild = true;

    @SuppressWarnings({"unchecked", "rawtypes"})
    FakeBuild(String jobName, int number, String startedBy, Path jenkinsHome) {
        directory =
                jenkinsHome.resolve("jobs").resolve(jobName).resolve("builds").resolve(Integer.toString(number));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        job = mock(Job.class);
        when(job.getFullName()).thenReturn(jobName);
        when(job.hasPermission2(any(), any())).thenAnswer(invocation -> mayBuild);
        Run run = mock(Run.class);
        when(run.getExternalizableId()).thenReturn(jobName + "#" + number);
        when(run.getFullDisplayName()).thenReturn(jobName + " #" + number);
        when(run.getTimeInMillis()).thenReturn(SCHEDULED.incrementAndGet());
        when(run.getUrl()).thenReturn("job/" + jobName + "/" + number + "/");
        when(run.getRootDir()).thenReturn(directory.toFile());
        doReturn(job).when(run).getParent();
        when(run.isBuilding()).thenAnswer(invocation -> building);
        if (startedBy != null) {
            causes.add(new Cause.UserIdCause(startedBy));
        }
        when(run.getCauses()).thenReturn(causes);
        doAnswer(invocation -> {
                    Action action = invocation.getArgument(0);
                    actions.add(action);
                    if (action instanceof RunAction2 attached) {
                        attached.onAttached(run);
                    }
                    return null;
                })
                .when(run)
                .addAction(any());
        doAnswer(invocation -> actions.remove(invocation.<Action>getArgument(0)))
                .when(run)
                .removeAction(any());
        when(run.getActions(any(Class.class))).thenAnswer(invocation -> {
            Class<?> type = invocation.getArgument(0);
            return actions.stream().filter(type::isInstance).toList();
        });
        this.run = run;

        PrintStream logger = new PrintStream(out, true, StandardCharsets.UTF_8);
        listener = mock(TaskListener.class);
        when(listener.getLogger()).thenReturn(logger);
        try {
            doAnswer(invocation -> {
                        logger.print(
                                "<a href='" + invocation.getArgument(0) + "'>" + invocation.getArgument(1) + "</a>");
                        return null;
                    })
                    .when(listener)
                    .hyperlink(anyString(), anyString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build log so far. */
    String log() {
        return out.toString(StandardCharsets.UTF_8);
    }

    FakeStepContext newContext() {
        return new FakeStepContext(run, listener);
    }

    RolloutAction action(String endpoint) {
        return RolloutAction.find(run, endpoint).orElseThrow(() -> new AssertionError("no rollout of " + endpoint));
    }
}
