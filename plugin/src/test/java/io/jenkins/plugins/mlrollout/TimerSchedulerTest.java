package io.jenkins.plugins.mlrollout;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.verify;

import io.mlrollout.core.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

/** The driver's absolute due times become delays on Jenkins' shared timer. */
class TimerSchedulerTest {

    private final VirtualTime clock = new VirtualTime(Instant.parse("2026-11-23T10:00:00Z"));
    private final ScheduledExecutorService timer = mock(ScheduledExecutorService.class);

    @Test
    void aDueTimeAheadIsScheduledAfterTheRemainingDelay() {
        try (MockedStatic<Timer> timers = mockStatic(Timer.class)) {
            timers.when(Timer::get).thenReturn(timer);

            new TimerScheduler(clock).schedule(() -> {}, clock.instant().plus(Duration.ofSeconds(40)));

            verify(timer).schedule(any(Runnable.class), eq(40_000L), eq(TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aDueTimeInThePastRunsAtOnce() {
        try (MockedStatic<Timer> timers = mockStatic(Timer.class)) {
            timers.when(Timer::get).thenReturn(timer);

            new TimerScheduler(clock).schedule(() -> {}, clock.instant().minus(Duration.ofMinutes(5)));

            verify(timer).schedule(any(Runnable.class), eq(0L), eq(TimeUnit.MILLISECONDS));
        }
    }
}
