package io.mlrollout.core.analysis.stats;

import java.io.Serializable;

/**
 * Splits one metric's false-rejection budget α over the looks of a test that is repeated on a growing window (the
 * Mann-Whitney metrics), so that the chance of a false rejection at <i>any</i> look stays at most α, however many looks
 * happen.
 *
 * <p><b>Rule.</b> A share (1 − τ) of α is spent over the {@code plannedLooks} K with a power-family spending function:
 * look k ≤ K gets (1 − τ)·α·((k/K)^γ − ((k−1)/K)^γ), which spends little early, when a window holds few values, and
 * more later. The reserved tail τ·α pays for looks beyond the plan (a stage extended): look k &gt; K gets τ·α·K / ((k −
 * 1)·k). Since Σ_{k&gt;K} K/((k−1)k) = 1, the levels of all looks, planned and not, sum to exactly α.
 *
 * <p><b>Why it is valid.</b> A false rejection happens at some look k only if look k's test rejects, and each look's
 * test, taken alone, rejects a true null with probability at most its level. By the union bound the probability of a
 * false rejection at any look is at most the sum of the levels, α, without assuming anything about the dependence
 * between looks (they share data) and for any rule that stops early. The price of the union bound is conservatism:
 * looks on overlapping windows are strongly correlated, so the realised rate is well below α.
 *
 * @param alpha the metric's whole budget, in (0, 1)
 * @param plannedLooks the looks the schedule plans, at least 1
 * @param exponent γ of the spending function, positive: 1 spends evenly, larger values save more for late looks
 * @param reservedTail τ, the share of α kept for unplanned looks, in (0, 1)
 */
public record AlphaSpending(double alpha, int plannedLooks, double exponent, double reservedTail)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Spending γ = 2: late looks, with more data, get more of the budget. */
    public static final double DEFAULT_EXPONENT = 2;

    /** A fifth of α is kept for looks beyond the plan, since a stage may be extended. */
    public static final double DEFAULT_RESERVED_TAIL = 0.2;

    public AlphaSpending {
        Checks.level("alpha", alpha);
        if (plannedLooks < 1) {
            throw new IllegalArgumentException("plannedLooks must be at least 1, got " + plannedLooks);
        }
        if (!(exponent > 0) || !Double.isFinite(exponent)) {
            throw new IllegalArgumentException("exponent must be finite and positive, got " + exponent);
        }
        Checks.level("reservedTail", reservedTail);
    }

    /** The default rule for {@code alpha} over {@code plannedLooks}. */
    public static AlphaSpending of(double alpha, int plannedLooks) {
        return new AlphaSpending(alpha, plannedLooks, DEFAULT_EXPONENT, DEFAULT_RESERVED_TAIL);
    }

    /** The significance level of look {@code look} (1 for the first look). */
    public double levelAt(int look) {
        requireLook(look);
        if (look <= plannedLooks) {
            return (1 - reservedTail)
                    * alpha
                    * (Math.pow((double) look / plannedLooks, exponent)
                            - Math.pow((double) (look - 1) / plannedLooks, exponent));
        }
        return reservedTail * alpha * plannedLooks / ((double) (look - 1) * look);
    }

    /** The sum of the levels of looks 1 to {@code look}; below α for every look. */
    public double spentThrough(int look) {
        requireLook(look);
        if (look <= plannedLooks) {
            return (1 - reservedTail) * alpha * Math.pow((double) look / plannedLooks, exponent);
        }
        return (1 - reservedTail) * alpha + reservedTail * alpha * (1 - (double) plannedLooks / look);
    }

    private static void requireLook(int look) {
        if (look < 1) {
            throw new IllegalArgumentException("look must be at least 1, got " + look);
        }
    }
}
