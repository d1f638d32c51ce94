package io.mlrollout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress line's account of the bake: what is left, and why a stage bakes on past its end. */
class ConsoleTest {

    @Test
    void aBakeUnderWaySaysWhatIsLeftAndOneAtItsEndSaysNothing() {
        assertThat(Console.remaining(Duration.ofMinutes(4), Duration.ofMinutes(10)))
                .isEqualTo(", 6m to go");
        assertThat(Console.remaining(Duration.ofMinutes(10), Duration.ofMinutes(10)))
                .isEmpty();
    }

    /**
     * Past its end a stage bakes on because no look has a verdict yet, most often a pass still short of evidence; the
     * line said "looking again for data" there, which was seldom the reason.
     */
    @Test
    void aStagePastItsBakeSaysItBakesOnForAVerdict() {
        assertThat(Console.remaining(Duration.ofMinutes(12), Duration.ofMinutes(10)))
                .isEqualTo(", over by 2m (baking on: no verdict yet)");
    }
}
