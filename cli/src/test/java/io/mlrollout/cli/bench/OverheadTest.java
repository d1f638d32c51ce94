package io.mlrollout.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OverheadTest {

    @Test
    void waitingRolloutsHoldNoThreadAndEachBooksOneLook() {
        Overhead.Figures figures = Overhead.measure(200, 3);
        assertThat(figures.scheduledTasks()).isEqualTo(200);
        // one executor thread for all of them; allow a JVM thread or two coming and going meanwhile
        assertThat(figures.threadsAfter() - figures.threadsBefore()).isLessThanOrEqualTo(3);
        assertThat(figures.stateBytesMean()).isGreaterThan(500);
        assertThat(figures.stateBytesMax()).isGreaterThanOrEqualTo((int) figures.stateBytesMean());
        assertThat(figures.cpuMicrosPerLook()).containsOnlyKeys("ratio", "quantile", "value", "distribution");
        assertThat(figures.cpuMicrosPerLook().values())
                .allSatisfy(micros -> assertThat(micros).isPositive());
        assertThat(figures.markdown()).contains("heap per waiting rollout").contains("| 200 |");
    }
}
