package io.mlrollout.core.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The oracle of the calibration, checked against Wald's formulas (Wald, Sequential Analysis, 1947, ch. 3 and 5). */
class WaldSprtTest {

    @Test
    void boundariesAreWaldsApproximations() {
        WaldSprt sprt = new WaldSprt(1.1, 2, 0.05, 0.1);
        assertThat(sprt.upperBoundary()).isCloseTo((1 - 0.1) / 0.05, within(1e-12)); // A = (1 − β)/α = 18
        assertThat(sprt.lowerBoundary()).isCloseTo(0.1 / (1 - 0.05), within(1e-12)); // B = β/(1 − α)
        assertThat(new WaldSprt(1.1, 2, 0.01, 0).lowerBoundary()).isZero();
    }

    @Test
    void decisionsFollowWaldsLinearBoundariesForTheBinomial() {
        // Constant share s: p0 = p(θ0), p1 = p(θ1). Wald: reject when x ≥ h1 + c·k, accept when x ≤ h0 + c·k, with
        // D = log(p1(1 − p0) / (p0(1 − p1))), h1 = log A / D, h0 = log B / D, c = log((1 − p0) / (1 − p1)) / D.
        double share = 0.25;
        double p0 = 1.1 * share / (1.1 * share + 1 - share);
        double p1 = 2 * share / (2 * share + 1 - share);
        double d = Math.log(p1 * (1 - p0) / (p0 * (1 - p1)));
        double h1 = Math.log((1 - 0.1) / 0.05) / d;
        double h0 = Math.log(0.1 / (1 - 0.05)) / d;
        double c = Math.log((1 - p0) / (1 - p1)) / d;
        int checked = 0;
        for (int k = 0; k <= 80; k++) {
            for (int x = 0; x <= k; x++) {
                WaldSprt sprt = new WaldSprt(1.1, 2, 0.05, 0.1);
                WaldSprt.Decision decision = sprt.add(x, 100, k - x, 300);
                WaldSprt.Decision wald = x >= h1 + c * k
                        ? WaldSprt.Decision.REJECT_H0
                        : x <= h0 + c * k ? WaldSprt.Decision.ACCEPT_H0 : WaldSprt.Decision.CONTINUE;
                assertThat(decision).as("x=%d of k=%d", x, k).isEqualTo(wald);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(81 * 82 / 2);
    }

    @Test
    void averageSampleNumberAndPowerMatchWaldsApproximations() {
        // One event per step, equal traffic: p0 = 1/2 (θ0 = 1), p1 = 2/3 (θ1 = 2). Wald's approximations:
        // E1[N] ≈ ((1 − β) log A + β log B) / KL(p1 || p0), ignoring overshoot; P1(reject) ≈ 1 − β.
        double alpha = 0.05;
        double beta = 0.1;
        double p1 = 2.0 / 3;
        double kl = p1 * Math.log(p1 / 0.5) + (1 - p1) * Math.log((1 - p1) / 0.5);
        double asn = ((1 - beta) * Math.log((1 - beta) / alpha) + beta * Math.log(beta / (1 - alpha))) / kl;

        SplittableRandom random = new SplittableRandom(11);
        int runs = 4000;
        long steps = 0;
        int rejected = 0;
        for (int r = 0; r < runs; r++) {
            WaldSprt sprt = new WaldSprt(1, 2, alpha, beta);
            WaldSprt.Decision decision;
            do {
                boolean canaryBad = random.nextDouble() < p1;
                decision = sprt.add(canaryBad ? 1 : 0, 1, canaryBad ? 0 : 1, 1);
                steps++;
            } while (decision == WaldSprt.Decision.CONTINUE);
            rejected += decision == WaldSprt.Decision.REJECT_H0 ? 1 : 0;
        }
        double meanSteps = steps / (double) runs;
        // the overshoot past the boundaries makes the true ASN a little larger and the power a little higher
        assertThat(meanSteps).isBetween(asn, 1.3 * asn);
        assertThat(rejected / (double) runs).isBetween(1 - beta - 0.015, 1 - beta + 0.06);
    }

    @Test
    void refusesBadSettingsAndCountsNamingTheField() {
        assertThatThrownBy(() -> new WaldSprt(0.9, 2, 0.05, 0)).hasMessageContaining("theta0");
        assertThatThrownBy(() -> new WaldSprt(1.1, 1.1, 0.05, 0)).hasMessageContaining("theta1");
        assertThatThrownBy(() -> new WaldSprt(1.1, 2, 0, 0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new WaldSprt(1.1, 2, 0.05, 0.95)).hasMessageContaining("beta");
        WaldSprt sprt = new WaldSprt(1.1, 2, 0.05, 0);
        assertThatThrownBy(() -> sprt.add(5, 4, 0, 10)).hasMessageContaining("canaryBad");
        assertThatThrownBy(() -> sprt.add(1, 4, -1, 10)).hasMessageContaining("baselineBad");
        assertThat(sprt.logLikelihoodRatio()).isZero();
    }
}
