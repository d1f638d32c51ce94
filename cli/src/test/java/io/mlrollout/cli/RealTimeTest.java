package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Real time: tasks due now run on the driver thread, and the waiting thread sees their results and failures. */
class RealTimeTest {

    @Test
    void aTaskDueNowRunsAndWakesTheWaiter() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        try (RealTime time = new RealTime()) {
            time.scheduler().schedule(() -> done.set(true), time.clock().instant());

            assertThat(time.runUntil(done::get)).isTrue();
        }
    }

    @Test
    void aFailingTaskIsRethrownToTheWaiter() {
        try (RealTime time = new RealTime()) {
            time.scheduler()
                    .schedule(
                            () -> {
                                throw new IllegalStateException("the evidence file could not be written");
                            },
                            time.clock().instant());

            assertThatThrownBy(() -> time.runUntil(() -> false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the evidence file could not be written");
        }
    }
}
