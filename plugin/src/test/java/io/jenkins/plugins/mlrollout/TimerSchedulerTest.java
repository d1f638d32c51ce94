package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.verify;

import io.mlrollout.core.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jenkins.util.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

/**
 * The driver's absolute due times become delays on Jenkins' shared timer, and at the due time the timer only hands the
 * work to the plugin's own threads: a router that hangs never holds one of the timer's threads.
 */
class TimerSchedulerTest {

    private final VirtualTime clock = new VirtualTime(Instant.parse("2026-11-23T10:00:00Z"));
    private final ScheduledExecutorService mockTimer = mock(ScheduledExecutorService.class);
    /** A one-thread stand-in for Jenkins' timer, so a blocked thread shows at once. */
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "jenkins.util.Timer [#1]"));

    private final AtomicInteger made = new AtomicInteger();
    private final List<String> contexts = new CopyOnWriteArrayList<>();
    private final RolloutThreads threads = new RolloutThreads(
            r -> {
                Thread t = new Thread(r, "ML Rollout [#" + made.incrementAndGet() + "]");
                t.setDaemon(true);
                return t;
            },
            task -> () -> {
                contexts.add("as SYSTEM");
                task.run();
            });

    @AfterEach
    void stopTheTimer() {
        timer.shutdownNow();
    }

    @Test
    void aDueTimeAheadIsScheduledAfterTheRemainingDelay() {
        try (MockedStatic<Timer> timers = mockStatic(Timer.class)) {
            timers.when(Timer::get).thenReturn(mockTimer);

            new TimerScheduler(clock, Runnable::run)
                    .schedule(() -> {}, clock.instant().plus(Duration.ofSeconds(40)));

            verify(mockTimer).schedule(any(Runnable.class), eq(40_000L), eq(TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aDueTimeInThePastRunsAtOnce() {
        try (MockedStatic<Timer> timers = mockStatic(Timer.class)) {
            timers.when(Timer::get).thenReturn(mockTimer);

            new TimerScheduler(clock, Runnable::run)
                    .schedule(() -> {}, clock.instant().minus(Duration.ofMinutes(5)));

            verify(mockTimer).schedule(any(Runnable.class), eq(0L), eq(TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aTaskThatHangsRunsOnThePluginsThreadsAndLeavesTheTimerFree() throws Exception {
        try (MockedStatic<Timer> timers = mockStatic(Timer.class)) {
            timers.when(Timer::get).thenReturn(timer);
            TimerScheduler scheduler = new TimerScheduler(clock, threads);
            CountDownLatch hang = new CountDownLatch(1);
            CompletableFuture<String> slowRanOn = new CompletableFuture<>();
            CompletableFuture<String> nextTimerTaskRanOn = new CompletableFuture<>();

            scheduler.schedule(
                    () -> {
                        slowRanOn.complete(Thread.currentThread().getName());
                        awaitQuietly(hang); // a router that does not answer
                    },
                    clock.instant());
            assertThat(slowRanOn.get(10, TimeUnit.SECONDS)).startsWith("ML Rollout [#");
            timer.schedule(
                    () -> nextTimerTaskRanOn.complete(Thread.currentThread().getName()), 0, TimeUnit.SECONDS);

            assertThat(nextTimerTaskRanOn.get(10, TimeUnit.SECONDS))
                    .as("Pipeline's sleep and Jenkins' periodic work still get the timer")
                    .isEqualTo("jenkins.util.Timer [#1]");
            assertThat(contexts).containsExactly("as SYSTEM");
            hang.countDown();
        }
    }

    @Test
    void thePluginsThreadsAreBoundedAndMoreWorkWaitsForThem() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        CountDownLatch allStarted = new CountDownLatch(RolloutThreads.SIZE);
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < RolloutThreads.SIZE * 3; i++) {
            threads.execute(() -> {
                names.add(Thread.currentThread().getName());
                allStarted.countDown();
                awaitQuietly(hang);
            });
        }
        assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(made.get()).isEqualTo(RolloutThreads.SIZE);
        assertThat(names).hasSize(RolloutThreads.SIZE);
        hang.countDown();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
