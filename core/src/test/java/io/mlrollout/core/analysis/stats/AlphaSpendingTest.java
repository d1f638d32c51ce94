package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlphaSpendingTest {

    @Test
    void levelsOfAHandComputedPlan() {
        // α = 0.05, K = 4, γ = 2, τ = 0.2: planned looks share 0.04 as 0.04·(k² − (k−1)²)/16; the tail 0.01 as
        // 0.01·4/((k−1)k)
        AlphaSpending spending = new AlphaSpending(0.05, 4, 2, 0.2);
        assertThat(spending.levelAt(1)).isCloseTo(0.0025, within(1e-15));
        assertThat(spending.levelAt(2)).isCloseTo(0.0075, within(1e-15));
        assertThat(spending.levelAt(3)).isCloseTo(0.0125, within(1e-15));
        assertThat(spending.levelAt(4)).isCloseTo(0.0175, within(1e-15));
        assertThat(spending.levelAt(5)).isCloseTo(0.002, within(1e-15));
        assertThat(spending.levelAt(6)).isCloseTo(0.01 * 4 / 30, within(1e-15));
        assertThat(spending.spentThrough(4)).isCloseTo(0.04, within(1e-15));
    }

    @Test
    void allLooksTogetherSpendAtMostAlphaHoweverManyHappen() {
        AlphaSpending spending = AlphaSpending.of(0.01, 30);
        double sum = 0;
        for (int look = 1; look <= 200_000; look++) {
            double level = spending.levelAt(look);
            assertThat(level).isPositive();
            sum += level;
            if (look % 1000 == 0 || look <= 40) {
                assertThat(spending.spentThrough(look)).isCloseTo(sum, within(1e-12));
            }
        }
        assertThat(sum).isLessThan(0.01).isGreaterThan(0.01 * (1 - 1e-4));
    }

    @Test
    void exponentOneSpendsEvenlyOverThePlan() {
        AlphaSpending spending = new AlphaSpending(0.05, 10, 1, 0.2);
        for (int look = 1; look <= 10; look++) {
            assertThat(spending.levelAt(look)).isCloseTo(0.004, within(1e-15));
        }
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> AlphaSpending.of(1.5, 10)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> AlphaSpending.of(0.05, 0)).hasMessageContaining("plannedLooks");
        assertThatThrownBy(() -> new AlphaSpending(0.05, 10, 0, 0.2)).hasMessageContaining("exponent");
        assertThatThrownBy(() -> new AlphaSpending(0.05, 10, 2, 0)).hasMessageContaining("reservedTail");
        assertThatThrownBy(() -> AlphaSpending.of(0.05, 10).levelAt(0)).hasMessageContaining("look");
    }
}
