package io.mlrollout.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The line an A/A replay ends with. */
class AaReplaySummaryTest {

    @Test
    void countsEachOutcomeInWordsThatAgreeWithTheCount() {
        AaReplay.Summary one = new AaReplay.Summary(List.of("a", "b", "c", "d"), 5, 0, 1, 4, 0, 4);
        AaReplay.Summary three = new AaReplay.Summary(List.of("a", "b", "c", "d"), 5, 0, 3, 2, 0, 1);

        assertThat(one.describe("v1"))
                .isEqualTo("A/A replay: 0 of 5 splits failed a stage (false rollbacks: both groups run v1), 1 ended"
                        + " inconclusive and was rolled back by analysis.onInconclusive, 4 promoted, 0 undecided"
                        + " when the recording ended (4 distinct splits of the pods)");
        assertThat(three.describe("v1"))
                .contains("3 ended inconclusive and were rolled back")
                .endsWith("(1 distinct split of the pods)");
    }
}
