package io.mlrollout.core.policy;

import java.util.Optional;

/**
 * Reads a shadow stage's {@code shadow: 20%}: the share of requests mirrored to the candidate, a whole percent from 1%
 * to 100% (every router that mirrors takes a whole percent; Gateway API's {@code percent} takes nothing else).
 */
final class ShadowShare {

    static final String KEY = "shadow";

    private static final ValueType<Double> SHARE = ValueType.PERCENT
            .where(share -> share > 0, share -> "0% mirrors nothing; a shadow stage needs 1% to 100%")
            .where(share -> share <= 1, share -> Percentages.format(share) + " is over 100%")
            .where(
                    share -> Math.abs(share * 100 - Math.round(share * 100)) < 1e-9,
                    share -> Percentages.format(share) + " is not a whole percent; routers mirror whole percents");

    private ShadowShare() {}

    /**
     * The shadow share of a stage in whole percent, or empty (with an error when it was refused or misplaced).
     *
     * @param canaryBefore whether a canary stage (with a weight) came before this one
     * @param previousShare the share of the shadow stage before, 0 if none
     */
    static Optional<Integer> read(MappingReader stage, boolean canaryBefore, int previousShare) {
        if (stage.has("weight")) {
            stage.error(
                    KEY,
                    "a stage has either weight (a canary stage) or shadow (a shadow stage, which serves no user),"
                            + " not both");
            return Optional.empty();
        }
        Optional<Integer> share = stage.optional(KEY, SHARE).map(s -> (int) Math.round(s * 100));
        if (share.isEmpty()) {
            return share;
        }
        if (canaryBefore) {
            stage.error(
                    KEY,
                    "a shadow stage must come before the canary stages: once users are served by the candidate,"
                            + " mirroring tells nothing new");
            return Optional.empty();
        }
        if (share.get() <= previousShare) {
            stage.error(
                    KEY,
                    share.get() + "% is not above the previous shadow stage's " + previousShare
                            + "%; shares must increase");
        }
        return share;
    }
}
